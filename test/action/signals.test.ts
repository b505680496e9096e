import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { freePort } from '../../src/cli/free-port.ts';
import { reportSchema } from '../../src/report/schema.ts';
import { groupAlive } from '../../src/target/process/group.ts';
import { parseCommandFile } from './runner.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

const pgids: number[] = [];
afterEach(() => {
  for (const g of pgids.splice(0)) {
    try {
      process.kill(-g, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

it('the Action main step, on SIGTERM (a cancelled job), stops the target, writes the report and sets verdict error with exit-code 3', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'llm-gate-action-signal-'));
  const port = await freePort();
  const files = { GITHUB_OUTPUT: path.join(dir, 'output'), GITHUB_STATE: path.join(dir, 'state'), GITHUB_STEP_SUMMARY: path.join(dir, 'summary') };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const sim = `${sh(process.execPath)} ${sh(path.join(ROOT, 'src/cli/main.ts'))} simulate --port ${port} --load-time 300s`;
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(GITHUB_|INPUT_|STATE_|RUNNER_)/.test(k)));
  const child = spawn(process.execPath, [path.join(ROOT, 'src/action/index.ts')], {
    cwd: dir,
    env: { ...base, ...files, INPUT_COMMAND: sim, INPUT_PORT: String(port), INPUT_BASELINE: 'none', INPUT_OUT: 'out', INPUT_DATASET: path.join(ROOT, 'datasets/starter/v1'), 'INPUT_GITHUB-TOKEN': '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.setEncoding('utf8').on('data', (t: string) => (log += t));
  child.stderr.setEncoding('utf8').on('data', (t: string) => (log += t));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 45_000;
  while (!/readiness/.test(log) || !/pid (\d+)/.test(log)) {
    if (Date.now() > deadline) throw new Error(log);
    await new Promise((r) => setTimeout(r, 50));
  }
  const pgid = Number(/started: .* \(pid (\d+)\)/.exec(log)![1]);
  pgids.push(pgid);
  child.kill('SIGTERM');
  const code = await exited;
  expect(code, log).toBe(1);
  expect(parseCommandFile(readFileSync(files.GITHUB_OUTPUT, 'utf8'))).toMatchObject({ verdict: 'error', 'exit-code': '3' });
  const report = reportSchema.parse(JSON.parse(readFileSync(path.join(dir, 'out', 'report.json'), 'utf8')));
  expect(report.reasons).toEqual([{ dimension: 'gate', message: 'interrupted by SIGTERM' }]);
  expect(log).toContain('::error::the gate could not finish: gate: interrupted by SIGTERM');
  // Stopped by the main step itself; the post step is left nothing to do.
  expect(groupAlive(pgid)).toBe(false);
  expect(parseCommandFile(readFileSync(files.GITHUB_STATE, 'utf8')).pid).toBe('');
});
