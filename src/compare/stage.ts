import type { GateConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import type { Comparison, Reason, Report } from '../report/schema.ts';
import { createStore } from '../store/create.ts';
import { baselineKeyForRun, type RunContext } from '../store/policy.ts';
import type { StoredRef } from '../store/types.ts';
import { resolveBaseline, type BaselineResolution } from './baseline.ts';
import { compareReports } from './compare.ts';
import { datasetChangedMessage } from './dimensions.ts';

export interface BaselineLookup {
  resolution: BaselineResolution | null;
  /** The gate cannot compare although it should: required baseline missing, unreadable, bad store. */
  error?: Reason;
}

/**
 * Finds the baseline (a file, or the previous tag's report in the store) before anything boots,
 * so a required baseline that is missing costs no GPU minutes. No baseline on a first run is a
 * note, not an error, unless compare.requireBaseline is set.
 */
export async function findBaseline(config: GateConfig, logger: Logger, env: NodeJS.ProcessEnv = process.env): Promise<BaselineLookup> {
  const c = config.compare;
  if (c.baseline === 'none') return { resolution: null };
  try {
    const resolution = await resolveBaseline({
      spec: c.baseline,
      store: createStore(c, env),
      candidateTag: config.tag,
      branch: c.branch,
      required: c.requireBaseline,
    });
    logger.info(resolution.note);
    return { resolution };
  } catch (err) {
    return { resolution: null, error: { dimension: 'baseline', message: err instanceof Error ? err.message : String(err) } };
  }
}

/**
 * The baseline's dataset against the one loaded, before anything boots: both hashes are known, so a
 * comparison the verdict would refuse anyway costs no GPU minutes. Null when they match, when the
 * baseline has no quality section, or when compare.allowDatasetChange permits the change.
 */
export function datasetChangeBeforeBoot(config: GateConfig, lookup: BaselineLookup, dataset: { name: string; version: string; sha256: string }): Reason | null {
  const baselineDataset = lookup.resolution?.baseline?.report.quality?.dataset;
  if (!baselineDataset || config.compare.allowDatasetChange || baselineDataset.sha256 === dataset.sha256) return null;
  return { dimension: 'quality.dataset', message: `${datasetChangedMessage(baselineDataset, dataset)} (found before booting the target)` };
}

/** The comparison section: per-dimension statistics, or the note saying why there is no baseline. */
export function compareWithBaseline(config: GateConfig, lookup: BaselineLookup, candidate: Report): Comparison | null {
  const resolution = lookup.resolution;
  if (!resolution) return null;
  if (!resolution.baseline) return { baseline: null, note: resolution.note, dimensions: {} };
  const { report, ref, sha256 } = resolution.baseline;
  return compareReports(report, candidate, config.compare, { baselineRef: ref, ...(sha256 ? { baselineSha256: sha256 } : {}) });
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
  const key = baselineKeyForRun(report, context);
  if (!key) return null;
  const stored = await createStore(config.compare, env).write(report, key);
  logger.info(`stored this report as the baseline for ${key.kind} ${key.name} (${stored.location})`);
  return stored;
}
