import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { planCommand } from '../../src/cli/commands/plan.ts';
import { detectableForReport, instabilityFromRepeats, latencySpreadFromRun } from '../../src/compare/detectable.ts';
import { detectableMarkdown } from '../../src/report/detectable-summary.ts';
import { formatPlan, planDetectable } from '../../src/compare/plan.ts';
import { lognormalQuantileLogSd } from '../../src/compare/power.ts';
import { useTempDirs } from '../store/helpers.ts';
import { benchRun, defaultCompareConfig, latencySamples, makeReport } from './fixtures.ts';

const tempDir = useTempDirs();

function capture(): { out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  return { out: () => out.join(''), err: () => err.join('') };
}
afterEach(() => vi.restoreAllMocks());

const row = (plan: ReturnType<typeof planDetectable>['first'], name: string) => plan.rows.find((r) => r.dimension === name)!;

describe('planDetectable', () => {
  const input = {
    dimensions: [
      { name: 'small', items: 7 },
      { name: 'big', items: 400 },
      { name: 'tiny', items: 3 },
    ],
    profiles: [{ profile: 'concurrency=4', requests: 64, blockSize: 4 }],
    compare: defaultCompareConfig,
  };

  it('tells a suite that sees a 5-point drop from one that sees only a collapse', () => {
    const { first } = planDetectable(input);
    expect(row(first, 'quality.big').mde!).toBeLessThan(0.05);
    expect(row(first, 'quality.small').mde!).toBeGreaterThan(0.5);
    expect(row(first, 'quality.small').needed!.units).toBe(row(first, 'quality.big').needed!.units);
    // Fewer than 5 items are never decided, so they are not in the Bonferroni family either.
    expect(row(first, 'quality.tiny').mde).toBeNull();
    expect(row(first, 'quality.tiny').note).toMatch(/never decided/);
  });

  it('counts the family as compareReports would: decided quantiles, throughput and error rate per profile', () => {
    // 2 quality (7 and 400 items) + ttft.p50, ttft.p90, tpot.p50, e2e.p50 + throughput + error rate at 64 requests.
    expect(planDetectable(input).first.tests).toBe(8);
  });

  it('leaves a p99 undecided below 500 requests and decides it at 512 with sequential sampling', () => {
    const plan = planDetectable({ ...input, sequential: { maxRequests: 512, roundRequests: 64 } });
    expect(row(plan.first, 'perf.concurrency=4.ttft.p99').mde).toBeNull();
    expect(row(plan.first, 'perf.concurrency=4.ttft.p99').note).toMatch(/needs 500 requests a side/);
    expect(row(plan.sequential!, 'perf.concurrency=4.ttft.p99').mde).not.toBeNull();
    expect(row(plan.sequential!, 'perf.concurrency=4.ttft.p50').mde!).toBeLessThan(row(plan.first, 'perf.concurrency=4.ttft.p50').mde!);
  });

  it('says a regression within its tolerance is never caught, whatever the requests', () => {
    const { first } = planDetectable({ ...input, targets: { drop: 0.05, change: 0.2 } });
    expect(row(first, 'perf.concurrency=4.ttft.p99').needed!.units).toBeNull(); // tolerance 25%
    expect(row(first, 'perf.concurrency=4.tpot.p50').needed!.units).toBeGreaterThan(0); // tolerance 5%
  });

  it('needs more items when answers are measured to change between runs', () => {
    const stable = planDetectable(input).first;
    const shaky = planDetectable({ ...input, instability: { big: 0.05 } }).first;
    expect(row(shaky, 'quality.big').needed!.units!).toBeGreaterThan(row(stable, 'quality.big').needed!.units!);
    expect(row(shaky, 'quality.big').spread.source).toBe('measured');
  });

  it('prints what it can and cannot catch', () => {
    const text = formatPlan(planDetectable(input), { dataset: 'starter@v1', bench: 'concurrency=4' });
    expect(text).toMatch(/quality: starter@v1/);
    expect(text).toMatch(/quality\.big\s+400/);
    expect(text).toMatch(/cannot catch it on: .*quality\.small/);
    expect(text).toMatch(/spread ASSUMED/);
  });
});

describe('spread measured from samples', () => {
  it('matches the lognormal quantile variance for independent requests', () => {
    const run = benchRun('c4', { ttft: latencySamples(3, 2000, 100, 0.5), tpot: latencySamples(4, 2000, 10, 0.1) });
    // Per block of 4: the per-request constant / √4.
    const expected = lognormalQuantileLogSd(0.5, 0.5, 1) / 2;
    expect(latencySpreadFromRun(run, 'ttft', 0.5)!).toBeGreaterThan(expected * 0.8);
    expect(latencySpreadFromRun(run, 'ttft', 0.5)!).toBeLessThan(expected * 1.2);
  });

  it('gives a report a detectable section from its own samples, and renders it escaped', () => {
    const report = makeReport({
      quality: { 'a|b': Array.from({ length: 50 }, () => 1) },
      runs: [benchRun('c4', { ttft: latencySamples(5, 64, 100, 0.3), tpot: latencySamples(6, 64, 10, 0.05) })],
    });
    const section = detectableForReport(report, null, defaultCompareConfig);
    expect(section.rows.map((r) => r.dimension)).toContain('perf.c4.ttft.p50');
    expect(section.rows.find((r) => r.dimension === 'perf.c4.ttft.p50')!.spread.source).toBe('measured');
    const md = detectableMarkdown(section);
    expect(md).toMatch(/What this run could catch/);
    expect(md).toContain('quality.a\\|b');
  });

  it('measures instability as the share of items whose score differs between two runs', () => {
    const a = makeReport({ quality: { d: [1, 1, 0, 1] } });
    const b = makeReport({ quality: { d: [1, 0, 0, 1] } });
    expect(instabilityFromRepeats(a, b)).toEqual({ d: { instability: 0.25, items: 4 } });
  });
});

describe('llm-gate plan', () => {
  it('prints detectable effects for the starter suite without a config file or a server', async () => {
    const io = capture();
    expect(await planCommand.run(['--dataset', 'datasets/starter/v1'])).toBe(0);
    expect(io.out()).toMatch(/quality: starter@v1, 42 items/);
    expect(io.out()).toMatch(/perf\.concurrency=4\.tpot\.p50/);
    expect(io.out()).toMatch(/items for -5\.0 pts/);
  });

  it('measures the latency spread from a baseline and the instability from two repeats', async () => {
    const dir = await tempDir();
    const base = join(dir, 'base.json');
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    await writeFile(base, JSON.stringify(makeReport({ runs: [benchRun('concurrency=4', { ttft: latencySamples(1, 64, 80, 0.3), tpot: latencySamples(2, 64, 12, 0.05) })] })));
    await writeFile(a, JSON.stringify(makeReport({ quality: { factual: [1, 1, 1, 1, 0, 1, 1, 1] } })));
    await writeFile(b, JSON.stringify(makeReport({ quality: { factual: [1, 1, 1, 0, 0, 1, 1, 1] } })));
    const io = capture();
    expect(await planCommand.run(['--baseline', base, '--repeat', a, '--repeat', b, '--json'])).toBe(0);
    const plan = JSON.parse(io.out()) as ReturnType<typeof planDetectable>;
    expect(plan.first.rows.find((r) => r.dimension === 'perf.concurrency=4.ttft.p50')!.spread.source).toBe('measured');
    expect(plan.first.rows.find((r) => r.dimension === 'quality.factual')!.spread).toEqual({ value: 0.125, source: 'measured' });
  });

  it('exits 2 naming the file when a --baseline or --repeat report cannot be read', async () => {
    const missing = join(await tempDir(), 'absent.json');
    const io = capture();
    expect(await planCommand.run(['--baseline', missing])).toBe(2);
    expect(await planCommand.run(['--repeat', missing, '--repeat', missing])).toBe(2);
    expect(io.err()).toContain(`error: ${missing}: cannot read (ENOENT)`);
  });

  it('exits 2 on a threshold that names no dimension of the dataset, as the gate would', async () => {
    const config = join(await tempDir(), 'llm-gate.yml');
    await writeFile(config, 'thresholds:\n  factal: 0.9\n');
    const io = capture();
    expect(await planCommand.run(['--config', config])).toBe(2);
    expect(io.err()).toContain(`${config}:2: field "thresholds.factal": no dimension "factal" in the dataset`);
    expect(io.err()).toContain('did you mean "factual"?');
  });

  it('exits 2 on a bad flag value, naming it', async () => {
    const io = capture();
    expect(await planCommand.run(['--power', '1.5'])).toBe(2);
    expect(io.err()).toMatch(/--power/);
  });
});
