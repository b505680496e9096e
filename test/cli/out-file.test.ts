import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outFileProblem } from '../../src/cli/out-file.ts';
import { makeReport } from '../compare/fixtures.ts';

function cli(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['src/cli/main.ts', ...args]);
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'llm-gate-out-file-'));
  await writeFile(path.join(dir, 'a-file'), '');
  await mkdir(path.join(dir, 'a-dir'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('--out FILE of bench, eval and report', () => {
  it('under a file is a usage error before any request (nothing listens at the URL)', async () => {
    const out = path.join(dir, 'a-file', 'x.json');
    for (const command of ['bench', 'eval']) {
      const r = await cli([command, '--url', 'http://127.0.0.1:9', '--out', out]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`error: --out ${out}: cannot create or write its folder (`);
    }
  });

  it('of report: a folder that does not exist yet is created; one under a file is a usage error', async () => {
    const report = path.join(dir, 'report.json');
    await writeFile(report, JSON.stringify(makeReport({})));
    const fresh = path.join(dir, 'new-folder', 'r.html');
    const ok = await cli(['report', report, '--out', fresh]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(existsSync(fresh)).toBe(true);
    const out = path.join(dir, 'a-file', 'r.html');
    const r = await cli(['report', report, '--out', out]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`error: --out ${out}: cannot create or write its folder (`);
  });

  it('that is a directory is refused; a new file in a new folder is fine', async () => {
    expect(await outFileProblem(path.join(dir, 'a-dir'))).toBe(`--out ${path.join(dir, 'a-dir')}: is a directory; give a file name`);
    expect(await outFileProblem(path.join(dir, 'new', 'bench.json'))).toBeUndefined();
  });
});
