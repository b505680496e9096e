import { getOctokit } from '@actions/github';
import { errorText } from '../../log.ts';

export type GitHubClient = ReturnType<typeof getOctokit>;

/** A hung API must not hold a GPU runner: every request gets its own deadline. */
export const API_TIMEOUT_MS = 30_000;

export function createClient(token: string, apiUrl: string): GitHubClient {
  return getOctokit(token, { baseUrl: apiUrl });
}

/** Per-request options for octokit calls. */
export function requestOptions(): { request: { signal: AbortSignal } } {
  return { request: { signal: AbortSignal.timeout(API_TIMEOUT_MS) } };
}

export interface ApiFailure {
  status: number | undefined;
  /** The token may not write here: a fork's read-only token, or missing `permissions:`. */
  permission: boolean;
  message: string;
}

export function describeApiError(err: unknown): ApiFailure {
  const status =
    typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number' ? err.status : undefined;
  const message = errorText(err);
  // 403 "Resource not accessible by integration" is the fork case; 404 is how GitHub hides a repo from a token.
  return { status, permission: status === 401 || status === 403 || status === 404, message };
}
