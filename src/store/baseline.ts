import { createHash } from 'node:crypto';
import type { Report } from '../report/schema.ts';
import { createStore, type Environment, type StoreSettings } from './create.ts';
import { baselineKeyForRun, type RunContext } from './policy.ts';
import { readReportFile } from './read-report.ts';
import type { BaselineStore, StoredRef } from './types.ts';
import { compareSemver, parseSemver } from './semver.ts';

/** The compare settings (config.compare) that say where a baseline is looked for and whether one must exist. */
export interface BaselineSettings extends StoreSettings {
  /** `auto` (from the store), `none`, or a path to a report.json. */
  baseline: string;
  requireBaseline: boolean;
  /** The branch a pull request targets. */
  branch?: string;
}

export interface ResolveBaselineOptions {
  /** `auto` (from the store), `none`, or a path to a report.json. */
  spec: string;
  store: BaselineStore;
  /** The candidate's tag: `auto` then takes the previous semver tag before it. */
  candidateTag?: string;
  /** The branch a pull request targets: `auto` then takes that branch's latest report. */
  branch?: string;
  /** A missing baseline is an error instead of a first run. */
  required: boolean;
  /**
   * The candidate's identity line: `auto` looks only at reports of this line, then at reports stored before
   * lines existed (their identity is checked by the caller). Undefined: every report.
   */
  line?: string;
}

export interface ResolvedBaseline {
  report: Report;
  /** How the report names it: `v1.2.0 (local directory …)` or the file path. */
  ref: string;
  sha256?: string;
}

export interface BaselineResolution {
  baseline: ResolvedBaseline | null;
  /** What was looked for and what was found, for the log and the report. */
  note: string;
}

/** No baseline where one was required, or one that cannot be read: the gate's verdict is error. */
export class BaselineError extends Error {
  readonly code: 'missing' | 'unreadable';
  constructor(code: 'missing' | 'unreadable', message: string) {
    super(message);
    this.name = 'BaselineError';
    this.code = code;
  }
}

const FIRST_RUN = 'passes on absolute thresholds only';

/**
 * Finds the report to compare with. A corrupt or foreign report is always an error (it was meant
 * to be a baseline; passing without it would be silent); not finding one is an error only when
 * `required`, else a first run that says so.
 */
export async function resolveBaseline(opts: ResolveBaselineOptions): Promise<BaselineResolution> {
  if (opts.spec === 'none') return { baseline: null, note: `baseline: none asked for; ${FIRST_RUN}` };
  if (opts.spec !== 'auto') {
    try {
      const { report, text } = await readReportFile(opts.spec);
      return {
        baseline: { report, ref: opts.spec, sha256: createHash('sha256').update(text).digest('hex') },
        note: `baseline: ${opts.spec}`,
      };
    } catch (err) {
      const missing = (err as Error).message.includes('ENOENT');
      const hint = missing ? '; to run without one pass --baseline none (Action input baseline: none), or --baseline auto to use the store' : '';
      throw new BaselineError(missing ? 'missing' : 'unreadable', `baseline ${(err as Error).message}${hint}`);
    }
  }
  const all = await opts.store.list();
  const inLine = opts.line === undefined ? all : all.filter((r) => r.line === opts.line);
  const legacy = all.filter((r) => r.line === undefined);
  let pick = pickAuto(inLine, opts);
  if (!pick.ref && opts.line !== undefined && legacy.length > 0) pick = pickAuto(legacy, opts);
  const lineText = opts.line !== undefined ? ` for identity line ${opts.line}` : '';
  if (!pick.ref) {
    const others = [...new Set(all.flatMap((r) => (r.line !== undefined && r.line !== opts.line ? [r.line] : [])))];
    const otherText = others.length > 0 ? ` (the store holds other lines: ${others.slice(0, 5).join(', ')}${others.length > 5 ? ', …' : ''})` : '';
    const message = `no baseline${lineText} in ${opts.store.name}: ${pick.wanted}${otherText}`;
    if (opts.required) throw new BaselineError('missing', `${message}, and compare.requireBaseline is set`);
    return { baseline: null, note: `${message}; first run, ${FIRST_RUN}` };
  }
  let report: Report;
  try {
    report = await opts.store.read(pick.ref);
  } catch (err) {
    throw new BaselineError('unreadable', `baseline ${pick.ref.kind} ${pick.ref.name} in ${opts.store.name} is unusable: ${(err as Error).message}`);
  }
  return {
    baseline: { report, ref: `${pick.ref.kind === 'tag' ? '' : 'branch '}${pick.ref.name} (${pick.ref.location})` },
    note: `baseline: ${pick.ref.kind} ${pick.ref.name}${pick.ref.line !== undefined ? ` of line ${pick.ref.line}` : ''} from ${opts.store.name} (${pick.wanted})`,
  };
}

function pickAuto(refs: StoredRef[], opts: ResolveBaselineOptions): { ref?: StoredRef; wanted: string } {
  const tags = refs.flatMap((r) => {
    const v = r.kind === 'tag' ? parseSemver(r.name) : undefined;
    return v ? [{ r, v }] : [];
  });
  const candidate = opts.candidateTag ? parseSemver(opts.candidateTag) : undefined;
  if (candidate) {
    // A release compares with releases; a prerelease may compare with anything before it.
    const earlier = tags.filter(
      (t) => compareSemver(t.v, candidate) < 0 && (candidate.prerelease.length > 0 || t.v.prerelease.length === 0),
    );
    earlier.sort((a, b) => compareSemver(b.v, a.v));
    const ref = earlier[0]?.r;
    return { ...(ref ? { ref } : {}), wanted: `the release before ${opts.candidateTag}` };
  }
  const releases = tags.filter((t) => t.v.prerelease.length === 0).sort((a, b) => compareSemver(b.v, a.v));
  if (opts.branch) {
    const ref = refs.find((r) => r.kind === 'branch' && r.name === opts.branch);
    if (ref) return { ref, wanted: `the latest report of branch ${opts.branch}` };
    // No push to that branch has been gated yet: the newest release is the bar it has to keep.
    const release = releases[0]?.r;
    return { ...(release ? { ref: release } : {}), wanted: `the latest report of branch ${opts.branch}, none yet, so the newest release` };
  }
  const ref = releases[0]?.r;
  const why = opts.candidateTag ? `the newest release (tag ${opts.candidateTag} is not semver)` : 'the newest release';
  return { ...(ref ? { ref } : {}), wanted: why };
}

/**
 * Before anything boots, so that a baseline that cannot be had costs no GPU minutes: a baseline file
 * must be readable, the store reachable, and a required baseline present in it. Resolves with the
 * baseline file's report (its dataset is the caller's to check), else undefined. Throws BaselineError,
 * or the store's own error (unreachable, artifacts without a token).
 */
export async function preflightBaseline(settings: BaselineSettings, env: Environment): Promise<Report | undefined> {
  if (settings.baseline === 'none') return undefined;
  const store = createStore(settings, env);
  if (settings.baseline !== 'auto') return (await resolveBaseline({ spec: settings.baseline, store, required: true })).baseline?.report;
  const refs = await store.list();
  if (refs.length === 0 && settings.requireBaseline) throw new BaselineError('missing', `no baseline in ${store.name}, and compare.requireBaseline is set`);
  return undefined;
}

/**
 * The baseline for a candidate once its identity line is known (after readiness): the given file, or
 * from the configured store the previous tag's report of that line (see resolveBaseline). Throws as
 * resolveBaseline does, or when the store cannot be made.
 */
export function findBaseline(settings: BaselineSettings, candidate: { tag?: string; line: string }, env: Environment): Promise<BaselineResolution> {
  return resolveBaseline({
    spec: settings.baseline,
    store: createStore(settings, env),
    candidateTag: candidate.tag,
    branch: settings.branch,
    required: settings.requireBaseline,
    line: candidate.line,
  });
}

/**
 * Stores a report as the next baseline where `publish` is on and the run's context allows it (a passing
 * report, never from a pull request: see baselineKeyForRun), filed under its identity line. Resolves with
 * where it was stored, or null when it was not; throws the store's error.
 */
export async function publishReport(settings: StoreSettings & { publish: boolean }, report: Report, context: RunContext, env: Environment): Promise<StoredRef | null> {
  if (!settings.publish) return null;
  const found = baselineKeyForRun(report, context);
  if (!found) return null;
  const key = report.identity ? { ...found, line: report.identity.line } : found;
  return createStore(settings, env).write(report, key);
}
