import type { Report } from '../report/schema.ts';
import type { StoreKey } from './types.ts';

export interface RunContext {
  /** `pull_request`, `push`, `release`, `workflow_dispatch`, or `local` for the CLI. */
  eventName: string;
  /** The git ref of the run: `refs/tags/v1.2.0`, `refs/heads/main`. */
  ref?: string;
}

/**
 * Where, if anywhere, this run's report becomes a baseline. Never from pull requests (untrusted,
 * and a PR must not move the bar for others); never a report that did not pass, so a regression
 * can not become the next release's yardstick. Tag runs store per tag; pushes to a branch store
 * that branch's latest, which pull requests against it compare with.
 */
export function baselineKeyForRun(report: Report, ctx: RunContext): StoreKey | null {
  if (report.verdict !== 'pass') return null;
  if (ctx.eventName === 'pull_request' || ctx.eventName === 'pull_request_target') return null;
  const tag = report.subject.tag ?? (ctx.ref?.startsWith('refs/tags/') ? ctx.ref.slice('refs/tags/'.length) : undefined);
  if (tag) return { kind: 'tag', name: tag };
  if (ctx.ref?.startsWith('refs/heads/')) return { kind: 'branch', name: ctx.ref.slice('refs/heads/'.length) };
  return null;
}
