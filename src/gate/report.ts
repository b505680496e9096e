import type { BenchResult } from '../bench/sweep.ts';
import { decideVerdict } from '../compare/verdict.ts';
import type { GateConfig } from '../config/schema.ts';
import { EXIT, type ExitCode } from '../exit-codes.ts';
import { REPORT_SCHEMA_VERSION, type Quality, type Reason, type Report, type Verdict } from '../report/schema.ts';
import type { SecretMask } from '../secrets/mask.ts';
import { TOOL_VERSION } from '../version.ts';
import type { ComparisonSection } from './compare.ts';
import type { ProductionFindings } from './production.ts';
import type { Measured, TargetSection } from './target.ts';

/** The measuring steps' sections a report holds. */
export interface Measurements extends Measured {
  quality: Quality | null;
  bench?: BenchResult;
}

/**
 * The report before the verdict (verdict `error`, no reasons, no comparison): every section the
 * stages returned, which the comparison then reads as its candidate.
 */
export function measuredReport(config: GateConfig, target: TargetSection<Measurements>, production: ProductionFindings): Report {
  const { engine, model } = target;
  const bench = target.measured?.bench;
  const runs = bench?.runs ?? [];
  const extras = { ...production.extras, ...target.extras, ...(engine ? { engine } : {}), ...(bench?.capacity ? { capacity: bench.capacity } : {}) };
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'llm-gate', version: TOOL_VERSION },
    subject: { ...target.subject, ...(model ? { model } : {}), ...(engine ? { engine: engine.engine } : {}), ...(config.tag ? { tag: config.tag } : {}), finishedAt: new Date().toISOString() },
    verdict: 'error',
    reasons: [],
    readiness: target.readiness,
    quality: target.measured?.quality ?? null,
    performance: runs.length > 0 ? { runs, ...(bench?.server ? { server: bench.server } : {}), ...(bench?.gpu ? { gpu: bench.gpu } : {}) } : null,
    comparison: null,
    ...(target.identity ? { identity: target.identity } : {}),
    ...(Object.keys(extras).length > 0 ? { extras } : {}),
  };
}

/**
 * The finished report: the verdict of every rule (compare/verdict.ts) over the measured report, its
 * comparison and the reasons the run cannot be trusted, with every secret masked.
 */
export function decidedReport(config: GateConfig, measured: Report, compared: ComparisonSection, errors: Reason[], failures: Reason[], mask: SecretMask): Report {
  const decided = decideVerdict({
    readiness: measured.readiness,
    quality: measured.quality,
    runs: measured.performance?.runs ?? [],
    comparison: compared.comparison,
    thresholds: config.thresholds,
    slo: config.bench.slo,
    errors,
    failures,
  });
  return mask.maskDeep({
    ...measured,
    verdict: decided.verdict,
    reasons: decided.reasons,
    comparison: compared.comparison,
    ...(compared.acceptance ? { acceptance: compared.acceptance } : {}),
    ...(compared.detectable ? { extras: { ...measured.extras, detectable: compared.detectable } } : {}),
  });
}

/** The process exit code: usage (2) for a broken dataset or config, else the verdict's (pass 0, fail 1, error 3). */
export function exitCodeOf(verdict: Verdict, usage: boolean): ExitCode {
  if (usage) return EXIT.usage;
  return verdict === 'pass' ? EXIT.pass : verdict === 'fail' ? EXIT.fail : EXIT.error;
}
