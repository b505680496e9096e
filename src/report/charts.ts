import { escapeInline, mermaidLabel } from './escape.ts';
import type { BenchRun, Comparison, ComparisonDimension } from './schema.ts';

/**
 * Charts as data (XyChart), rendered as Mermaid xychart-beta blocks, which GitHub renders in job
 * summaries, check runs and comments, or as inline SVG for the HTML report (svg.ts). Every series has a
 * name (Mermaid draws a legend from it where it can) and every chart a caption naming its series, for
 * renderers that draw no legend.
 */

export interface Series {
  kind: 'bar' | 'line';
  name: string;
  values: number[];
  /** Overrides the series' place in SERIES_COLOURS. */
  colour?: string;
}

export interface XyChart {
  title: string;
  xLabels: string[];
  /** Name of the category axis (load step, dimension); omitted when the labels say it. */
  xTitle?: string;
  yLabel: string;
  series: Series[];
  /** Markdown/HTML shown under the chart: trusted text, untrusted parts already escaped. */
  caption: string;
  /** Categories down the left, bars to the right: long labels never collide. */
  horizontal?: boolean;
}

/** More categories than this make a chart unreadable. */
const MAX_CATEGORIES = 12;

/**
 * Series colours in order: blue, red, green, at WCAG AA contrast (≥ 4.5:1) against white and apart in
 * lightness for red-green colour blindness. GitHub's Primer palette.
 */
export const SERIES_COLOURS = ['#0969da', '#cf222e', '#1a7f37'] as const;
/** A backdrop series (the tolerance under the bars): light grey, at the 3:1 that WCAG asks of graphics. */
export const BACKDROP_COLOUR = '#8c959f';

export function seriesColour(chart: XyChart, index: number): string {
  return chart.series[index]?.colour ?? SERIES_COLOURS[index % SERIES_COLOURS.length]!;
}

const round = (x: number): string => String(Math.round(x * 100) / 100);

/** Rounds an axis maximum up to a readable number (1, 2, 2.5 or 5 times a power of ten). */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  const step = [1, 2, 2.5, 5, 10].find((m) => m * power >= max) ?? 10;
  return Number((step * power).toPrecision(3));
}

/** A fenced Mermaid block and its caption. */
export function renderXyChart(chart: XyChart): string {
  const yMax = niceMax(Math.max(0, ...chart.series.flatMap((s) => s.values)) * 1.05);
  const palette = chart.series.map((_, i) => seriesColour(chart, i)).join(', ');
  const xTitle = chart.xTitle !== undefined ? `"${mermaidLabel(chart.xTitle)}" ` : '';
  const lines = [
    '```mermaid',
    `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${palette}"}}}}%%`,
    `xychart-beta${chart.horizontal === true ? ' horizontal' : ''}`,
    `    title "${mermaidLabel(chart.title, 80)}"`,
    `    x-axis ${xTitle}[${chart.xLabels.map((l) => `"${mermaidLabel(l)}"`).join(', ')}]`,
    `    y-axis "${mermaidLabel(chart.yLabel)}" 0 --> ${yMax}`,
    ...chart.series.map((s) => `    ${s.kind} "${mermaidLabel(s.name, 30)}" [${s.values.map(round).join(', ')}]`),
    '```',
    '',
    `<sub>${chart.caption}</sub>`,
  ];
  return lines.join('\n');
}

/** `perf.<profile>.<metric>.<percentile>` and `perf.<profile>.<metric>`, as the comparison names them. */
const PERF_PERCENTILE = /^perf\.(.+)\.(ttft|tpot|itl|e2e)\.(p\d+)$/;
const PERF_SCALAR = /^perf\.(.+)\.([A-Za-z]+)$/;
const SCALAR_NAMES: Record<string, string> = {
  outputTokensPerSec: 'output tok/s',
  requestsPerSec: 'req/s',
  errorRate: 'error rate',
  goodput: 'goodput',
};

/** `concurrency=4` → `c4`, `rate=2` → `2/s`: a load step in a few characters. */
export function shortStep(profile: string): string {
  const concurrency = /^concurrency[=-](\d+)$/.exec(profile);
  if (concurrency) return `c${concurrency[1]}`;
  const rate = /^rate[=-]([\d.]+)$/.exec(profile);
  if (rate) return `${rate[1]}/s`;
  return profile;
}

/**
 * A dimension name a chart axis can hold: `perf.concurrency=4.ttft.p50` → `TTFT p50` (with `@ c4` when
 * several load steps are compared), `quality.factual` → `factual`.
 */
export function shortDimension(name: string, withStep: boolean): string {
  const at = (profile: string): string => (withStep ? ` @ ${shortStep(profile)}` : '');
  const percentile = PERF_PERCENTILE.exec(name);
  if (percentile) return `${percentile[2]!.toUpperCase()} ${percentile[3]}${at(percentile[1]!)}`;
  const scalar = PERF_SCALAR.exec(name);
  if (scalar && SCALAR_NAMES[scalar[2]!] !== undefined) return `${SCALAR_NAMES[scalar[2]!]}${at(scalar[1]!)}`;
  if (name.startsWith('quality.')) return name.slice('quality.'.length);
  if (name === 'readiness.secondsToReady') return 'time to ready';
  return name;
}

/** Load steps (profiles) that the comparison's perf dimensions name. */
function comparedProfiles(comparison: Comparison): Set<string> {
  const profiles = new Set<string>();
  for (const name of Object.keys(comparison.dimensions)) {
    const m = PERF_PERCENTILE.exec(name) ?? PERF_SCALAR.exec(name);
    if (m && name.startsWith('perf.')) profiles.add(m[1]!);
  }
  return profiles;
}

/**
 * How much worse the candidate is than the baseline, in percent of the baseline value, whatever the
 * dimension's direction: +20 means 20% slower for latency, 20% less for throughput or a score. Negative
 * when it improved; undefined when the baseline is 0 (no relative change exists).
 */
export function worsening(d: ComparisonDimension): number | undefined {
  if (d.baseline === 0 || !Number.isFinite(d.candidate / d.baseline)) return undefined;
  const change = d.candidate / d.baseline - 1;
  return (d.direction === 'lower-is-better' ? change : -change) * 100;
}

/** The tolerance in percent of the baseline value (relative tolerances as they are, absolute ones divided). */
function tolerancePercent(d: ComparisonDimension): number {
  if (d.tolerance === undefined) return 0;
  return (d.relativeDelta !== undefined ? d.tolerance : d.tolerance / Math.abs(d.baseline)) * 100;
}

/**
 * Every compared dimension on one scale, all pointing the same way: a bar is how much worse than the
 * baseline (0 for no change or better), grey up to the tolerance and red beyond it. Horizontal, so names of
 * any length fit. Regressions, then the worst, when not all fit.
 */
export function worseningChart(comparison: Comparison): XyChart | null {
  if (comparison.baseline === null) return null;
  const withStep = comparedProfiles(comparison).size > 1;
  const dims = Object.entries(comparison.dimensions).flatMap(([name, d]) => {
    const worse = worsening(d);
    return worse === undefined ? [] : [{ name, d, worse }];
  });
  if (dims.length < 2) return null;
  dims.sort((a, b) => Number(b.d.regressed) - Number(a.d.regressed) || b.worse - a.worse);
  const shown = dims.slice(0, MAX_CATEGORIES);
  // Dimension names come from the dataset: escaped, since the caption is markup.
  const regressed = shown.filter((x) => x.d.regressed).map((x) => escapeInline(shortDimension(x.name, withStep), 40));
  return {
    title: 'How much worse than the baseline (%)',
    xLabels: shown.map((x) => shortDimension(x.name, withStep)),
    yLabel: '% worse than baseline',
    horizontal: true,
    series: [
      // Mermaid draws bar series over each other in order: the grey part within the tolerance covers the red.
      { kind: 'bar', name: 'beyond tolerance', values: shown.map((x) => Math.max(0, x.worse)), colour: SERIES_COLOURS[1] },
      { kind: 'bar', name: 'within tolerance', values: shown.map((x) => Math.max(0, Math.min(x.worse, tolerancePercent(x.d)))), colour: BACKDROP_COLOUR },
    ],
    caption:
      `How much worse the candidate is than the baseline, in % of the baseline value, whatever the direction (slower, less throughput, lower score); 0 when unchanged or better. Grey: within the tolerance; red: beyond it (regressed only where the whole interval is, see the table).` +
      (regressed.length > 0 ? ` Regressed: ${regressed.join(', ')}.` : '') +
      (dims.length > shown.length ? ` The ${shown.length} worst of ${dims.length} dimensions.` : ''),
  };
}

function stepLabel(run: BenchRun): string {
  if (run.concurrency !== undefined) return String(run.concurrency);
  if (run.rate !== undefined) return `${run.rate}/s`;
  return run.profile;
}

function axisName(runs: BenchRun[]): string {
  if (runs.every((r) => r.concurrency !== undefined)) return 'concurrency';
  if (runs.every((r) => r.rate !== undefined)) return 'request rate (req/s)';
  return 'load step';
}

/**
 * Latency against load, baseline and candidate as two lines, for a sweep of two or more steps compared
 * with a baseline: where the candidate starts to saturate earlier. Nothing for one step (the table says it).
 */
export function sweepComparisonCharts(comparison: Comparison, runs: BenchRun[]): XyChart[] {
  if (comparison.baseline === null) return [];
  const charts: XyChart[] = [];
  for (const [metric, percentile] of [['ttft', 'p50'], ['ttft', 'p99'], ['tpot', 'p50']] as const) {
    const points = runs.slice(0, MAX_CATEGORIES).flatMap((run) => {
      const d = comparison.dimensions[`perf.${run.profile}.${metric}.${percentile}`];
      return d ? [{ run, d }] : [];
    });
    if (points.length < 2) continue;
    const axis = axisName(points.map((p) => p.run));
    const label = `${metric.toUpperCase()} ${percentile}`;
    charts.push({
      title: `${label} by ${axis} (ms)`,
      xLabels: points.map((p) => stepLabel(p.run)),
      xTitle: axis,
      yLabel: 'ms',
      series: [
        { kind: 'line', name: 'baseline', values: points.map((p) => p.d.baseline) },
        { kind: 'line', name: 'candidate', values: points.map((p) => p.d.candidate) },
      ],
      caption: `Blue line: baseline ${label}; red line: candidate ${label}; x axis: ${axis}.`,
    });
  }
  return charts;
}

/** Latency and throughput over a sweep without a baseline: where the server starts to saturate. */
export function sweepCharts(runs: BenchRun[]): XyChart[] {
  if (runs.length < 2) return [];
  const steps = runs.slice(0, MAX_CATEGORIES);
  const xLabels = steps.map(stepLabel);
  const axis = axisName(steps);
  const percentileLines = (pick: (r: BenchRun) => { p50: number; p99: number }): Series[] => [
    { kind: 'line', name: 'p50', values: steps.map((r) => pick(r).p50) },
    { kind: 'line', name: 'p99', values: steps.map((r) => pick(r).p99) },
  ];
  return [
    {
      title: `TTFT by ${axis} (ms)`,
      xLabels,
      xTitle: axis,
      yLabel: 'ms',
      series: percentileLines((r) => r.ttftMs),
      caption: `Blue line: TTFT p50; red line: TTFT p99; x axis: ${axis}.`,
    },
    {
      title: `TPOT by ${axis} (ms)`,
      xLabels,
      xTitle: axis,
      yLabel: 'ms',
      series: percentileLines((r) => r.tpotMs),
      caption: `Blue line: TPOT p50; red line: TPOT p99; x axis: ${axis}.`,
    },
    {
      title: `Output throughput by ${axis} (tokens/s)`,
      xLabels,
      xTitle: axis,
      yLabel: 'tokens/s',
      series: [{ kind: 'bar', name: 'output tokens/s', values: steps.map((r) => r.outputTokensPerSec) }],
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
    // Enough decimals that narrow bins (a tight distribution) keep distinct labels: equal category labels collapse.
    xLabels: counts.map((_, i) => `≤${(min + width * (i + 1)).toFixed(Math.min(3, Math.max(0, Math.ceil(-Math.log10(width)))))}`),
    xTitle: 'TTFT (ms), upper bound of the bin',
    yLabel: 'requests',
    series: [{ kind: 'bar', name: 'requests', values: counts }],
    caption: 'Bars: successful requests per TTFT bin; x axis: upper bound of the bin in ms.',
  };
}
