import { ANNOTATIONS_PER_REQUEST, type Annotation } from './annotations.ts';
import { requestOptions, type GitHubClient } from './client.ts';
import type { GitHubContext } from './context.ts';
import type { Verdict } from '../schema.ts';

export type Conclusion = 'success' | 'failure' | 'neutral';

/** A gate that could not finish fails closed, like a regression; a skipped gate is neither. */
export function conclusionFor(verdict: Verdict | 'skipped'): Conclusion {
  if (verdict === 'pass') return 'success';
  if (verdict === 'skipped') return 'neutral';
  return 'failure';
}

export async function createCheckRun(client: GitHubClient, ctx: GitHubContext, name: string): Promise<number> {
  const { data } = await client.rest.checks.create({
    owner: ctx.owner,
    repo: ctx.repo,
    name,
    head_sha: ctx.sha,
    status: 'in_progress',
    started_at: new Date().toISOString(),
    ...(ctx.runUrl !== undefined ? { details_url: ctx.runUrl } : {}),
    ...requestOptions(),
  });
  return data.id;
}

export interface CheckRunOutput {
  conclusion: Conclusion;
  title: string;
  /** Markdown shown at the top of the check run (65,535 characters at most). */
  summary: string;
  /** Markdown shown under the summary (65,535 characters at most). */
  text?: string;
  annotations: Annotation[];
}

/**
 * Completes the check run `id` (or creates a completed one when the start failed or never happened).
 * Annotations beyond 50 go in earlier updates, which GitHub appends; the last request completes the run.
 */
export async function completeCheckRun(
  client: GitHubClient,
  ctx: GitHubContext,
  name: string,
  id: number | undefined,
  output: CheckRunOutput,
): Promise<{ id: number; url: string }> {
  const batches: Annotation[][] = [];
  for (let i = 0; i < output.annotations.length; i += ANNOTATIONS_PER_REQUEST) {
    batches.push(output.annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  }
  const base = { title: output.title, summary: output.summary, ...(output.text !== undefined ? { text: output.text } : {}) };
  const completion = {
    status: 'completed' as const,
    conclusion: output.conclusion,
    completed_at: new Date().toISOString(),
    output: { ...base, annotations: batches.pop() ?? [] },
  };
  let runId = id;
  if (runId === undefined) {
    const head = batches.shift();
    const { data } = await client.rest.checks.create({
      owner: ctx.owner,
      repo: ctx.repo,
      name,
      head_sha: ctx.sha,
      ...(ctx.runUrl !== undefined ? { details_url: ctx.runUrl } : {}),
      ...(head ? { status: 'in_progress' as const, output: { ...base, annotations: head } } : completion),
      ...requestOptions(),
    });
    if (!head) return { id: data.id, url: data.html_url ?? '' };
    runId = data.id;
  }
  for (const annotations of batches) {
    await client.rest.checks.update({
      owner: ctx.owner,
      repo: ctx.repo,
      check_run_id: runId,
      output: { ...base, annotations },
      ...requestOptions(),
    });
  }
  const { data } = await client.rest.checks.update({
    owner: ctx.owner,
    repo: ctx.repo,
    check_run_id: runId,
    ...completion,
    ...requestOptions(),
  });
  return { id: data.id, url: data.html_url ?? '' };
}

/**
 * Completes a check run the main step left in progress (a cancelled job): without this it would show as
 * running on the commit until GitHub times it out.
 */
export async function cancelCheckRun(client: GitHubClient, ctx: GitHubContext, id: number): Promise<void> {
  await client.rest.checks.update({
    owner: ctx.owner,
    repo: ctx.repo,
    check_run_id: id,
    status: 'completed',
    conclusion: 'cancelled',
    completed_at: new Date().toISOString(),
    output: {
      title: 'llm-gate: CANCELLED',
      summary: 'The job stopped before the gate reached a verdict; nothing was decided.',
    },
    ...requestOptions(),
  });
}
