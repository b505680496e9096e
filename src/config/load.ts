import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { knownKeysAt, suggestion } from '../suggest.ts';
import { isEngineName, officialImageEngine, officialModelArgs } from '../engines/registry.ts';
import { applyEnginePresetRaw } from './engine-preset.ts';
import { gateConfigSchema, type GateConfig } from './schema.ts';

/** A config problem the user must fix; the CLI exits 2 on it. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Settings that the CLI flags and the Action inputs may override on top of llm-gate.yml. */
export interface ConfigOverrides {
  image?: string;
  build?: string;
  command?: string;
  url?: string;
  model?: string;
  port?: number;
  dataset?: string;
  concurrency?: number[];
  requests?: number;
  baseline?: string;
  out?: string;
  tag?: string;
  engine?: string;
  k8sManifest?: string;
  gpus?: string;
  shmSize?: string;
  /** Appended to the file's volumes and passEnv. */
  volumes?: { host: string; container: string; readOnly: boolean }[];
  passEnv?: string[];
  store?: string;
  /** The store when neither the file nor `store` names one: the Action's is git, the CLI's local. */
  defaultStore?: string;
  /** Appended to the file's compare.accept and compare.allowChange. */
  accept?: { dimensions: string[]; reason: string; source?: string }[];
  allowChange?: string[];
}

export const DEFAULT_CONFIG_FILE = 'llm-gate.yml';

type Json = Record<string, unknown>;

function section(raw: Json, key: string): Json {
  const value = raw[key];
  if (value === undefined || value === null) {
    const fresh: Json = {};
    raw[key] = fresh;
    return fresh;
  }
  return value as Json;
}

/** Folds overrides into the raw document before validation, so flags are checked like the file. */
export function applyOverrides(raw: Json, o: ConfigOverrides): Json {
  const target = section(raw, 'target');
  const kindGiven = o.image !== undefined || o.build !== undefined || o.command !== undefined || o.url !== undefined;
  if (kindGiven) {
    // A target kind on the command line replaces the file's, rather than conflicting with it.
    delete target.image;
    delete target.build;
    delete target.command;
    delete target.url;
  }
  if (o.image !== undefined) target.image = o.image;
  if (o.build !== undefined) target.build = { context: o.build };
  if (o.command !== undefined) target.command = o.command;
  if (o.url !== undefined) target.url = o.url;
  if (o.model !== undefined) target.model = o.model;
  if (o.port !== undefined) target.port = o.port;
  if (o.gpus !== undefined) target.gpus = o.gpus;
  if (o.engine !== undefined) raw.engine = o.engine;
  if (o.dataset !== undefined) section(raw, 'eval').dataset = o.dataset;
  if (o.concurrency !== undefined) section(raw, 'bench').concurrency = o.concurrency;
  if (o.requests !== undefined) section(raw, 'bench').requests = o.requests;
  if (o.baseline !== undefined) section(raw, 'compare').baseline = o.baseline;
  if (o.out !== undefined) raw.out = o.out;
  if (o.tag !== undefined) raw.tag = o.tag;
  if (o.k8sManifest !== undefined) raw.k8sManifest = o.k8sManifest;
  if (o.shmSize !== undefined) target.shmSize = o.shmSize;
  const append = (doc: Json, key: string, items: unknown[] | undefined): void => {
    if (items !== undefined && items.length > 0) doc[key] = Array.isArray(doc[key]) ? [...(doc[key] as unknown[]), ...items] : items;
  };
  append(target, 'volumes', o.volumes);
  append(target, 'passEnv', o.passEnv);
  const compare = o.store !== undefined || o.defaultStore !== undefined || o.accept !== undefined || o.allowChange !== undefined ? section(raw, 'compare') : undefined;
  if (compare) {
    if (o.store !== undefined) compare.store = o.store;
    else if (o.defaultStore !== undefined && compare.store === undefined) compare.store = o.defaultStore;
    append(compare, 'accept', o.accept);
    append(compare, 'allowChange', o.allowChange);
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

/**
 * Reads llm-gate.yml (the given path, or ./llm-gate.yml when it exists), applies overrides and
 * validates. Relative paths in the config stay relative to the working directory.
 */
export async function loadGateConfig(options: { path?: string; overrides: ConfigOverrides; cwd?: string }): Promise<GateConfig> {
  const cwd = options.cwd ?? process.cwd();
  let raw: Json = {};
  let locate: Locate | undefined;
  let source = 'command line';
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
  let merged = applyOverrides(raw, options.overrides);
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
  if (target.apiKey === undefined && process.env.LLM_GATE_API_KEY) target.apiKey = process.env.LLM_GATE_API_KEY;
  return parseGateConfig(merged, source, locate);
}
