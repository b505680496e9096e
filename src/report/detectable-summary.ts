import { escapeInline } from './escape.ts';
import type { DetectableRow, DetectableSection } from './schema.ts';

function figure(row: DetectableRow, value: number): string {
  if (row.kind === 'quality') return `${(value * 100).toFixed(1)} pts`;
  return `${row.kind === 'throughput' ? '−' : '+'}${(value * 100).toFixed(value < 0.1 ? 1 : 0)}%`;
}

function needed(row: DetectableRow): string {
  if (!row.needed) return '';
  const target = row.kind === 'quality' ? `${(row.needed.change * 100).toFixed(0)} pts` : `${(row.needed.change * 100).toFixed(0)}%`;
  return row.needed.units === null ? `${target}: never (within tolerance)` : `${target}: ${row.needed.units}`;
}

/**
 * The job-summary section "What this run could catch": each dimension's minimum detectable effect
 * next to its tolerance, and what the target regression would need. Dimension names come from the
 * dataset, so every cell is escaped.
 */
export function detectableMarkdown(section: DetectableSection): string {
  const rows = section.rows.map((r) => {
    const spread = r.kind === 'quality' ? `${(r.spread.value * 100).toFixed(1)}% of items change between runs (${r.spread.source})` : `${r.spread.source} spread`;
    const mde = r.mde === null ? (r.note ? escapeInline(r.note, 120) : 'none') : figure(r, r.mde);
    return `| ${escapeInline(r.dimension, 80)} | ${r.units} | ${figure(r, r.tolerance).replace(/^[+−]/, '')} | ${mde} | ${needed(r)} | ${spread} |`;
  });
  return [
    '### What this run could catch',
    '',
    `Smallest regression the gate flags in ${(section.power * 100).toFixed(0)}% of runs at ${(section.confidence * 100).toFixed(0)}% family-wise confidence (${section.tests} dimensions, Bonferroni); never below the tolerance. \`llm-gate plan\` sizes a suite before a run.`,
    '',
    '| Dimension | Items / requests | Tolerance | Smallest caught | Needed for | Spread |',
    '| --- | ---: | ---: | ---: | --- | --- |',
    ...rows,
  ].join('\n');
}
