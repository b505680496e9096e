import { describe, expect, it } from 'vitest';
import { compareReports } from '../../src/compare/compare.ts';
import { regressionReasons, verdictFromComparison } from '../../src/compare/verdict.ts';
import { toleranceFor } from '../../src/compare/tolerance.ts';
import { compareConfigSchema } from '../../src/config/schema.ts';
import { benchRun, defaultCompareConfig, latencySamples, makeReport } from './fixtures.ts';

const config = { ...defaultCompareConfig, resamples: 1000 };

function run(seed: number, opts: { ttftScale?: number; tpotScale?: number; n?: number; errors?: number } = {}) {
  const n = opts.n ?? 64;
  return benchRun('c4', {
    ttft: latencySamples(seed, n, 80, 0.3).map((x) => x * (opts.ttftScale ?? 1)),
    tpot: latencySamples(seed + 1000, n, 12, 0.05).map((x) => x * (opts.tpotScale ?? 1)),
    ...(opts.errors !== undefined ? { errors: opts.errors } : {}),
  });
}

/** 200 items scored 1 except the first `wrong` ones. */
function scores(wrong: number, n = 200): number[] {
  return Array.from({ length: n }, (_, i) => (i < wrong ? 0 : 1));
}

describe('compareReports', () => {
  it('flags nothing when the candidate is the baseline measured again (A/A)', () => {
    const a = makeReport({ quality: { exact: scores(20) }, runs: [run(1)], secondsToReady: 30 });
    const b = makeReport({ quality: { exact: scores(20) }, runs: [run(2)], secondsToReady: 33 });
    const c = compareReports(a, b, config);
    const flagged = Object.entries(c.dimensions).filter(([, d]) => d.regressed || d.improved);
    expect(flagged).toEqual([]);
    expect(verdictFromComparison(c)).toEqual({ verdict: 'pass', reasons: [] });
  });

  it('derives quality, per-profile latency, throughput, error-rate and readiness dimensions', () => {
    const a = makeReport({ quality: { exact: scores(0) }, runs: [run(1)], secondsToReady: 30 });
    const c = compareReports(a, a, config);
    expect(Object.keys(c.dimensions).sort()).toEqual(
      [
        'quality.exact',
        'perf.c4.ttft.p50',
        'perf.c4.ttft.p90',
        'perf.c4.ttft.p99',
        'perf.c4.tpot.p50',
        'perf.c4.tpot.p99',
        'perf.c4.e2e.p50',
        'perf.c4.outputTokensPerSec',
        'perf.c4.errorRate',
        'readiness.secondsToReady',
      ].sort(),
    );
    expect(c.dimensions['perf.c4.outputTokensPerSec']!.direction).toBe('higher-is-better');
    expect(c.dimensions['perf.c4.ttft.p99']!.direction).toBe('lower-is-better');
  });

  it('flags a 20% TPOT slowdown with its interval and tolerance in the reason', () => {
    const a = makeReport({ runs: [run(1)] });
    const b = makeReport({ runs: [run(2, { tpotScale: 1.2 })] });
    const c = compareReports(a, b, config);
    const tpot = c.dimensions['perf.c4.tpot.p50']!;
    expect(tpot.regressed).toBe(true);
    expect(tpot.relativeDelta).toBeGreaterThan(0.15);
    expect(tpot.ci![0]).toBeGreaterThan(0);
    expect(tpot.tolerance).toBe(0.05);
    const reasons = regressionReasons(c);
    const reason = reasons.find((r) => r.dimension === 'perf.c4.tpot.p50')!;
    expect(reason.message).toMatch(/^regressed: [\d.]+ ms -> [\d.]+ ms \(\+\d+\.\d%, [\d.]+% CI \[\+[\d.]+%, \+[\d.]+%\], tolerance ±5\.0%\)/);
    expect(verdictFromComparison(c).verdict).toBe('fail');
  });

  it('does not flag a change that is statistically clear but within tolerance', () => {
    // Every request exactly 3% slower with little spread: certain, but below the 5% TPOT tolerance.
    const ttft = latencySamples(1, 64, 80, 0.3);
    const tpot = latencySamples(2, 64, 12, 0.005);
    const base = benchRun('c4', { ttft, tpot });
    const slower = benchRun('c4', { ttft, tpot: tpot.map((x) => x * 1.03) });
    const c = compareReports(makeReport({ runs: [base] }), makeReport({ runs: [slower] }), config);
    const d = c.dimensions['perf.c4.tpot.p50']!;
    expect(d.ci![0]).toBeGreaterThan(0);
    expect(d.regressed).toBe(false);
  });

  it('does not flag a change beyond tolerance that the noise could explain', () => {
    const noisy = (seed: number, scale: number) =>
      benchRun('c4', { ttft: latencySamples(seed, 64, 80, 1.2).map((x) => x * scale), tpot: latencySamples(seed + 1, 64, 12, 0.05) });
    const c = compareReports(makeReport({ runs: [noisy(1, 1)] }), makeReport({ runs: [noisy(2, 1.3)] }), config);
    const ttft = c.dimensions['perf.c4.ttft.p50']!;
    expect(ttft.relativeDelta).toBeGreaterThan(0.1);
    expect(ttft.ci![0]).toBeLessThan(0);
    expect(ttft.regressed).toBe(false);
  });

  it('decides a p99 only from enough requests: shown at 64, decided at 500', () => {
    const small = compareReports(makeReport({ runs: [run(1)] }), makeReport({ runs: [run(2, { ttftScale: 2 })] }), config);
    expect(small.dimensions['perf.c4.ttft.p99']!.ci).toBeNull();
    expect(small.dimensions['perf.c4.ttft.p99']!.note).toMatch(/too few values beyond p99 to decide it \(needs 500 values a side\)/);
    const large = compareReports(makeReport({ runs: [run(1, { n: 500 })] }), makeReport({ runs: [run(2, { n: 500, ttftScale: 2 })] }), config);
    expect(large.dimensions['perf.c4.ttft.p99']!.regressed).toBe(true);
  });

  it('marks improvements without failing', () => {
    const c = compareReports(makeReport({ runs: [run(1)] }), makeReport({ runs: [run(2, { tpotScale: 0.8 })] }), config);
    expect(c.dimensions['perf.c4.tpot.p50']!.improved).toBe(true);
    expect(c.dimensions['perf.c4.outputTokensPerSec']!.improved).toBe(true);
    expect(verdictFromComparison(c).verdict).toBe('pass');
  });

  it('flags a throughput drop as a regression of a higher-is-better dimension', () => {
    const c = compareReports(makeReport({ runs: [run(1)] }), makeReport({ runs: [run(2, { tpotScale: 1.3 })] }), config);
    const tput = c.dimensions['perf.c4.outputTokensPerSec']!;
    expect(tput.candidate).toBeLessThan(tput.baseline);
    expect(tput.regressed).toBe(true);
  });

  it('flags a 10-point quality drop on 200 paired items, and not a 2-point one', () => {
    const a = makeReport({ quality: { exact: scores(10), contains: scores(10) } });
    const b = makeReport({ quality: { exact: scores(30), contains: scores(14) } });
    const c = compareReports(a, b, config);
    expect(c.dimensions['quality.exact']!.regressed).toBe(true);
    expect(c.dimensions['quality.exact']!.delta).toBeCloseTo(-0.1, 10);
    expect(c.dimensions['quality.contains']!.regressed).toBe(false);
    expect(regressionReasons(c)[0]!.message).toMatch(/^regressed: 0\.950 -> 0\.850 \(-10\.0 pt, .*tolerance ±3\.0 pt\)/);
  });

  it('flags an error rate that rose well beyond its tolerance', () => {
    const c = compareReports(makeReport({ runs: [run(1)] }), makeReport({ runs: [run(2, { errors: 20 })] }), config);
    expect(c.dimensions['perf.c4.errorRate']!.regressed).toBe(true);
  });

  it('builds each interval at the Bonferroni-adjusted level across all tested dimensions', () => {
    const a = makeReport({ quality: { exact: scores(0) }, runs: [run(1)], secondsToReady: 10 });
    const c = compareReports(a, a, { ...config, confidence: 0.9 });
    // 7 dimensions with an interval: the p99s of 64 requests and readiness (one sample) get none.
    expect(c.tests).toBe(7);
    expect(c.confidence).toBe(0.9);
    expect(c.dimensions['quality.exact']!.confidence).toBeCloseTo(1 - 0.1 / 7, 12);
    expect(c.dimensions['readiness.secondsToReady']!.ci).toBeNull();
  });

  it('is deterministic for a seed and independent of which other dimensions exist', () => {
    const a = makeReport({ quality: { exact: scores(10) }, runs: [run(1)] });
    const b = makeReport({ quality: { exact: scores(15) }, runs: [run(2)] });
    expect(compareReports(a, b, config, { seed: 5 })).toEqual(compareReports(a, b, config, { seed: 5 }));
    const onlyPerf = compareReports(makeReport({ runs: [run(1)] }), makeReport({ runs: [run(2)] }), config, { seed: 5 });
    const both = compareReports(a, b, config, { seed: 5 });
    // Same seed stream per dimension name: only the Bonferroni level differs (6 vs 7 tests).
    expect(onlyPerf.dimensions['perf.c4.ttft.p50']!.delta).toBe(both.dimensions['perf.c4.ttft.p50']!.delta);
  });

  it('uses the tolerance of readiness with a slack in seconds for probe-interval jitter', () => {
    const cmp = (a: number, b: number) =>
      compareReports(makeReport({ secondsToReady: a }), makeReport({ secondsToReady: b }), config).dimensions['readiness.secondsToReady']!;
    expect(cmp(4, 12).regressed).toBe(false); // +200% but only 8 s
    expect(cmp(100, 125).regressed).toBe(false); // +25% < 30%
    expect(cmp(100, 140).regressed).toBe(true);
  });

  it('shows but does not decide a dimension with too few samples', () => {
    const c = compareReports(makeReport({ runs: [run(1, { n: 4 })] }), makeReport({ runs: [run(2, { n: 4, tpotScale: 2 })] }), config);
    const tpot = c.dimensions['perf.c4.tpot.p50']!;
    expect(tpot.ci).toBeNull();
    expect(tpot.regressed).toBe(false);
    expect(tpot.note).toMatch(/too few independent units/);
  });

  it('notes profiles and quality dimensions that only one side has', () => {
    const a = makeReport({ quality: { exact: scores(0) }, runs: [run(1)] });
    const b = makeReport({ quality: { exact: scores(0), judge: scores(0) }, runs: [benchRun('c16', { ttft: [1], tpot: [1] })] });
    const c = compareReports(a, b, config);
    expect(c.note).toMatch(/quality\.judge is new in the candidate/);
    expect(c.note).toMatch(/bench profile c16 is new/);
    expect(c.note).toMatch(/bench profile c4 is missing from the candidate/);
  });
});

describe('dataset changes', () => {
  const a = makeReport({ quality: { exact: scores(10) }, sha256: 'a'.repeat(64) });
  const b = makeReport({ quality: { exact: scores(10, 220) }, sha256: 'b'.repeat(64) });

  it('refuses to compare quality across different dataset hashes, with an error verdict', () => {
    const c = compareReports(a, b, config);
    expect(c.dimensions['quality.exact']).toBeUndefined();
    const v = verdictFromComparison(c);
    expect(v.verdict).toBe('error');
    expect(v.reasons[0]!.dimension).toBe('quality.dataset');
    expect(v.reasons[0]!.message).toMatch(/dataset changed from starter@v1 \(sha256 aaaaaaaaaaaa\) to starter@v1 \(sha256 bbbbbbbbbbbb\).*allowDatasetChange/);
  });

  it('compares the item ids both share when allowDatasetChange is set', () => {
    const c = compareReports(a, b, { ...config, allowDatasetChange: true });
    const d = c.dimensions['quality.exact']!;
    expect(d.method).toMatch(/200 items/);
    expect(d.note).toMatch(/compared on the 200 item ids both reports share \(dataset changed/);
    expect(verdictFromComparison(c).verdict).toBe('pass');
  });
});

describe('tolerances', () => {
  it('prefers any user entry over the built-ins, and among each the most specific pattern', () => {
    expect(toleranceFor('perf.c4.tpot.p50', {}, 0.1)).toBe(0.05);
    expect(toleranceFor('perf.c4.ttft.p50', {}, 0.1)).toBe(0.1);
    expect(toleranceFor('perf.c4.ttft.p99', {}, 0.1)).toBe(0.25);
    expect(toleranceFor('perf.c4.tpot.p50', { 'perf.*.tpot.*': 0.08 }, 0.1)).toBe(0.08);
    expect(toleranceFor('perf.c4.tpot.p50', { 'perf.*': 0.2, 'perf.c4.tpot.p50': 0.01 }, 0.1)).toBe(0.01);
    expect(toleranceFor('quality.exact', { 'quality.*': 0.05 }, 0.03)).toBe(0.05);
  });

  it('reads per-dimension tolerances from the config', () => {
    const cfg = compareConfigSchema.parse({ tolerances: { 'perf.*.tpot.*': 0.5 } });
    const c = compareReports(makeReport({ runs: [run(1)] }), makeReport({ runs: [run(2, { tpotScale: 1.2 })] }), { ...cfg, resamples: 1000 });
    expect(c.dimensions['perf.c4.tpot.p50']!.regressed).toBe(false);
    expect(c.dimensions['perf.c4.tpot.p50']!.tolerance).toBe(0.5);
  });
});
