import * as core from '@actions/core';
import { parseAcceptText } from '../compare/acceptance.ts';
import { loadGateConfig, type ConfigOverrides } from '../config/load.ts';
import type { GateConfig } from '../config/schema.ts';
import { suggestion } from '../suggest.ts';

/** An input the user must fix; the Action fails naming the input, like the CLI exits 2 on a bad flag. */
export class InputError extends Error {
  override name = 'InputError';
}

/** Everything action.yml declares, parsed once; the gate's own settings go through the config schema. */
export interface ActionInputs {
  /** llm-gate.yml to read; undefined reads ./llm-gate.yml when it exists. */
  configPath: string | undefined;
  overrides: ConfigOverrides;
  /** Check run name, status context and comment marker. */
  name: string;
  token: string | undefined;
  checkRun: boolean;
  comment: boolean;
  jobSummary: boolean;
  /** A reason to skip the gate (neutral check run), or undefined to run it. */
  skip: string | undefined;
  /** Merge mode: report.json paths or globs of a matrix's cells to combine instead of running a gate. */
  merge: string[] | undefined;
}

function optional(name: string): string | undefined {
  const value = core.getInput(name);
  return value === '' ? undefined : value;
}

function boolean(name: string, fallback: boolean): boolean {
  const value = core.getInput(name);
  if (value === '') return fallback;
  if (/^(true|True|TRUE)$/.test(value)) return true;
  if (/^(false|False|FALSE)$/.test(value)) return false;
  throw new InputError(`input "${name}": expected true or false, found "${value}"`);
}

function wholeNumber(name: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
    throw new InputError(`input "${name}": expected a whole number ${range}, found "${text}"`);
  }
  return n;
}

/** `1, 4, 16` or one value a line, as lists are written in workflow YAML. */
function numberList(name: string): number[] | undefined {
  const parts = core
    .getMultilineInput(name)
    .flatMap((line) => line.split(','))
    .map((p) => p.trim())
    .filter((p) => p !== '');
  return parts.length > 0 ? parts.map((p) => wholeNumber(name, p, 1)) : undefined;
}

/** The inputs action.yml declares (a test keeps the two equal). */
export const ACTION_INPUTS = [
  'config', 'image', 'build', 'command', 'url', 'model', 'port', 'engine', 'gpus', 'k8s-manifest', 'dataset', 'concurrency',
  'requests', 'baseline', 'store', 'accept', 'allow-change', 'shm-size', 'tag', 'out', 'name', 'github-token', 'check-run',
  'comment', 'job-summary', 'merge', 'skip', 'skip-reason',
] as const;

/**
 * The runner passes a `with:` key that action.yml does not declare as INPUT_<NAME> anyway, with only a
 * warning: a misspelt input would be ignored. Throws InputError naming each one and the nearest input.
 */
function refuseUnknownInputs(env: NodeJS.ProcessEnv): void {
  const declared = new Map(ACTION_INPUTS.map((name) => [`INPUT_${name.replace(/ /g, '_').toUpperCase()}`, name]));
  const unknown = Object.keys(env).filter((key) => key.startsWith('INPUT_') && !declared.has(key));
  if (unknown.length === 0) return;
  throw new InputError(
    unknown.map((key) => {
      const name = key.slice('INPUT_'.length).toLowerCase();
      return `unknown input "${name}"${suggestion(name, ACTION_INPUTS, (n) => `"${n}"`)}`;
    }).join('\n'),
  );
}

/** Reads every input from the INPUT_* environment; throws InputError naming the input on a bad or unknown one. */
export function getInputs(): ActionInputs {
  refuseUnknownInputs(process.env);
  const overrides: ConfigOverrides = {};
  const set = <K extends keyof ConfigOverrides>(key: K, value: ConfigOverrides[K] | undefined): void => {
    if (value !== undefined) overrides[key] = value;
  };
  const port = optional('port');
  const requests = optional('requests');
  set('image', optional('image'));
  set('build', optional('build'));
  set('command', optional('command'));
  set('url', optional('url'));
  set('model', optional('model'));
  set('port', port !== undefined ? wholeNumber('port', port, 1, 65535) : undefined);
  set('engine', optional('engine'));
  set('gpus', optional('gpus'));
  set('k8sManifest', optional('k8s-manifest'));
  set('dataset', optional('dataset'));
  set('concurrency', numberList('concurrency'));
  set('requests', requests !== undefined ? wholeNumber('requests', requests, 1) : undefined);
  set('baseline', optional('baseline'));
  set('tag', optional('tag'));
  set('out', optional('out'));
  set('store', optional('store'));
  set('shmSize', optional('shm-size'));
  const allowChange = optional('allow-change');
  set('allowChange', allowChange?.split(',').map((f) => f.trim()).filter(Boolean));
  const accept = optional('accept');
  if (accept !== undefined) {
    try {
      overrides.accept = parseAcceptText(accept, 'input "accept"');
    } catch (err) {
      throw new InputError((err as Error).message);
    }
  }
  const skip = boolean('skip', false);
  return {
    configPath: optional('config'),
    overrides,
    name: optional('name') ?? 'llm-gate',
    token: optional('github-token'),
    checkRun: boolean('check-run', true),
    comment: boolean('comment', true),
    jobSummary: boolean('job-summary', true),
    skip: skip ? (optional('skip-reason') ?? 'skipped by the workflow') : undefined,
    merge: core.getMultilineInput('merge').length > 0 ? core.getMultilineInput('merge') : undefined,
  };
}

/**
 * The same validation as the CLI: llm-gate.yml merged with the inputs, checked by the config schema. In a
 * workflow the workspace is wiped by every checkout, so baselines default to the git-branch store.
 */
export function loadActionConfig(inputs: ActionInputs, cwd = process.cwd()): Promise<GateConfig> {
  return loadGateConfig({
    ...(inputs.configPath !== undefined ? { path: inputs.configPath } : {}),
    overrides: { defaultStore: 'git', ...inputs.overrides },
    cwd,
  });
}
