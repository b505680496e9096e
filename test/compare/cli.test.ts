import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compareCommand } from '../../src/cli/commands/compare.ts';
import { useTempDirs } from '../store/helpers.ts';
import { benchRun, latencySamples, makeReport } from './fixtures.ts';

const tempDir = useTempDirs();

function capture(): { out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  return { out: () => out.join(''), err: () => err.join('') };
}
afterEach(() => vi.restoreAllMocks());

async function reports(tpotScale: number): Promise<[string, string]> {
  const dir = await tempDir();
  const run = (seed: number, scale: number) =>
    benchRun('c4', { ttft: latencySamples(seed, 64, 80, 0.3), tpot: latencySamples(seed + 9, 64, 12, 0.05).map((x) => x * scale) });
  const a = join(dir, 'a.json');
  const b = join(dir, 'b.json');
  await writeFile(a, JSON.stringify(makeReport({ runs: [run(1, 1)] })));
  await writeFile(b, JSON.stringify(makeReport({ runs: [run(2, tpotScale)] })));
  return [a, b];
}

describe('llm-gate compare', () => {
  it('refuses reports of two models, naming the field, unless --allow-change model', async () => {
    const [a, b] = await reports(1);
    const other = JSON.parse(await readFile(b, 'utf8')) as { subject: Record<string, unknown> };
    other.subject.model = 'model-b';
    await writeFile(b, JSON.stringify(other));
    const base = JSON.parse(await readFile(a, 'utf8')) as { subject: Record<string, unknown> };
    base.subject.model = 'model-a';
    await writeFile(a, JSON.stringify(base));
    const io = capture();
    expect(await compareCommand.run([a, b])).toBe(2);
    expect(io.err()).toMatch(/model: baseline model-a, candidate model-b\); refusing to compare unlike with unlike\. To compare anyway pass --allow-change model/);
    expect(await compareCommand.run([a, b, '--allow-change', 'model'])).toBe(0);
  });

  it('prints the per-dimension table and exits 1 on a regression', async () => {
    const [a, b] = await reports(1.2);
    const io = capture();
    expect(await compareCommand.run([a, b])).toBe(1);
    expect(io.out()).toMatch(/dimension\s+baseline\s+candidate\s+delta\s+interval\s+tolerance\s+status/);
    expect(io.out()).toMatch(/perf\.c4\.tpot\.p50 .* REGRESSED/);
    expect(io.out()).toMatch(/verdict: fail/);
  });

  it('exits 0 when nothing regressed, and prints JSON with --json', async () => {
    const [a, b] = await reports(1);
    const io = capture();
    expect(await compareCommand.run([a, b, '--json'])).toBe(0);
    const parsed = JSON.parse(io.out()) as { verdict: string; comparison: { dimensions: Record<string, unknown> } };
    expect(parsed.verdict).toBe('pass');
    expect(Object.keys(parsed.comparison.dimensions)).toContain('perf.c4.tpot.p50');
  });

  it('exits 2 naming the file when a report cannot be read', async () => {
    const [a] = await reports(1);
    const io = capture();
    expect(await compareCommand.run([a, '/nonexistent/report.json'])).toBe(2);
    expect(io.err()).toMatch(/\/nonexistent\/report\.json: cannot read \(ENOENT\)/);
  });

  it('exits 2 on bad options', async () => {
    const [a, b] = await reports(1);
    const io = capture();
    expect(await compareCommand.run([a, b, '--confidence', '2'])).toBe(2);
    expect(io.err()).toMatch(/--confidence: Too big/);
    expect(await compareCommand.run([a])).toBe(2);
  });
});
