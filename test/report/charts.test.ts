import { describe, expect, it } from 'vitest';
import { comparisonChart, latencyComparisonCharts, renderXyChart } from '../../src/report/charts.ts';
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
  it('plots TTFT and TPOT percentiles per load step, candidate bars over a baseline line', () => {
    const charts = latencyComparisonCharts(comparison);
    expect(charts.map((c) => c.title)).toEqual([
      'TTFT percentiles by load step (ms): baseline vs candidate',
      'TPOT percentiles by load step (ms): baseline vs candidate',
    ]);
    const ttft = renderXyChart(charts[0]!);
    expect(ttft).toContain('x-axis ["concurrency=1 p50", "concurrency=1 p99", "concurrency=8 p99"]');
    expect(ttft).toContain('bar [21, 70, 95]');
    expect(ttft).toContain('line [20, 40, 90]');
    expect(ttft).toContain('y-axis "ms" 0 --> 100');
  });

  it('shows the remaining dimensions relative to the baseline, regressions first', () => {
    const chart = comparisonChart(comparison)!;
    expect(chart.xLabels).toEqual(['perf.concurrency=1.outputTokensPerSec', 'quality.factual']);
    expect(chart.series[0]!.values).toEqual([50, 90]);
  });

  it('draws nothing without a baseline', () => {
    expect(latencyComparisonCharts({ ...comparison, baseline: null })).toEqual([]);
    expect(comparisonChart({ ...comparison, baseline: null })).toBeNull();
  });
});
