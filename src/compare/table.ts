import type { Comparison } from '../report/schema.ts';
import { formatDelta, formatInterval, formatStatus, formatValue } from './format.ts';

/** The per-dimension table the CLI prints: plain text, aligned columns, regressions first. */
export function formatComparisonTable(comparison: Comparison): string {
  const entries = Object.entries(comparison.dimensions).sort(
    ([a, x], [b, y]) => Number(y.regressed) - Number(x.regressed) || Number(y.improved) - Number(x.improved) || a.localeCompare(b),
  );
  const rows = [
    ['dimension', 'baseline', 'candidate', 'delta', 'interval', 'tolerance', 'status'],
    ...entries.map(([name, d]) => [
      name,
      formatValue(d.baseline, d.unit),
      formatValue(d.candidate, d.unit),
      formatDelta(d),
      formatInterval(d),
      d.tolerance === undefined ? '-' : d.relativeDelta !== undefined ? `${(d.tolerance * 100).toFixed(0)}%` : `${(d.tolerance * 100).toFixed(1)} pt`,
      formatStatus(d),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  const out = [`baseline: ${comparison.baseline?.ref ?? 'none'}`, ...lines];
  if (comparison.tests !== undefined && comparison.confidence !== undefined) {
    const each = comparison.tests > 0 ? 1 - (1 - comparison.confidence) / comparison.tests : comparison.confidence;
    out.push(
      `${comparison.tests} dimensions tested at family-wise confidence ${pct(comparison.confidence)} ` +
        `(each interval ${pct(each)}, Bonferroni); a regression must be outside its interval and beyond its tolerance`,
    );
  }
  if (comparison.note) out.push(`note: ${comparison.note}`);
  for (const [name, d] of entries) if (d.note) out.push(`  ${name}: ${d.note}`);
  return out.join('\n');
}

function pct(x: number): string {
  return `${(x * 100).toFixed(2).replace(/\.?0+$/, '')}%`;
}
