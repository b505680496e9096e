import { requestOptions, type GitHubClient } from './client.ts';
import type { GitHubContext } from './context.ts';
import type { Conclusion } from './check-run.ts';

/** Commit statuses need only `statuses: write`, so they stand in where check runs cannot be written. */
export async function postCommitStatus(
  client: GitHubClient,
  ctx: GitHubContext,
  name: string,
  conclusion: Conclusion,
  description: string,
): Promise<void> {
  await client.rest.repos.createCommitStatus({
    owner: ctx.owner,
    repo: ctx.repo,
    sha: ctx.sha,
    // Statuses have no neutral state: a skipped gate does not block.
    state: conclusion === 'failure' ? 'failure' : 'success',
    context: name,
    // GitHub rejects descriptions over 140 characters.
    description: description.length > 140 ? `${description.slice(0, 139)}…` : description,
    ...(ctx.runUrl !== undefined ? { target_url: ctx.runUrl } : {}),
    ...requestOptions(),
  });
}
