import { REPORT_SCHEMA_VERSION, type BenchRun, type Report } from '../report/schema.ts';
import { compareReports, hasEnoughData, type CompareConfig } from './compare.ts';
import { planDimensions } from './dimensions.ts';

export interface Look {
  /**
   * Why sampling can stop: every dimension decided (regressed or within tolerance), or one regressed
   * and stopOnRegression (the gate fails whatever follows); null: sample more.
   */
  stop: 'decided' | 'regressed' | null;
  /** Dimensions whose interval still straddles their tolerance. */
  undecided: string[];
}

/** A report holding one bench run and nothing else: all a look compares. */
function runOnly(run: BenchRun): Report {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'llm-gate', version: 'sequential-look' },
    subject: { startedAt: '', finishedAt: '' },
    verdict: 'pass',
    reasons: [],
    readiness: null,
    quality: null,
    performance: { runs: [run] },
    comparison: null,
  };
}

/**
 * One look of sequential sampling: compares the step's samples so far with the baseline's run of
 * the same profile, with compareReports at the per-look level 1 − (1 − confidence)/(m·looks)
 * (Bonferroni over the m dimensions and the planned looks; the final comparison uses the same
 * level, see compareReports). A dimension is decided when it regressed or its whole interval lies
 * within tolerance on the bad side. Left out of the rule: p99s unless waitForTails (deciding them
 * takes 500 requests, so every passing run would cost the maximum), dimensions the baseline has too
 * little data for (more candidate requests cannot decide them), and the error rate, whose interval
 * at zero errors narrows only as 1/n (its level is checked by the SLO, its change by the final
 * comparison).
 */
export interface LookOptions {
  stopOnRegression: boolean;
  /** Wait for p99 dimensions as well; otherwise they never hold sampling open. */
  waitForTails: boolean;
}

export function lookAtStep(baselineRun: BenchRun, runSoFar: BenchRun, config: CompareConfig, looks: number, options: LookOptions): Look {
  const base = runOnly(baselineRun);
  const comparison = compareReports(base, runOnly(runSoFar), { ...config, confidence: 1 - (1 - config.confidence) / looks });
  const decidable = new Set(
    planDimensions(base, base, { latencyMetrics: config.latencyMetrics, allowDatasetChange: false })
      .dimensions.filter(hasEnoughData)
      .map((d) => d.name),
  );
  const undecided: string[] = [];
  let regressed = false;
  for (const [name, d] of Object.entries(comparison.dimensions)) {
    if (!decidable.has(name) || name.endsWith('.errorRate')) continue;
    if (!options.waitForTails && name.endsWith('.p99')) continue;
    if (d.regressed) {
      regressed = true;
      continue;
    }
    const badUpper = d.ci === null ? Number.POSITIVE_INFINITY : d.direction === 'lower-is-better' ? d.ci[1] : -d.ci[0];
    if (!(badUpper < (d.tolerance ?? 0))) undecided.push(name);
  }
  if (regressed && options.stopOnRegression) return { stop: 'regressed', undecided };
  return { stop: undecided.length === 0 ? 'decided' : null, undecided };
}
