import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportSchema } from '../../src/report/schema.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'src/cli/main.ts');

function cli(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tmp(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'llm-gate-cli-'));
}

describe('llm-gate run (CLI contract)', () => {
  it('exits 2 and names the file and the field for a bad config', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'llm-gate.yml'), 'target:\n  image: engine:1\nbench:\n  requests: lots\n');
    const r = cli(['run'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/llm-gate\.yml:4: field "bench\.requests": expected a whole number of at least 1, found "lots"/);
  });

  it('exits 2 for a flag that is not a number', () => {
    const r = cli(['run', '--image', 'x', '--concurrency', '1,many']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--concurrency: expected a whole number of at least 1, found "many"/);
  });

  it('exits 2 for an unknown flag, with the usage', () => {
    const r = cli(['run', '--imgae', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown flag --imgae: did you mean --image\?/);
  });

  it('exits 3 and still writes report.json when the target never becomes ready', () => {
    const out = tmp();
    const dir = tmp();
    writeFileSync(path.join(dir, 'llm-gate.yml'), 'readiness: {timeoutS: 1, intervalS: 0.2}\neval: {enabled: false}\n');
    const r = cli(['run', '--url', 'http://127.0.0.1:9/v1', '--model', 'm', '--baseline', 'none', '--out', out], dir);
    expect(r.code).toBe(3);
    const report = reportSchema.parse(JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')));
    expect(report.verdict).toBe('error');
    expect(report.readiness?.ready).toBe(false);
    expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toMatch(/ERROR/);
  });

  it('exits 2 for a dataset with a broken line, before starting anything, naming file:line', () => {
    const dir = tmp();
    const ds = path.join(dir, 'suite');
    const base = path.join(ROOT, 'datasets/starter/v1');
    const manifest = readFileSync(path.join(base, 'dataset.yaml'), 'utf8');
    const items = readFileSync(path.join(base, 'items.jsonl'), 'utf8').split('\n');
    items[2] = '{"id": "broken", ';
    spawnSync('mkdir', ['-p', ds]);
    writeFileSync(path.join(ds, 'dataset.yaml'), manifest);
    writeFileSync(path.join(ds, 'items.jsonl'), items.join('\n'));
    const out = tmp();
    const r = cli(['run', '--command', 'exit 9', '--dataset', ds, '--baseline', 'none', '--out', out], dir);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toMatch(/items\.jsonl:3/);
    expect(JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')).verdict).toBe('error');
  });
});
