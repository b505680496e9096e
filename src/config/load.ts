import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { knownKeysAt, suggestion } from '../suggest.ts';
import { isEngineName, officialImageEngine, officialModelArgs } from '../engines/registry.ts';
import { applyEnginePresetRaw } from './engine-preset.ts';
import { normaliseGateConfig, type NormaliseOptions } from './normalise.ts';
import { gateConfigSchema, type GateConfig } from './schema.ts';
import { SETTING_NAMES, SETTINGS, settingTextSchema, type ConfigOverrides, type Setting, type SettingName } from './settings.ts';
import { thresholdIssues } from './thresholds.ts';

/** A config problem the user must fix; the CLI exits 2 on it. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const DEFAULT_CONFIG_FILE = 'llm-gate.yml';

type Json = Record<string, unknown>;

const isMapping = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function section(raw: Json, key: string): Json {
  const value = raw[key];
  if (value === undefined || value === null) {
    const fresh: Json = {};
    raw[key] = fresh;
    return fresh;
  }
  return value as Json;
}

/** The mapping that holds a setting's key, created where absent; undefined where the file has something else there (the schema names it). */
function parentOf(raw: Json, path: readonly string[]): Json | undefined {
  let node: Json = raw;
  for (const key of path.slice(0, -1)) {
    const next = section(node, key);
    if (!isMapping(next)) return undefined;
    node = next;
  }
  return node;
}

/**
 * One setting's text from a flag or an input, read by its setting's reader and checked by the same schema as
 * llm-gate.yml: `texts` holds one text per occurrence (a repeatable flag may have several). Throws ConfigError
 * naming `source` (`--concurrency: expected a whole number of at least 1, found "many"`).
 */
export function readSetting<K extends SettingName>(name: K, texts: readonly string[], source: string): NonNullable<ConfigOverrides[K]> {
  const result = settingTextSchema(name, source).safeParse(texts);
  if (!result.success) throw new ConfigError([...new Set(result.error.issues.map((issue) => `${source}: ${issue.message}`))].join('\n'));
  return result.data as NonNullable<ConfigOverrides[K]>;
}

/**
 * The settings a front end was given, each read with readSetting: `texts(name)` is a setting's text (one per
 * occurrence) or undefined when not given, `source(name)` how messages name it.
 */
export function readOverrides(names: readonly SettingName[], texts: (name: SettingName) => readonly string[] | undefined, source: (name: SettingName) => string): ConfigOverrides {
  const overrides: Partial<Record<SettingName, unknown>> = {};
  for (const name of names) {
    const given = texts(name);
    if (given !== undefined && given.length > 0) overrides[name] = readSetting(name, given, source(name));
  }
  return overrides as ConfigOverrides;
}

/**
 * Folds overrides into the raw document before validation, so they are checked like the file: each replaces the
 * file's value, adds to its list (`merge: 'append'`), or replaces its target kind (`merge: 'target'`). `fallbacks`
 * apply only where neither the file nor `overrides` set the value (the Action's store is git, the CLI's local).
 */
export function applyOverrides(raw: Json, overrides: ConfigOverrides, fallbacks: ConfigOverrides = {}): Json {
  const given = SETTING_NAMES.filter((name) => overrides[name] !== undefined);
  const target = section(raw, 'target');
  if (isMapping(target) && given.some((name) => SETTINGS[name].merge === 'target')) {
    // A target kind on the command line replaces the file's, rather than conflicting with it.
    for (const name of SETTING_NAMES) if (SETTINGS[name].merge === 'target') Reflect.deleteProperty(target, SETTINGS[name].path.at(-1)!);
  }
  for (const name of given) {
    const s: Setting = SETTINGS[name];
    const value = overrides[name];
    const parent = parentOf(raw, s.path);
    const key = s.path.at(-1)!;
    if (parent === undefined) continue;
    if (s.merge !== 'append') parent[key] = value;
    else if (Array.isArray(value) && value.length > 0) parent[key] = Array.isArray(parent[key]) ? [...(parent[key] as unknown[]), ...value] : value;
  }
  for (const name of SETTING_NAMES) {
    if (fallbacks[name] === undefined) continue;
    const parent = parentOf(raw, SETTINGS[name].path);
    const key = SETTINGS[name].path.at(-1)!;
    if (parent !== undefined && parent[key] === undefined) parent[key] = fallbacks[name];
  }
  return raw;
}

function formatPath(p: readonly PropertyKey[]): string {
  return p.length === 0 ? '(top level)' : p.map((k) => (typeof k === 'number' ? `[${k}]` : String(k))).join('.').replace(/\.\[/g, '[');
}

/** The 1-based line of the key at `path` in the YAML document (or of its nearest ancestor present). */
type Locate = (path: readonly PropertyKey[]) => number | undefined;

function yamlLocator(doc: Document, counter: LineCounter): Locate {
  return (keyPath) => {
    let node: unknown = doc.contents;
    let line: number | undefined;
    for (const segment of keyPath) {
      let next: unknown;
      let start: number | undefined;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        start = isNode(pair.key) ? pair.key.range?.[0] : undefined;
        next = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        next = node.items[segment];
        start = isNode(next) ? next.range?.[0] : undefined;
      } else {
        break;
      }
      if (start !== undefined) line = counter.linePos(start).line;
      node = next;
    }
    return line;
  };
}

/**
 * One line per problem: `FILE:LINE: field "bench.requests": expected number, found string`. An unknown key
 * is one line per key, with the nearest key the schema accepts there (`did you mean "concurrency"?`).
 */
export function formatIssues(source: string, error: z.ZodError, locate: Locate = () => undefined): string {
  const problem = (p: readonly PropertyKey[], message: string) => {
    const line = locate(p);
    return { line: line ?? 0, text: `${line === undefined ? source : `${source}:${line}`}: field "${formatPath(p)}": ${message}` };
  };
  return error.issues
    .flatMap((issue) => {
      if (issue.code !== 'unrecognized_keys') return [problem(issue.path, issue.message)];
      const known = knownKeysAt(gateConfigSchema, issue.path);
      return issue.keys.map((key) => problem([...issue.path, key], `unknown key${suggestion(key, known, (k) => `"${k}"`)}`));
    })
    .sort((a, b) => a.line - b.line)
    .map((p) => p.text)
    .join('\n');
}

/**
 * `model` reaches an official engine image as its own argument (`--model`, `--model-id`, `-m`) unless the user
 * wrote the image's arguments themselves: without it the engine would serve its default, not the model asked for.
 */
function fillModelArgs(target: Json): void {
  const args = target.args;
  if (typeof target.image !== 'string' || typeof target.model !== 'string' || (Array.isArray(args) && args.length > 0) || (args !== undefined && !Array.isArray(args))) return;
  const port = typeof target.port === 'number' ? target.port : 8000;
  const modelArgs = officialModelArgs(target.image, target.model, port);
  if (modelArgs) target.args = modelArgs;
}

/** Validates a raw document (already merged with overrides) into a GateConfig; `locate` finds a key's line in the file. */
export function parseGateConfig(raw: unknown, source: string, locate?: Locate): GateConfig {
  const result = gateConfigSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(formatIssues(source, result.error, locate));
  return result.data;
}

async function readConfigFile(file: string): Promise<{ raw: Json; locate: Locate }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read config file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const counter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, lineCounter: counter });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const line = first.linePos?.[0]?.line;
    throw new ConfigError(`${file}${line ? `:${line}` : ''}: invalid YAML: ${first.message.split('\n')[0]}`);
  }
  const value: unknown = doc.toJS();
  const locate = yamlLocator(doc, counter);
  if (value === null || value === undefined) return { raw: {}, locate };
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`${file}: expected a mapping at the top level, found ${Array.isArray(value) ? 'a list' : typeof value}`);
  }
  return { raw: value as Json, locate };
}

/** What a front end hands loadGateConfig: the file to read, its settings, and how paths resolve. */
export interface LoadOptions extends NormaliseOptions {
  /** llm-gate.yml to read, relative to `cwd`; undefined reads ./llm-gate.yml when it exists. */
  path?: string;
  overrides: ConfigOverrides;
  /** Values used only where neither the file nor `overrides` set one (applyOverrides). */
  fallbacks?: ConfigOverrides;
  /** The front end's environment: LLM_GATE_API_KEY, the server's API key, comes only from there. */
  env: NodeJS.ProcessEnv;
  /** Where `overrides` come from, naming a whole-config problem when no file was read (default `command line`). */
  overridesSource?: string;
  /**
   * The dimension names of a dataset directory (a front end reads them with eval's loader; throws when it
   * cannot). Given, a `thresholds:` key that names no dimension is a ConfigError with its file and line,
   * before anything runs; a dataset that cannot be read is left for the gate to report.
   */
  datasetDimensions?: (dir: string) => Promise<readonly string[]>;
}

/**
 * Reads llm-gate.yml (the given path, or ./llm-gate.yml when it exists), applies overrides, validates, and
 * normalises (normaliseGateConfig): the one way every front end turns its settings into a GateConfig.
 * Relative paths in the config stay relative to the working directory. Throws ConfigError.
 */
export async function loadGateConfig(options: LoadOptions): Promise<GateConfig> {
  const cwd = options.cwd ?? process.cwd();
  let raw: Json = {};
  let locate: Locate | undefined;
  let source = options.overridesSource ?? 'command line';
  if (options.path !== undefined) {
    ({ raw, locate } = await readConfigFile(path.resolve(cwd, options.path)));
    source = options.path;
  } else {
    const implicit = path.join(cwd, DEFAULT_CONFIG_FILE);
    try {
      ({ raw, locate } = await readConfigFile(implicit));
      source = DEFAULT_CONFIG_FILE;
    } catch (err) {
      if (!(err instanceof ConfigError && /ENOENT/.test(err.message))) throw err;
    }
  }
  let merged = applyOverrides(raw, options.overrides, options.fallbacks);
  // An official engine image names its engine; the preset fills only what the file and the flags left unset.
  const image = section(merged, 'target').image;
  if (merged.engine === undefined && typeof image === 'string') {
    const official = officialImageEngine(image);
    if (official) merged.engine = official;
  }
  if (isEngineName(merged.engine)) merged = applyEnginePresetRaw(merged, merged.engine);
  fillModelArgs(section(merged, 'target'));
  // The server's API key stays out of files and command lines: LLM_GATE_API_KEY supplies it.
  const target = section(merged, 'target');
  if (target.apiKey === undefined && options.env.LLM_GATE_API_KEY) target.apiKey = options.env.LLM_GATE_API_KEY;
  const config = normaliseGateConfig(parseGateConfig(merged, source, locate), { ...options, cwd });
  await checkThresholds(config, options.datasetDimensions, source, locate);
  return config;
}

/** `thresholds:` keys against the dataset's dimensions, each problem on its line (see LoadOptions.datasetDimensions). */
async function checkThresholds(config: GateConfig, dimensionsOf: LoadOptions['datasetDimensions'], source: string, locate: Locate | undefined): Promise<void> {
  if (!dimensionsOf || Object.keys(config.thresholds).length === 0) return;
  let dimensions: readonly string[] | undefined;
  if (config.eval.enabled) {
    try {
      dimensions = await dimensionsOf(config.eval.dataset);
    } catch {
      return;
    }
  }
  const issues = thresholdIssues(config.thresholds, dimensions, config.eval.dataset);
  if (issues.length === 0) return;
  throw new ConfigError(
    issues
      .map(({ name, message }) => {
        const line = locate?.(['thresholds', name]);
        return `${line === undefined ? source : `${source}:${line}`}: field "thresholds.${name}": ${message}`;
      })
      .join('\n'),
  );
}
