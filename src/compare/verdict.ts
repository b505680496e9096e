import type { Comparison, Reason, Verdict } from '../report/schema.ts';
import { describeDimension } from './format.ts';

/** One reason per regressed dimension nobody accepted, with baseline, candidate, delta, interval and tolerance. */
export function regressionReasons(comparison: Comparison): Reason[] {
  return Object.entries(comparison.dimensions)
    .filter(([, d]) => d.regressed && d.accepted !== true)
    .map(([name, d]) => ({ dimension: name, message: describeDimension(d) }));
}

/**
 * The comparison's share of the verdict: `error` when a part could not be compared at all (the
 * dataset changed: fail closed, never a silent pass), `fail` when any dimension regressed.
 * Absolute thresholds and SLOs are the gate's to add.
 */
export function verdictFromComparison(comparison: Comparison): { verdict: Verdict; reasons: Reason[] } {
  const problems = comparison.problems ?? [];
  const regressions = regressionReasons(comparison);
  const verdict: Verdict = problems.length > 0 ? 'error' : regressions.length > 0 ? 'fail' : 'pass';
  return { verdict, reasons: [...problems, ...regressions] };
}
