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
