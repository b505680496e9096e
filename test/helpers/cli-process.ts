import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach } from 'vitest';

const CLI = path.resolve(import.meta.dirname, '../../src/cli/main.ts');

/**
 * Runs `llm-gate ARGS` from source in a child process and resolves with its exit code and stderr.
 * Registers an afterEach in the calling file: a test that timed out leaves its gate running, and
 * SIGTERM lets it stop its container or process.
 */
export function cliRunner(): (args: string[], cwd: string) => Promise<{ code: number | null; stderr: string }> {
  const children = new Set<ChildProcess>();
  afterEach(() => {
    for (const child of children) child.kill('SIGTERM');
    children.clear();
  });
  return (args, cwd) =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
      children.add(child);
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
      child.on('exit', (code) => {
        children.delete(child);
        resolve({ code, stderr });
      });
    });
}

export interface CliProcess {
  child: ChildProcess;
  /** Everything the CLI printed on stderr so far. */
  stderr(): string;
  /** Resolves once stderr has a line matching `pattern` (rejects after `timeoutMs`). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `llm-gate ARGS` from source and hands over the child, for tests that signal it mid-run. Like
 * cliRunner, it registers an afterEach that SIGKILLs a child still running.
 */
export function cliStarter(): (args: string[], cwd: string) => CliProcess {
  const children = new Set<ChildProcess>();
  afterEach(() => {
    for (const child of children) child.kill('SIGKILL');
    children.clear();
  });
  return (args, cwd) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    children.add(child);
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => {
        children.delete(child);
        resolve({ code, signal });
      }),
    );
    const waitFor = async (pattern: RegExp, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = stderr.match(pattern);
        if (m) return m;
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no line matching ${pattern} in:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    return { child, stderr: () => stderr, waitFor, exited };
  };
}
