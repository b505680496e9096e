import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** What the reporting needs to know about the workflow run, read from the runner's environment. */
export interface GitHubContext {
  owner: string;
  repo: string;
  /** The commit checks and statuses attach to: a pull request's head, not the merge commit GITHUB_SHA names. */
  sha: string;
  apiUrl: string;
  /** Link to this workflow run, for check runs, statuses and comments. */
  runUrl: string | undefined;
  /** Root that annotation paths are relative to. */
  workspace: string;
  pullRequest: { number: number; fromFork: boolean } | null;
}

const repoRef = z.object({ full_name: z.string() }).nullable().optional();
const eventSchema = z.object({
  pull_request: z
    .object({
      number: z.number().int(),
      head: z.object({ sha: z.string(), repo: repoRef }),
      base: z.object({ repo: repoRef }),
    })
    .optional(),
});

function readEvent(file: string | undefined): z.infer<typeof eventSchema> {
  if (!file) return {};
  try {
    const parsed = eventSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : {};
  } catch {
    // No or unreadable event payload (a local run): report on GITHUB_SHA without PR features.
    return {};
  }
}

/** Null outside GitHub Actions (no GITHUB_REPOSITORY), where there is nothing to report to. */
export function readGitHubContext(env: NodeJS.ProcessEnv = process.env): GitHubContext | null {
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo) return null;
  const pr = readEvent(env.GITHUB_EVENT_PATH).pull_request;
  const sha = pr?.head.sha ?? env.GITHUB_SHA;
  if (!sha) return null;
  const serverUrl = env.GITHUB_SERVER_URL ?? 'https://github.com';
  const headRepo = pr?.head.repo?.full_name;
  return {
    owner,
    repo,
    sha,
    apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
    runUrl: env.GITHUB_RUN_ID ? `${serverUrl}/${owner}/${repo}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    pullRequest: pr
      ? { number: pr.number, fromFork: headRepo !== undefined && headRepo !== pr.base.repo?.full_name }
      : null,
  };
}
