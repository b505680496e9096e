import type { GateConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import type { Acceptance, Comparison, DetectableSection, Identity, Reason, Report } from '../report/schema.ts';
import { createStore } from '../store/create.ts';
import { baselineKeyForRun, type RunContext } from '../store/policy.ts';
import type { StoredRef } from '../store/types.ts';
import { describeDifferences, identityDifferences, identityOfReport } from '../report/identity.ts';
import { applyAcceptance } from './acceptance.ts';
import { resolveBaseline, type BaselineResolution } from './baseline.ts';
import { compareReports } from './compare.ts';
import { datasetChangedMessage } from './dimensions.ts';
import { detectableForReport } from './detectable.ts';

export interface BaselineLookup {
  resolution: BaselineResolution | null;
  /** The gate cannot compare although it should: required baseline missing, unreadable, bad store, another identity. */
  error?: Reason;
}

function reason(err: unknown): Reason {
  return { dimension: 'baseline', message: err instanceof Error ? err.message : String(err) };
}

/**
 * Before anything boots, so a baseline that cannot be had costs no GPU minutes: a baseline file must be
 * readable, the store reachable, and a required baseline present in it. A baseline file's dataset is
 * checked against the loaded one here too, since both hashes are known (a store's baseline depends on
 * the identity line, known after readiness, and is checked then). Undefined when all is well.
 */
export async function checkBaseline(
  config: GateConfig,
  env: NodeJS.ProcessEnv = process.env,
  dataset?: { name: string; version: string; sha256: string },
): Promise<Reason | undefined> {
  const c = config.compare;
  if (c.baseline === 'none') return undefined;
  try {
    if (c.baseline !== 'auto') {
      const found = await resolveBaseline({ spec: c.baseline, store: createStore(c, env), required: true });
      const theirs = found.baseline?.report.quality?.dataset;
      const allowed = c.allowDatasetChange || c.allowChange.includes('dataset');
      if (dataset && theirs && !allowed && theirs.sha256 !== dataset.sha256) {
        return { dimension: 'quality.dataset', message: `${datasetChangedMessage(theirs, dataset)} (found before booting the target)` };
      }
      return undefined;
    }
    const refs = await createStore(c, env).list();
    if (refs.length === 0 && c.requireBaseline) {
      return { dimension: 'baseline', message: `no baseline in ${createStore(c, env).name}, and compare.requireBaseline is set` };
    }
    return undefined;
  } catch (err) {
    return reason(err);
  }
}

/**
 * The baseline for this candidate, once its identity is known (after readiness): the previous tag's report
 * of the candidate's own identity line from the store, or the given file. A report of another model or GPU
 * found by `auto` (a store written before lines existed) is no baseline for this line: a first run, said
 * so. Any other difference that matters (engine major version, dataset; for a file, model and GPU too) is
 * refused with an error naming the field and the override, never compared silently.
 */
export async function findBaseline(config: GateConfig, identity: Identity, logger: Logger, env: NodeJS.ProcessEnv = process.env): Promise<BaselineLookup> {
  const c = config.compare;
  if (c.baseline === 'none') return { resolution: null };
  let resolution: BaselineResolution;
  try {
    resolution = await resolveBaseline({
      spec: c.baseline,
      store: createStore(c, env),
      candidateTag: config.tag,
      branch: c.branch,
      required: c.requireBaseline,
      line: identity.line,
    });
  } catch (err) {
    return { resolution: null, error: reason(err) };
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

/** The comparison section: per-dimension statistics, or the note saying why there is no baseline. */
export function compareWithBaseline(config: GateConfig, lookup: BaselineLookup, candidate: Report): Comparison | null {
  const resolution = lookup.resolution;
  if (!resolution) return null;
  if (!resolution.baseline) return { baseline: null, note: resolution.note, dimensions: {} };
  const { report, ref, sha256 } = resolution.baseline;
  // An allowed dataset change compares the items both versions share, as compare.allowDatasetChange does.
  const compare = config.compare.allowChange.includes('dataset') ? { ...config.compare, allowDatasetChange: true } : config.compare;
  return compareReports(report, candidate, compare, { baselineRef: ref, ...(sha256 ? { baselineSha256: sha256 } : {}) });
}

/** compare.accept applied to the comparison: covered regressions become accepted, and the record says so. */
export function acceptRegressions(config: GateConfig, comparison: Comparison | null): { comparison: Comparison | null; acceptance?: Acceptance } {
  if (!comparison || config.compare.accept.length === 0) return { comparison };
  return applyAcceptance(comparison, config.compare.accept);
}

/**
 * What this run could have caught (minimum detectable effects per dimension), for report.extras:
 * from its own samples and the baseline's when there is one. Undefined when nothing was measured.
 */
export function detectableSection(config: GateConfig, lookup: BaselineLookup, report: Report): DetectableSection | undefined {
  if (!report.quality && !report.performance) return undefined;
  return detectableForReport(report, lookup.resolution?.baseline?.report ?? null, config.compare);
}

/** Stores a passing report as the next baseline where the run's context allows it (see store/policy.ts). */
export async function publishBaseline(
  config: GateConfig,
  report: Report,
  context: RunContext,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<StoredRef | null> {
  if (!config.compare.publish) return null;
  const found = baselineKeyForRun(report, context);
  if (!found) return null;
  const key = report.identity ? { ...found, line: report.identity.line } : found;
  const stored = await createStore(config.compare, env).write(report, key);
  logger.info(`stored this report as the baseline for ${key.kind} ${key.name}${key.line !== undefined ? ` of line ${key.line}` : ''} (${stored.location})`);
  return stored;
}
