import { writeFile, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { portAnswers } from '../../src/target/port.ts';
import { cliRunner, cliStarter } from '../helpers/cli-process.ts';

const run = cliRunner();
const start = cliStarter();

describe('llm-gate demo, guarded as run is', () => {
  it('refuses an --out that is a file before starting anything (exit 2)', async () => {
    const cwd = await mkdtemp(path.join(os.tmpdir(), 'llm-gate-demo-out-'));
    await writeFile(path.join(cwd, 'taken'), '');
    const r = await run(['demo', '--out', 'taken'], cwd);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/error: out "taken\/v1\.0\.0": cannot write there \(ENOTDIR\)/);
    expect(r.stderr).not.toMatch(/target: start/);
  });

  it('stops its simulator on SIGINT and exits 3 instead of leaving the server running', async () => {
    const cwd = await mkdtemp(path.join(os.tmpdir(), 'llm-gate-demo-int-'));
    const demo = start(['demo', '--out', 'out'], cwd);
    const [, port] = (await demo.waitFor(/^started: .* 'simulate' '--port' '(\d+)'/m, 30_000)) as unknown as [string, string];
    await demo.waitFor(/ready after/, 30_000);
    demo.child.kill('SIGINT');
    const { code } = await demo.exited;
    expect(code, demo.stderr()).toBe(3);
    expect(demo.stderr()).toMatch(/interrupted by SIGINT/);
    expect(await portAnswers(Number(port))).toBe(false);
  }, 60_000);
});
