import type { Slo } from './bench/metrics.ts';
import { verdictFromComparison } from './compare/verdict.ts';
import type { BenchRun, Comparison, Quality, Readiness, Reason, Verdict } from './report/schema.ts';

export interface VerdictInputs {
  readiness: Readiness | null;
  quality: Quality | null;
  runs: BenchRun[];
  comparison: Comparison | null;
  /** Floors per quality dimension from the config, over those the dataset declares. */
  thresholds: Record<string, number>;
  slo: Slo;
  /** Reasons the gate could not reach a trustworthy answer (internal errors, missing required baseline). */
  errors: Reason[];
  /** Reasons from other checks that fail the gate (image hygiene). */
  failures?: Reason[];
}

const SLO_CHECKS: { key: keyof Slo; metric: 'ttftMs' | 'tpotMs' | 'e2eMs'; stat: 'p50' | 'p99'; label: string }[] = [
  { key: 'ttftP50Ms', metric: 'ttftMs', stat: 'p50', label: 'TTFT p50' },
  { key: 'ttftP99Ms', metric: 'ttftMs', stat: 'p99', label: 'TTFT p99' },
  { key: 'tpotP50Ms', metric: 'tpotMs', stat: 'p50', label: 'TPOT p50' },
  { key: 'tpotP99Ms', metric: 'tpotMs', stat: 'p99', label: 'TPOT p99' },
  { key: 'e2eP99Ms', metric: 'e2eMs', stat: 'p99', label: 'E2E p99' },
];

/** Absolute checks that hold with or without a baseline: quality floors and latency SLOs. */
export function absoluteReasons(i: Pick<VerdictInputs, 'quality' | 'runs' | 'thresholds' | 'slo'>): Reason[] {
  const reasons: Reason[] = [];
  for (const [name, dim] of Object.entries(i.quality?.dimensions ?? {})) {
    const floor = i.thresholds[name] ?? dim.threshold;
    // A judge that disagrees with the human labels beyond its floor is reported, never gated on.
    if (dim.calibration && !dim.calibration.trusted) continue;
    if (floor !== undefined && dim.score < floor) {
      reasons.push({ dimension: `quality.${name}`, message: `score ${dim.score.toFixed(3)} is below the floor ${floor} (${dim.n} items)` });
    }
  }
  for (const run of i.runs) {
    const rate = run.requests > 0 ? run.errors / run.requests : 0;
    if (i.slo.maxErrorRate !== undefined && rate > i.slo.maxErrorRate) {
      const kinds = Object.entries(run.errorsByKind).map(([k, n]) => `${n} ${k}`).join(', ');
      reasons.push({
        dimension: `perf.${run.profile}.errors`,
        message: `${run.errors} of ${run.requests} requests failed (${(rate * 100).toFixed(1)}% > ${(i.slo.maxErrorRate * 100).toFixed(1)}%): ${kinds}`,
      });
    }
    if (run.ok === 0) continue;
    for (const c of SLO_CHECKS) {
      const bound = i.slo[c.key];
      const value = run[c.metric][c.stat];
      if (bound !== undefined && value > bound) {
        reasons.push({ dimension: `perf.${run.profile}.slo.${c.key}`, message: `${c.label} ${value.toFixed(1)} ms exceeds the SLO ${bound} ms` });
      }
    }
  }
  return reasons;
}

/** Combines every stage's outcome into the verdict: error beats fail beats pass. */
export function decideVerdict(i: VerdictInputs): { verdict: Verdict; reasons: Reason[] } {
  const errors = [...i.errors];
  if (i.readiness && !i.readiness.ready) {
    errors.push({ dimension: 'readiness', message: i.readiness.lastError ?? 'the target never became ready' });
  }
  for (const run of i.runs) {
    // A server that went away mid-step (a url target has no exit to watch) is no latency result.
    if (run.stopped?.reason === 'server-unreachable') {
      errors.push({ dimension: `perf.${run.profile}`, message: `the server stopped answering: ${run.stopped.message}` });
      continue;
    }
    if (run.requests > 0 && run.ok === 0) {
      errors.push({ dimension: `perf.${run.profile}`, message: `all ${run.requests} requests failed: ${Object.entries(run.errorsByKind).map(([k, n]) => `${n} ${k}`).join(', ')}` });
    }
  }
  const compared = i.comparison ? verdictFromComparison(i.comparison) : { verdict: 'pass' as const, reasons: [] };
  // A part that could not be compared at all (dataset changed) is an error: never a silent pass.
  if (compared.verdict === 'error') errors.push(...compared.reasons);
  if (errors.length > 0) return { verdict: 'error', reasons: errors };

  const reasons = [...absoluteReasons(i), ...(i.failures ?? []), ...compared.reasons];
  return { verdict: reasons.length > 0 ? 'fail' : 'pass', reasons };
}
