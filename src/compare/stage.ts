import type { GateConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import type { Comparison, Reason, Report } from '../report/schema.ts';
import { createStore } from '../store/create.ts';
import { baselineKeyForRun, type RunContext } from '../store/policy.ts';
import type { StoredRef } from '../store/types.ts';
import { resolveBaseline, type BaselineResolution } from './baseline.ts';
import { compareReports } from './compare.ts';
import { detectableForReport, type DetectableSection } from './detectable.ts';

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

/** The comparison section: per-dimension statistics, or the note saying why there is no baseline. */
export function compareWithBaseline(config: GateConfig, lookup: BaselineLookup, candidate: Report): Comparison | null {
  const resolution = lookup.resolution;
  if (!resolution) return null;
  if (!resolution.baseline) return { baseline: null, note: resolution.note, dimensions: {} };
  const { report, ref, sha256 } = resolution.baseline;
  return compareReports(report, candidate, config.compare, { baselineRef: ref, ...(sha256 ? { baselineSha256: sha256 } : {}) });
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
  const key = baselineKeyForRun(report, context);
  if (!key) return null;
  const stored = await createStore(config.compare, env).write(report, key);
  logger.info(`stored this report as the baseline for ${key.kind} ${key.name} (${stored.location})`);
  return stored;
}
