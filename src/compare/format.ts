import type { ComparisonDimension } from '../report/schema.ts';

/** A value in its unit: `12.3 ms`, `0.900`, `1.6%`. */
export function formatValue(value: number, unit: string | undefined): string {
  switch (unit) {
    case 'ms':
      return `${value.toFixed(value < 10 ? 2 : 1)} ms`;
    case 's':
      return `${value.toFixed(1)} s`;
    case 'tok/s':
      return `${value.toFixed(1)} tok/s`;
    case 'share':
      return `${(value * 100).toFixed(1)}%`;
    case 'bytes':
      return `${(value / 1e6).toFixed(1)} MB`;
    default:
      return value.toFixed(3);
  }
}

function signed(s: string, x: number): string {
  return x > 0 ? `+${s}` : s;
}

/** A change on the tolerance's scale: relative in percent, scores and shares in points (1 point = 0.01). */
export function formatChange(x: number, d: Pick<ComparisonDimension, 'relativeDelta'>): string {
  if (!Number.isFinite(x)) return x > 0 ? '+inf' : '-inf';
  return d.relativeDelta !== undefined ? signed(`${(x * 100).toFixed(1)}%`, x) : signed(`${(x * 100).toFixed(1)} pt`, x);
}

export function formatDelta(d: ComparisonDimension): string {
  return formatChange(d.relativeDelta ?? d.delta, d);
}

export function formatInterval(d: ComparisonDimension): string {
  if (!d.ci) return '-';
  return `[${formatChange(d.ci[0], d)}, ${formatChange(d.ci[1], d)}]`;
}

export function formatStatus(d: ComparisonDimension): string {
  return d.regressed ? 'REGRESSED' : d.improved ? 'improved' : d.ci || d.method?.startsWith('one sample') ? 'ok' : 'not decided';
}

/** `regressed: 8.48 ms -> 11.7 ms (+37.5%, 99.6% CI [...], tolerance ±5.0%)`; the dimension's name goes beside it. */
export function describeDimension(d: ComparisonDimension): string {
  const verb = d.regressed ? 'regressed' : d.improved ? 'improved' : 'unchanged';
  const parts = [`${verb}: ${formatValue(d.baseline, d.unit)} -> ${formatValue(d.candidate, d.unit)} (${formatDelta(d)}`];
  if (d.ci) {
    const level = d.confidence !== undefined ? `${(d.confidence * 100).toFixed(2).replace(/\.?0+$/, '')}% CI` : 'CI';
    parts.push(`, ${level} ${formatInterval(d)}`);
  }
  if (d.tolerance !== undefined) parts.push(`, tolerance ${formatChange(d.tolerance, d).replace('+', '±')}`);
  parts.push(')');
  if (d.note) parts.push(`; ${d.note}`);
  return parts.join('');
}
