import { missedFloor } from '../config/floors.ts';
import type { DimensionResult, Quality, Reason } from '../report/schema.ts';
import { stripControl, truncate } from '../report/escape.ts';

/** Dimensions below their dataset threshold, by the gate's quality-floor rule (config/floors.ts), for `llm-gate eval`. */
export function qualityFailures(quality: Quality): Reason[] {
  return Object.entries(quality.dimensions).flatMap(([dimension, d]): Reason[] => {
    const floor = missedFloor(d);
    return floor === undefined ? [] : [{ dimension, message: `score ${d.score.toFixed(3)} is below the threshold ${floor}` }];
  });
}

function status(d: DimensionResult): string {
  if (d.calibration && !d.calibration.trusted) return `not gated: judge untrusted (${d.calibration.note ?? 'below floor'})`;
  if (d.threshold === undefined) return '-';
  return missedFloor(d) === undefined ? 'pass' : 'FAIL';
}

/** A plain-text per-dimension table with the failing items under it, for a terminal. Model text is stripped of control characters. */
export function formatQualityTable(quality: Quality, maxFailuresPerDimension = 5): string {
  const names = Object.keys(quality.dimensions);
  const width = Math.max(9, ...names.map((n) => n.length));
  const lines = [`${'dimension'.padEnd(width)}  score      n  threshold  status`];
  for (const [name, d] of Object.entries(quality.dimensions)) {
    const threshold = d.threshold === undefined ? '-' : d.threshold.toFixed(2);
    lines.push(`${name.padEnd(width)}  ${d.score.toFixed(3)}  ${String(d.n).padStart(5)}  ${threshold.padEnd(9)}  ${status(d)}`);
  }
  for (const [name, d] of Object.entries(quality.dimensions)) {
    const failing = d.items.filter((i) => i.score < 1);
    if (failing.length === 0 && !d.calibration && !d.judge) continue;
    lines.push('', `${name}:`);
    if (d.judge) lines.push(`  judge ${d.judge.model}, prompt sha256 ${d.judge.promptSha256.slice(0, 12)}`);
    if (d.calibration) {
      const c = d.calibration;
      const kappa = c.kappa === null ? 'undefined' : c.kappa.toFixed(2);
      lines.push(`  calibration: ${c.n} human labels, accuracy ${c.accuracy.toFixed(2)}, kappa ${kappa} (floor ${c.floor.kappa}): ${c.trusted ? 'trusted' : 'NOT trusted'}`);
    }
    for (const item of failing.slice(0, maxFailuresPerDimension)) {
      const why = stripControl(item.error ?? item.reason ?? '').replace(/\s+/g, ' ');
      lines.push(`  ${item.score.toFixed(2)}  ${item.id}${item.line ? ` (line ${item.line})` : ''}: ${truncate(why, 160)}`);
    }
    if (failing.length > maxFailuresPerDimension) lines.push(`  … and ${failing.length - maxFailuresPerDimension} more below 1.0`);
  }
  const { dataset, requests } = quality;
  lines.push('', `dataset ${dataset.name} ${dataset.version}: ${dataset.items} items, sha256 ${dataset.sha256.slice(0, 12)}`);
  if (requests) lines.push(`requests: ${requests.sent} sent, ${requests.retries} retried, ${requests.failed} failed`);
  return lines.join('\n');
}
