import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The Action's entry points as GitHub runs them: the bundle when it has been built, else the sources. */
export function actionEntries(kind: 'main' | 'post'): string[] {
  const source = kind === 'main' ? 'src/action/index.ts' : 'src/action/post-entry.ts';
  const bundle = kind === 'main' ? 'dist/index.js' : 'dist/post.js';
  return existsSync(bundle) ? [bundle, source] : [source];
}

export interface ActionRun {
  code: number | null;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
  /** Values the step saved for its post step (`core.saveState`), the last of each name. */
  state: Record<string, string>;
  /** The raw GITHUB_STATE file, every save in order. */
  stateFile: string;
}

/** Parses GITHUB_OUTPUT / GITHUB_STATE files: `name<<DELIMITER`, the value's lines, `DELIMITER`. */
export function parseCommandFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i]!);
    if (!m) continue;
    const end = lines.indexOf(m[2]!, i + 1);
    values[m[1]!] = lines.slice(i + 1, end).join('\n');
    i = end;
  }
  return values;
}

/**
 * Runs an Action entry in a child process the way the runner does: inputs as INPUT_* variables, and real
 * GITHUB_OUTPUT, GITHUB_STATE and GITHUB_STEP_SUMMARY files that are read back afterwards.
 */
export async function runAction(
  entry: string,
  inputs: Record<string, string>,
  env: Record<string, string> = {},
  timeoutMs = 60_000,
  /** The step's working directory: GitHub runs actions in the workspace, not in the action's folder. */
  cwd?: string,
): Promise<ActionRun> {
  const dir = await mkdtemp(path.join(tmpdir(), 'llm-gate-action-'));
  const files = { output: path.join(dir, 'output'), state: path.join(dir, 'state'), summary: path.join(dir, 'summary.md') };
  await Promise.all(Object.values(files).map((f) => writeFile(f, '')));
  const inputEnv = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));
  // A clean environment: no GITHUB_* or INPUT_* of the machine running the tests leaks in.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(GITHUB_|INPUT_|STATE_|RUNNER_)/.test(k)));
  const child = spawn(process.execPath, [entry], {
    env: {
      ...base,
      GITHUB_OUTPUT: files.output,
      GITHUB_STATE: files.state,
      GITHUB_STEP_SUMMARY: files.summary,
      ...inputEnv,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(cwd !== undefined ? { cwd } : {}),
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
  child.stderr.setEncoding('utf8').on('data', (t: string) => (stdout += t));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  return {
    code,
    stdout,
    outputs: parseCommandFile(await readFile(files.output, 'utf8')),
    summary: await readFile(files.summary, 'utf8'),
    state: parseCommandFile(await readFile(files.state, 'utf8')),
    stateFile: await readFile(files.state, 'utf8'),
  };
}
