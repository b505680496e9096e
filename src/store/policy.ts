import type { Report } from '../report/schema.ts';
import type { StoreKey } from './types.ts';

export interface RunContext {
  /** `pull_request`, `push`, `release`, `workflow_dispatch`, or `local` for the CLI. */
  eventName: string;
  /** The git ref of the run: `refs/tags/v1.2.0`, `refs/heads/main`. */
  ref?: string;
  /** The repository's default branch (from the event payload): only pushes to it publish a branch report. */
  defaultBranch?: string;
}

/**
 * Where, if anywhere, this run's report becomes a baseline. Never from pull requests (untrusted,
 * and a PR must not move the bar for others); never a report that did not pass, so a regression
 * can not become the next release's yardstick. Tag runs store per tag; pushes to the default branch
 * (any branch where the default is not known) store that branch's latest, which pull requests
 * against it compare with.
 */
export function baselineKeyForRun(report: Report, ctx: RunContext): StoreKey | null {
  if (report.verdict !== 'pass') return null;
  if (ctx.eventName === 'pull_request' || ctx.eventName === 'pull_request_target') return null;
  const tag = report.subject.tag ?? (ctx.ref?.startsWith('refs/tags/') ? ctx.ref.slice('refs/tags/'.length) : undefined);
  if (tag) return { kind: 'tag', name: tag };
  if (ctx.ref?.startsWith('refs/heads/')) {
    const branch = ctx.ref.slice('refs/heads/'.length);
    // A feature branch's push must not move the bar the default branch's pull requests are held to.
    if (ctx.defaultBranch !== undefined && branch !== ctx.defaultBranch) return null;
    return { kind: 'branch', name: branch };
  }
  return null;
}
