import { mermaidLabel } from './escape.ts';
import type { BenchRun, Comparison } from './schema.ts';

/**
 * Mermaid xychart-beta blocks, which GitHub renders in job summaries, check runs and comments.
 * xychart-beta draws no legend, so every chart carries a caption naming its series.
 */

export interface Series {
  kind: 'bar' | 'line';
  values: number[];
}

export interface XyChart {
  title: string;
  xLabels: string[];
  yLabel: string;
  series: Series[];
  caption: string;
}

/** More categories than this make xychart labels unreadable. */
const MAX_CATEGORIES = 16;

const round = (x: number): string => String(Math.round(x * 100) / 100);

export function renderXyChart(chart: XyChart): string {
  const max = Math.max(0, ...chart.series.flatMap((s) => s.values));
  const yMax = max > 0 ? Number((max * 1.1).toPrecision(2)) : 1;
  const lines = [
    '```mermaid',
    'xychart-beta',
    `    title "${mermaidLabel(chart.title, 80)}"`,
    `    x-axis [${chart.xLabels.map((l) => `"${mermaidLabel(l)}"`).join(', ')}]`,
    `    y-axis "${mermaidLabel(chart.yLabel)}" 0 --> ${yMax}`,
    ...chart.series.map((s) => `    ${s.kind} [${s.values.map(round).join(', ')}]`),
    '```',
    '',
    `<sub>${chart.caption}</sub>`,
  ];
  return lines.join('\n');
}

/** `perf.<profile>.<metric>.<percentile>`, as the comparison names latency dimensions. */
const LATENCY_DIMENSION = /^perf\.(.+)\.(ttft|tpot)\.(p\d+)$/;

/**
 * TTFT and TPOT percentiles per load step, baseline against candidate, in milliseconds: the picture a
 * latency regression is argued over.
 */
export function latencyComparisonCharts(comparison: Comparison): XyChart[] {
  if (comparison.baseline === null) return [];
  const charts: XyChart[] = [];
  for (const metric of ['ttft', 'tpot'] as const) {
    const points = Object.entries(comparison.dimensions).flatMap(([name, d]) => {
      const m = LATENCY_DIMENSION.exec(name);
      return m && m[2] === metric ? [{ label: `${m[1]} ${m[3]}`, d }] : [];
    });
    if (points.length === 0) continue;
    const shown = points.slice(0, MAX_CATEGORIES);
    charts.push({
      title: `${metric.toUpperCase()} percentiles by load step (ms): baseline vs candidate`,
      xLabels: shown.map((p) => p.label),
      yLabel: 'ms',
      series: [
        { kind: 'bar', values: shown.map((p) => p.d.candidate) },
        { kind: 'line', values: shown.map((p) => p.d.baseline) },
      ],
      caption: `Bars: candidate; line: baseline. Each category is a load step and a ${metric.toUpperCase()} percentile.`,
    });
  }
  return charts;
}

/**
 * The other compared dimensions (quality, throughput, readiness) as candidate relative to baseline
 * (baseline = 100): one scale for all units. Regressions come first when there are too many to show.
 */
export function comparisonChart(comparison: Comparison): XyChart | null {
  const dims = Object.entries(comparison.dimensions)
    .filter(([name, d]) => !LATENCY_DIMENSION.test(name) && d.baseline !== 0 && Number.isFinite(d.candidate / d.baseline))
    .sort(([, a], [, b]) => Number(b.regressed) - Number(a.regressed))
    .slice(0, MAX_CATEGORIES);
  if (comparison.baseline === null || dims.length < 2) return null;
  return {
    title: 'Candidate relative to baseline (baseline = 100)',
    xLabels: dims.map(([name]) => name),
    yLabel: '% of baseline',
    series: [
      { kind: 'bar', values: dims.map(([, d]) => (d.candidate / d.baseline) * 100) },
      { kind: 'line', values: dims.map(() => 100) },
    ],
    caption:
      'Bars: candidate as a percentage of the baseline; line: the baseline (100). ' +
      'For quality scores and throughput, lower is worse.',
  };
}

function stepLabel(run: BenchRun): string {
  if (run.concurrency !== undefined) return String(run.concurrency);
  if (run.rate !== undefined) return `${run.rate}/s`;
  return run.profile;
}

/** Latency and throughput over a concurrency or rate sweep: where the server starts to saturate. */
export function sweepCharts(runs: BenchRun[]): XyChart[] {
  if (runs.length < 2) return [];
  const steps = runs.slice(0, MAX_CATEGORIES);
  const xLabels = steps.map(stepLabel);
  const axis = steps.every((r) => r.concurrency !== undefined) ? 'concurrency' : 'load step';
  const percentileLines = (pick: (r: BenchRun) => { p50: number; p99: number }): Series[] => [
    { kind: 'line', values: steps.map((r) => pick(r).p50) },
    { kind: 'line', values: steps.map((r) => pick(r).p99) },
  ];
  return [
    {
      title: `TTFT by ${axis} (ms)`,
      xLabels,
      yLabel: 'ms',
      series: percentileLines((r) => r.ttftMs),
      caption: `Lower line: TTFT p50; upper line: TTFT p99; x axis: ${axis}.`,
    },
    {
      title: `TPOT by ${axis} (ms)`,
      xLabels,
      yLabel: 'ms',
      series: percentileLines((r) => r.tpotMs),
      caption: `Lower line: TPOT p50; upper line: TPOT p99; x axis: ${axis}.`,
    },
    {
      title: `Output throughput by ${axis} (tokens/s)`,
      xLabels,
      yLabel: 'tokens/s',
      series: [{ kind: 'bar', values: steps.map((r) => r.outputTokensPerSec) }],
      caption: `Bars: output tokens per second over the step; x axis: ${axis}.`,
    },
  ];
}

const HISTOGRAM_BINS = 12;

/** TTFT distribution of one step: a long tail or two modes show here before they move p99. */
export function ttftHistogram(run: BenchRun): XyChart | null {
  const values = run.samples.flatMap((s) => (s.ok && s.ttftMs !== null ? [s.ttftMs] : []));
  if (values.length < 5) return null;
  const min = Math.min(...values);
  const max = Math.max(...values);
  const width = max > min ? (max - min) / HISTOGRAM_BINS : 1;
  const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
  for (const v of values) {
    const bin = Math.min(HISTOGRAM_BINS - 1, Math.floor((v - min) / width));
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  return {
    title: `TTFT distribution, ${run.profile} (${values.length} requests)`,
    xLabels: counts.map((_, i) => `≤${Math.round(min + width * (i + 1))}`),
    yLabel: 'requests',
    series: [{ kind: 'bar', values: counts }],
    caption: 'Bars: successful requests per TTFT bin; x axis: upper bound of the bin in ms.',
  };
}
