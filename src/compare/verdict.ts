import type { z } from 'zod';
import { missedFloor } from '../config/floors.ts';
import type { sloSchema } from '../config/schema.ts';
import type { BenchRun, Comparison, Quality, Readiness, Reason, Verdict } from '../report/schema.ts';
import { describeDimension } from './format.ts';

/**
 * The verdict: every rule that decides pass, fail or error lives here (readiness, bench endings,
 * quality floors, latency SLOs and the error budget, comparison regressions and acceptance,
 * production-readiness failures), and nowhere else. Pure.
 */

/** Latency bounds (ms) and the error budget (a share, 0..1) of a bench step: bench.slo. */
export type Slo = z.infer<typeof sloSchema>;

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
  /** Reasons from other checks that fail the gate (production readiness: image hygiene, probes). */
  failures?: Reason[];
}

const SLO_CHECKS: { key: keyof Slo; metric: 'ttftMs' | 'tpotMs' | 'e2eMs'; stat: 'p50' | 'p99'; label: string }[] = [
  { key: 'ttftP50Ms', metric: 'ttftMs', stat: 'p50', label: 'TTFT p50' },
  { key: 'ttftP99Ms', metric: 'ttftMs', stat: 'p99', label: 'TTFT p99' },
  { key: 'tpotP50Ms', metric: 'tpotMs', stat: 'p50', label: 'TPOT p50' },
  { key: 'tpotP99Ms', metric: 'tpotMs', stat: 'p99', label: 'TPOT p99' },
  { key: 'e2eP99Ms', metric: 'e2eMs', stat: 'p99', label: 'E2E p99' },
];

/** Dimensions below their floor (the config's, else the dataset's), one reason each. */
export function qualityReasons(quality: Quality | null, thresholds: Record<string, number>): Reason[] {
  return Object.entries(quality?.dimensions ?? {}).flatMap(([name, dim]): Reason[] => {
    const floor = missedFloor(dim, thresholds[name]);
    return floor === undefined ? [] : [{ dimension: `quality.${name}`, message: `score ${dim.score.toFixed(3)} is below the floor ${floor} (${dim.n} items)` }];
  });
}

/** Bench steps over their error budget or latency SLOs, one reason each; a step with no answer has no latencies to hold. */
export function sloReasons(runs: BenchRun[], slo: Slo): Reason[] {
  const reasons: Reason[] = [];
  for (const run of runs) {
    const rate = run.requests > 0 ? run.errors / run.requests : 0;
    if (slo.maxErrorRate !== undefined && rate > slo.maxErrorRate) {
      const kinds = Object.entries(run.errorsByKind).map(([k, n]) => `${n} ${k}`).join(', ');
      reasons.push({
        dimension: `perf.${run.profile}.errors`,
        message: `${run.errors} of ${run.requests} requests failed (${(rate * 100).toFixed(1)}% > ${(slo.maxErrorRate * 100).toFixed(1)}%): ${kinds}`,
      });
    }
    if (run.ok === 0) continue;
    for (const c of SLO_CHECKS) {
      const bound = slo[c.key];
      const value = run[c.metric][c.stat];
      if (bound !== undefined && value > bound) {
        reasons.push({ dimension: `perf.${run.profile}.slo.${c.key}`, message: `${c.label} ${value.toFixed(1)} ms exceeds the SLO ${bound} ms` });
      }
    }
  }
  return reasons;
}

/** Which SLOs one bench step missed, as messages (a saturation probe's judgement); a step with no success misses them all. */
export function sloMisses(run: BenchRun, slo: Slo): string[] {
  if (run.ok === 0) return ['no request succeeded'];
  return sloReasons([run], slo).map((r) => r.message);
}

/** One reason per regressed dimension nobody accepted, with baseline, candidate, delta, interval and tolerance. */
export function regressionReasons(comparison: Comparison): Reason[] {
  return Object.entries(comparison.dimensions)
    .filter(([, d]) => d.regressed && d.accepted !== true)
    .map(([name, d]) => ({ dimension: name, message: describeDimension(d) }));
}

/**
 * The comparison's share of the verdict: `error` when a part could not be compared at all (the
 * dataset changed: fail closed, never a silent pass), `fail` when any dimension regressed.
 */
export function verdictFromComparison(comparison: Comparison): { verdict: Verdict; reasons: Reason[] } {
  const problems = comparison.problems ?? [];
  const regressions = regressionReasons(comparison);
  const verdict: Verdict = problems.length > 0 ? 'error' : regressions.length > 0 ? 'fail' : 'pass';
  return { verdict, reasons: [...problems, ...regressions] };
}

/** Why a run has no trustworthy answer: a target never ready, a server gone mid-step, a step where every request failed. */
function endingErrors(readiness: Readiness | null, runs: BenchRun[]): Reason[] {
  const errors: Reason[] = [];
  if (readiness && !readiness.ready) errors.push({ dimension: 'readiness', message: readiness.lastError ?? 'the target never became ready' });
  for (const run of runs) {
    // A server that went away mid-step (a url target has no exit to watch) is no latency result.
    if (run.stopped?.reason === 'server-unreachable') {
      errors.push({ dimension: `perf.${run.profile}`, message: `the server stopped answering: ${run.stopped.message}` });
      continue;
    }
    if (run.requests > 0 && run.ok === 0) {
      errors.push({ dimension: `perf.${run.profile}`, message: `all ${run.requests} requests failed: ${Object.entries(run.errorsByKind).map(([k, n]) => `${n} ${k}`).join(', ')}` });
    }
  }
  return errors;
}

/** Combines every stage's outcome into the verdict: error beats fail beats pass. */
export function decideVerdict(i: VerdictInputs): { verdict: Verdict; reasons: Reason[] } {
  const compared = i.comparison ? verdictFromComparison(i.comparison) : { verdict: 'pass' as const, reasons: [] };
  // A part that could not be compared at all (dataset changed) is an error: never a silent pass.
  const errors = [...i.errors, ...endingErrors(i.readiness, i.runs), ...(compared.verdict === 'error' ? compared.reasons : [])];
  if (errors.length > 0) return { verdict: 'error', reasons: errors };
  const reasons = [...qualityReasons(i.quality, i.thresholds), ...sloReasons(i.runs, i.slo), ...(i.failures ?? []), ...compared.reasons];
  return { verdict: reasons.length > 0 ? 'fail' : 'pass', reasons };
}
