import type { StepDecider } from '../bench/sweep.ts';
import { applyAcceptance } from '../compare/acceptance.ts';
import { compareReports } from '../compare/compare.ts';
import { detectableForReport } from '../compare/detectable.ts';
import { datasetChangedMessage } from '../compare/dimensions.ts';
import { lookAtStep } from '../compare/sequential.ts';
import type { GateConfig } from '../config/schema.ts';
import { describeDifferences, identityDifferences, identityOfReport } from '../report/identity.ts';
import { errorText, type Logger } from '../log.ts';
import type { Acceptance, Comparison, DetectableSection, Identity, Reason, Report } from '../report/schema.ts';
import { BaselineError, findBaseline, preflightBaseline, publishReport, type BaselineResolution } from '../store/baseline.ts';
import type { Environment } from '../store/create.ts';
import type { RunContext } from '../store/policy.ts';

export interface BaselineLookup {
  resolution: BaselineResolution | null;
  /** The gate cannot compare although it should: required baseline missing, unreadable, bad store, another identity. */
  error?: Reason;
}

/** The comparison's share of the report: the section, the acceptances applied to it, and what the run could have caught. */
export interface ComparisonSection {
  comparison: Comparison | null;
  acceptance?: Acceptance;
  detectable?: DetectableSection;
}

/**
 * Before anything boots, so that a baseline that cannot be had costs no GPU minutes: the baseline must be
 * obtainable (store/baseline.ts preflightBaseline), and a baseline file's dataset the loaded one (both hashes
 * are known here; a store's baseline depends on the identity line and is checked after readiness).
 * Undefined when all is well; else the reason, and whether it is the user's to fix (a report file they named
 * that cannot be read: exit 2).
 */
export async function checkBaseline(config: GateConfig, env: Environment, dataset?: { name: string; version: string; sha256: string }): Promise<{ reason: Reason; usage: boolean } | undefined> {
  const c = config.compare;
  try {
    const theirs = (await preflightBaseline(c, env))?.quality?.dataset;
    const allowed = c.allowDatasetChange || c.allowChange.includes('dataset');
    if (dataset && theirs && !allowed && theirs.sha256 !== dataset.sha256) {
      return { reason: { dimension: 'quality.dataset', message: `${datasetChangedMessage(theirs, dataset)} (found before booting the target)` }, usage: false };
    }
    return undefined;
  } catch (err) {
    // A report file the user named that cannot be read is theirs to fix; a store that fails is the run's.
    const named = c.baseline !== 'auto' && c.baseline !== 'none' && err instanceof BaselineError;
    return { reason: { dimension: 'baseline', message: errorText(err) }, usage: named };
  }
}

/**
 * The baseline for this candidate, once its identity is known (after readiness): the previous tag's report
 * of the candidate's own identity line from the store, or the given file. A report of another model or GPU
 * found by `auto` (a store written before lines existed) is no baseline for this line: a first run, said
 * so. Any other difference that matters (engine major version, dataset; for a file, model and GPU too) is
 * refused with an error naming the field and the override, never compared silently.
 */
export async function lookupBaseline(config: GateConfig, identity: Identity, env: Environment, logger: Logger): Promise<BaselineLookup> {
  const c = config.compare;
  if (c.baseline === 'none') return { resolution: null };
  let resolution: BaselineResolution;
  try {
    resolution = await findBaseline(c, { ...(config.tag !== undefined ? { tag: config.tag } : {}), line: identity.line }, env);
  } catch (err) {
    return { resolution: null, error: { dimension: 'baseline', message: errorText(err) } };
  }
  const found = resolution.baseline;
  if (found) {
    const theirs = identityOfReport(found.report);
    const allowed = [...c.allowChange, ...(c.allowDatasetChange ? (['dataset'] as const) : [])];
    if (c.baseline === 'auto' && theirs.line !== identity.line && !allowed.includes('model') && !allowed.includes('gpu')) {
      const note = `the store's ${found.ref} measured another line (${theirs.line}); no baseline for identity line ${identity.line}: first run of this line, passes on absolute thresholds only`;
      if (c.requireBaseline) return { resolution: null, error: { dimension: 'baseline', message: `${note}, and compare.requireBaseline is set` } };
      logger.info(note);
      return { resolution: { baseline: null, note } };
    }
    const diffs = identityDifferences(theirs, identity, allowed);
    if (diffs.length > 0) return { resolution: null, error: { dimension: 'baseline', message: describeDifferences(found.ref, diffs) } };
  }
  logger.info(resolution.note);
  return { resolution };
}

/**
 * For bench.sequential: the judge of a step's samples so far against the baseline's step of the same
 * profile (compare/sequential.ts lookAtStep); undefined without a baseline report.
 */
export function stepDecider(config: GateConfig, lookup: BaselineLookup): ((profile: string) => StepDecider | null) | undefined {
  const baseline = lookup.resolution?.baseline?.report;
  if (!baseline) return undefined;
  const seq = config.bench.sequential;
  return (profile) => {
    const baselineRun = baseline.performance?.runs.find((r) => r.profile === profile);
    if (!baselineRun) return null;
    return (runSoFar, looks) => lookAtStep(baselineRun, runSoFar, config.compare, looks, { stopOnRegression: seq.stopOnRegression, waitForTails: seq.waitForTails });
  };
}

/**
 * The comparison section: per-dimension statistics against the baseline (or the note saying why there is
 * none) with compare.accept applied, only when the run is trustworthy (`compare`); and, whatever the run,
 * what it could have caught (minimum detectable effects, from its own samples and the baseline's).
 */
export function compareSection(config: GateConfig, lookup: BaselineLookup, candidate: Report, compare: boolean, logger: Logger): ComparisonSection {
  const compared = compare ? accept(config, comparisonWith(config, lookup, candidate)) : { comparison: null };
  if (compared.acceptance) {
    for (const a of compared.acceptance.accepted) logger.warn(`accepted regression ${a.dimension}: ${a.reason}${a.source ? ` (${a.source})` : ''}`);
    if (compared.acceptance.unmatched.length > 0) logger.warn(`accept: ${compared.acceptance.unmatched.join(', ')} matched no regressed dimension`);
  }
  const detectable = candidate.quality || candidate.performance ? detectableForReport({ ...candidate, comparison: compared.comparison }, lookup.resolution?.baseline?.report ?? null, config.compare) : undefined;
  return { ...compared, ...(detectable ? { detectable } : {}) };
}

function comparisonWith(config: GateConfig, lookup: BaselineLookup, candidate: Report): Comparison | null {
  const resolution = lookup.resolution;
  if (!resolution) return null;
  if (!resolution.baseline) return { baseline: null, note: resolution.note, dimensions: {} };
  const { report, ref, sha256 } = resolution.baseline;
  // An allowed dataset change compares the items both versions share, as compare.allowDatasetChange does.
  const compare = config.compare.allowChange.includes('dataset') ? { ...config.compare, allowDatasetChange: true } : config.compare;
  return compareReports(report, candidate, compare, { baselineRef: ref, ...(sha256 ? { baselineSha256: sha256 } : {}) });
}

/** compare.accept applied to the comparison: covered regressions become accepted, and the record says so. */
function accept(config: GateConfig, comparison: Comparison | null): { comparison: Comparison | null; acceptance?: Acceptance } {
  if (!comparison || config.compare.accept.length === 0) return { comparison };
  return applyAcceptance(comparison, config.compare.accept);
}

/**
 * Stores a passing report as the next baseline where the run's context allows it (store/policy.ts).
 * Never throws: the verdict stands, and a store that cannot be written is the release pipeline's to notice.
 */
export async function publishBaseline(config: GateConfig, report: Report, context: RunContext, env: Environment, logger: Logger): Promise<void> {
  try {
    const stored = await publishReport(config.compare, report, context, env);
    if (stored) logger.info(`stored this report as the baseline for ${stored.kind} ${stored.name}${stored.line !== undefined ? ` of line ${stored.line}` : ''} (${stored.location})`);
  } catch (err) {
    logger.warn(`could not store the baseline: ${errorText(err)}`);
  }
}
