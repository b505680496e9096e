import { compareSemver, parseSemver } from '../store/semver.ts';
import { renderXyChart } from '../report/charts.ts';
import type { Report } from '../report/schema.ts';

/** The key figures of one stored report: what a person follows from release to release. */
export interface TrendPoint {
  tag: string;
  /** TTFT p99 and TPOT p50 (ms) at the last load step (the highest load of a sweep); null when not measured. */
  ttftP99Ms: number | null;
  tpotP50Ms: number | null;
  outputTokensPerSec: number | null;
  /** Mean of the quality dimensions' scores (0..1); null without an eval. */
  quality: number | null;
  secondsToReady: number | null;
  /** Dimensions accepted as regressed in that release. */
  accepted: string[];
}

/** The figures of one report (pure). */
export function trendPoint(tag: string, r: Report): TrendPoint {
  const runs = r.performance?.runs ?? [];
  const last = runs[runs.length - 1];
  const scores = Object.values(r.quality?.dimensions ?? {}).map((d) => d.score);
  return {
    tag,
    ttftP99Ms: last ? last.ttftMs.p99 : null,
    tpotP50Ms: last ? last.tpotMs.p50 : null,
    outputTokensPerSec: last ? last.outputTokensPerSec : null,
    quality: scores.length > 0 ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
    secondsToReady: r.readiness?.secondsToReady ?? null,
    accepted: r.acceptance?.accepted.map((a) => a.dimension) ?? [],
  };
}

/** Tags in release order (semver; tags that are not semver after, by name), the last `n` of them. */
export function lastTags(tags: string[], n: number): string[] {
  const sorted = [...tags].sort((a, b) => {
    const va = parseSemver(a);
    const vb = parseSemver(b);
    if (va && vb) return compareSemver(va, vb);
    if (va) return -1;
    if (vb) return 1;
    return a.localeCompare(b);
  });
  return sorted.slice(Math.max(0, sorted.length - n));
}

const fmt = (x: number | null, digits: number): string => (x === null ? '-' : x.toFixed(digits));

/** A fixed-width table for the terminal (pure). */
export function trendTable(points: TrendPoint[]): string {
  const header = ['tag', 'TTFT p99 ms', 'TPOT p50 ms', 'tok/s', 'quality', 'ready s', 'accepted'];
  const rows = points.map((p) => [
    p.tag,
    fmt(p.ttftP99Ms, 1),
    fmt(p.tpotP50Ms, 2),
    fmt(p.outputTokensPerSec, 0),
    fmt(p.quality, 3),
    fmt(p.secondsToReady, 1),
    p.accepted.join(',') || '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

/**
 * Mermaid charts of the trend, one per unit (latency in ms, quality 0..1), so a person sees at a glance
 * where a release moved. Empty with fewer than two points.
 */
export function trendCharts(points: TrendPoint[], line: string): string {
  if (points.length < 2) return '';
  const tags = points.map((p) => p.tag);
  const latency = points.every((p) => p.ttftP99Ms !== null && p.tpotP50Ms !== null);
  const quality = points.every((p) => p.quality !== null);
  const charts: string[] = [];
  if (latency) {
    charts.push(
      renderXyChart({
        title: 'Latency over releases (ms)',
        xLabels: tags,
        yLabel: 'ms',
        series: [
          { kind: 'line', name: 'TTFT p99', values: points.map((p) => p.ttftP99Ms!) },
          { kind: 'bar', name: 'TPOT p50', values: points.map((p) => p.tpotP50Ms!) },
        ],
        caption: `line: TTFT p99, bars: TPOT p50, at the last load step; identity line ${line}`,
      }),
    );
  }
  if (quality) {
    charts.push(
      renderXyChart({
        title: 'Quality over releases (mean score)',
        xLabels: tags,
        yLabel: 'score',
        series: [{ kind: 'line', name: 'mean quality', values: points.map((p) => p.quality!) }],
        caption: `mean of the quality dimensions' scores (0..1); identity line ${line}`,
      }),
    );
  }
  return charts.join('\n\n');
}
