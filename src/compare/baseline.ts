import { createHash } from 'node:crypto';
import type { Report } from '../report/schema.ts';
import { readReportFile } from '../store/read-report.ts';
import type { BaselineStore, StoredRef } from '../store/types.ts';
import { compareSemver, parseSemver } from './semver.ts';

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
      throw new BaselineError(missing ? 'missing' : 'unreadable', `baseline ${(err as Error).message}`);
    }
  }
  const refs = await opts.store.list();
  const pick = pickAuto(refs, opts);
  if (!pick.ref) {
    const message = `no baseline in ${opts.store.name}: ${pick.wanted}`;
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
    note: `baseline: ${pick.ref.kind} ${pick.ref.name} from ${opts.store.name} (${pick.wanted})`,
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
  if (opts.branch) {
    const ref = refs.find((r) => r.kind === 'branch' && r.name === opts.branch);
    return { ...(ref ? { ref } : {}), wanted: `the latest report of branch ${opts.branch}` };
  }
  const releases = tags.filter((t) => t.v.prerelease.length === 0).sort((a, b) => compareSemver(b.v, a.v));
  const ref = releases[0]?.r;
  const why = opts.candidateTag ? `the newest release (tag ${opts.candidateTag} is not semver)` : 'the newest release';
  return { ...(ref ? { ref } : {}), wanted: why };
}
