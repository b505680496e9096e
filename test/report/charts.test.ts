import { describe, expect, it } from 'vitest';
import { renderXyChart, shortDimension, sweepComparisonCharts, ttftHistogram, worseningChart } from '../../src/report/charts.ts';
import { benchRun } from './fixtures.ts';
import type { Comparison, ComparisonDimension } from '../../src/report/schema.ts';

const dim = (baseline: number, candidate: number, regressed = false): ComparisonDimension => ({
  baseline,
  candidate,
  delta: candidate - baseline,
  relativeDelta: candidate / baseline - 1,
  ci: null,
  regressed,
  direction: 'lower-is-better',
  unit: 'ms',
});

const comparison: Comparison = {
  baseline: { ref: 'v1' },
  dimensions: {
    'perf.concurrency=1.ttft.p50': dim(20, 21),
    'perf.concurrency=1.ttft.p99': dim(40, 70, true),
    'perf.concurrency=8.ttft.p99': dim(90, 95),
    'perf.concurrency=1.tpot.p50': dim(6, 6.2),
    'quality.factual': { ...dim(1, 0.9), direction: 'higher-is-better', unit: 'score' },
    'perf.concurrency=1.outputTokensPerSec': { ...dim(800, 400, true), direction: 'higher-is-better', unit: 'tok/s' },
  },
};


describe('comparison charts', () => {
  it('shows every dimension as how much worse than the baseline, whatever its direction, with short labels, regressions first', () => {
    const chart = worseningChart(comparison)!;
    expect(chart.horizontal).toBe(true);
    expect(chart.xLabels).toEqual(['TTFT p99 @ c1', 'output tok/s @ c1', 'factual', 'TTFT p99 @ c8', 'TTFT p50 @ c1', 'TPOT p50 @ c1']);
    // Throughput halved and latency up 75% both read as worse (positive); within-tolerance parts are grey.
    expect(chart.series.map((s) => s.name)).toEqual(['beyond tolerance', 'within tolerance']);
    expect(chart.series[0]!.values.map((v) => Math.round(v))).toEqual([75, 50, 10, 6, 5, 3]);
  });

  it('counts an improvement as no worse rather than a negative bar', () => {
    const better: Comparison = { baseline: { ref: 'v1' }, dimensions: { a: dim(20, 10), b: dim(10, 12) } };
    expect(worseningChart(better)!.series[0]!.values.map(Math.round)).toEqual([20, 0]);
  });

  it('draws latency against load with baseline and candidate as two named lines only for a sweep', () => {
    const runs = [benchRun(1), benchRun(8)].map((r) => ({ ...r, profile: `concurrency=${r.concurrency}` }));
    // Only TTFT p99 was compared at both steps: one chart.
    const [ttftP99, ...rest] = sweepComparisonCharts(comparison, runs);
    expect(rest).toEqual([]);
    expect(ttftP99!.title).toBe('TTFT p99 by concurrency (ms)');
    const text = renderXyChart(ttftP99!);
    expect(text).toContain('x-axis "concurrency" ["1", "8"]');
    expect(text).toContain('line "baseline" [40, 90]');
    expect(text).toContain('line "candidate" [70, 95]');
    expect(sweepComparisonCharts(comparison, runs.slice(0, 1))).toEqual([]);
  });

  it('names a dimension in a few characters', () => {
    expect(shortDimension('perf.concurrency=4.ttft.p50', false)).toBe('TTFT p50');
    expect(shortDimension('perf.rate=2.5.outputTokensPerSec', true)).toBe('output tok/s @ 2.5/s');
    expect(shortDimension('quality.json_format', true)).toBe('json_format');
    expect(shortDimension('readiness.secondsToReady', false)).toBe('time to ready');
  });

  it('sets colours with enough contrast for every series', () => {
    const text = renderXyChart(worseningChart(comparison)!);
    expect(text).toContain('"plotColorPalette": "#cf222e, #8c959f"');
  });

  it('draws nothing without a baseline', () => {
    expect(worseningChart({ ...comparison, baseline: null })).toBeNull();
    expect(sweepComparisonCharts({ ...comparison, baseline: null }, [benchRun(1), benchRun(8)])).toEqual([]);
  });
});

describe('the TTFT histogram', () => {
  it('keeps every bin label distinct when the distribution is narrower than a millisecond a bin', () => {
    const run = benchRun(4);
    const tight = { ...run, samples: run.samples.map((s, i) => ({ ...s, ttftMs: 65 + (i % 10) * 0.07 })) };
    const labels = ttftHistogram(tight)?.xLabels ?? [];
    expect(labels.length).toBeGreaterThan(1);
    expect(new Set(labels).size).toBe(labels.length);
  });
});
