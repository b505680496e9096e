import { describeApiError, requestOptions, type GitHubClient } from './client.ts';
import type { GitHubContext } from './context.ts';

/**
 * The hidden marker that finds the gate's own comment again. `name` tells several gates of one workflow
 * apart (a matrix); it is reduced to characters that cannot end the HTML comment.
 */
export function commentMarker(name: string): string {
  return `<!-- llm-gate:${name.replace(/[^A-Za-z0-9._/ -]/g, '_').replace(/-{2,}/g, '-')} -->`;
}

/** Updates the gate's comment on the pull request in place, or creates it the first time: never one per push. */
export async function upsertComment(
  client: GitHubClient,
  ctx: GitHubContext,
  pullNumber: number,
  name: string,
  body: string,
): Promise<{ id: number; url: string; action: 'created' | 'updated' }> {
  const marker = commentMarker(name);
  const text = `${marker}\n${body}`;
  const comments = await client.paginate(client.rest.issues.listComments, {
    owner: ctx.owner,
    repo: ctx.repo,
    issue_number: pullNumber,
    per_page: 100,
    ...requestOptions(),
  });
  // Anyone can write the marker; a marked comment we may not edit (not ours) is passed over.
  for (const existing of comments.filter((c) => c.body?.startsWith(marker) === true)) {
    try {
      const { data } = await client.rest.issues.updateComment({
        owner: ctx.owner,
        repo: ctx.repo,
        comment_id: existing.id,
        body: text,
        ...requestOptions(),
      });
      return { id: data.id, url: data.html_url, action: 'updated' };
    } catch (err) {
      if (!describeApiError(err).permission) throw err;
    }
  }
  const { data } = await client.rest.issues.createComment({
    owner: ctx.owner,
    repo: ctx.repo,
    issue_number: pullNumber,
    body: text,
    ...requestOptions(),
  });
  return { id: data.id, url: data.html_url, action: 'created' };
}
