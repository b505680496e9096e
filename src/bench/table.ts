import type { BenchRun } from '../report/schema.ts';
import type { StepProgress } from './load.ts';

const COLUMNS = [
  ['step', 30],
  ['ok/sent', 9],
  ['TTFT p50', 9],
  ['p99', 8],
  ['TPOT p50', 9],
  ['p99', 7],
  ['ITL p99', 8],
  ['E2E p50', 8],
  ['tok/s', 8],
  ['req/s', 7],
  ['goodput', 8],
  ['errors', 0],
] as const;

const cell = (text: string, width: number, i: number) => (i === 0 ? text.padEnd(width) : width === 0 ? text : text.padStart(width));

export function tableHeader(): string {
  return COLUMNS.map(([name, width], i) => cell(name, width, i)).join(' ');
}

/** One line per step, latencies in ms; `errors` names the failure kinds so a reader knows what broke. */
export function tableRow(r: BenchRun): string {
  const ms = (v: number, digits = 1) => (r.ok === 0 ? '-' : v.toFixed(digits));
  const kinds = Object.entries(r.errorsByKind)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  const values = [
    r.profile,
    `${r.ok}/${r.requests}`,
    ms(r.ttftMs.p50),
    ms(r.ttftMs.p99),
    ms(r.tpotMs.p50, 2),
    ms(r.tpotMs.p99, 2),
    ms(r.itlMs.p99),
    ms(r.e2eMs.p50, 0),
    r.outputTokensPerSec.toFixed(0),
    r.requestsPerSec.toFixed(2),
    r.goodput ? `${(r.goodput.ratio * 100).toFixed(0)}%` : '-',
    r.errors === 0 ? '0' : `${r.errors} (${kinds})${r.stopped ? `; stopped: ${r.stopped.reason}` : ''}`,
  ];
  return values.map((v, i) => cell(v, COLUMNS[i]![1], i)).join(' ');
}

/**
 * Seconds left in a step: the request bound at the rate seen so far, the duration bound, or the
 * sooner of both. Null until there is a rate to extrapolate from.
 */
export function etaSeconds(p: StepProgress): number | null {
  const estimates: number[] = [];
  if (p.durationS !== null) estimates.push(Math.max(0, p.durationS - p.elapsedS));
  if (p.requests !== null && p.done > 0 && p.elapsedS > 0) estimates.push(((p.requests - p.done) * p.elapsedS) / p.done);
  return estimates.length === 0 ? null : Math.min(...estimates);
}
