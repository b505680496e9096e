import type { GateConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import type { Comparison, Reason, Report } from '../report/schema.ts';
import { createStore } from '../store/create.ts';
import { baselineKeyForRun, type RunContext } from '../store/policy.ts';
import type { StoredRef } from '../store/types.ts';
import { BaselineError, resolveBaseline } from './baseline.ts';
import { compareReports } from './compare.ts';

export interface CompareStageResult {
  comparison: Comparison | null;
  /** The gate could not compare although it should have: required baseline missing, unreadable, bad store. */
  error?: Reason;
}

/**
 * Finds the baseline (a file, or the previous tag's report in the store) and compares. No
 * baseline on a first run is a note, not an error, unless compare.requireBaseline is set.
 */
export async function compareWithBaseline(config: GateConfig, candidate: Report, logger: Logger): Promise<CompareStageResult> {
  const c = config.compare;
  if (c.baseline === 'none') return { comparison: null };
  try {
    const store = createStore(c);
    const resolution = await resolveBaseline({
      spec: c.baseline,
      store,
      candidateTag: config.tag,
      branch: c.branch,
      required: c.requireBaseline,
    });
    logger.info(resolution.note);
    if (!resolution.baseline) return { comparison: { baseline: null, note: resolution.note, dimensions: {} } };
    const { report, ref, sha256 } = resolution.baseline;
    return { comparison: compareReports(report, candidate, c, { baselineRef: ref, ...(sha256 ? { baselineSha256: sha256 } : {}) }) };
  } catch (err) {
    const message = err instanceof BaselineError || err instanceof Error ? err.message : String(err);
    return { comparison: null, error: { dimension: 'baseline', message } };
  }
}

/** Stores a passing report as the next baseline where the run's context allows it (see store/policy.ts). */
export async function publishBaseline(config: GateConfig, report: Report, context: RunContext, logger: Logger): Promise<StoredRef | null> {
  if (!config.compare.publish) return null;
  const key = baselineKeyForRun(report, context);
  if (!key) return null;
  const stored = await createStore(config.compare).write(report, key);
  logger.info(`stored this report as the baseline for ${key.kind} ${key.name} (${stored.location})`);
  return stored;
}
