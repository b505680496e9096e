import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { httpFetch } from '../client/http-fetch.ts';

/** The SDK wants the API root (`…/v1`); users give a server URL with or without it. */
export function apiBaseURL(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return /\/v\d+$/.test(trimmed) ? trimmed : `${trimmed}/v1`;
}

/**
 * A client that never retries on its own: our retries are counted and reported (see PITFALLS.md).
 * Its fetch is node:http's, which refuses no port (WHATWG fetch refuses 6000, 6665-6669, 10080, …).
 */
export function openaiClient(baseURL: string, apiKey: string | undefined, timeoutS: number): OpenAI {
  return new OpenAI({ baseURL: apiBaseURL(baseURL), apiKey: apiKey ?? 'none', maxRetries: 0, timeout: timeoutS * 1000, fetch: httpFetch });
}

/** The request got no answer within its timeout. */
export function isTimeout(error: unknown): boolean {
  return error instanceof APIConnectionTimeoutError;
}

/** Transport failures worth another try: no answer, a timeout, overload, or a server error. Never a 4xx. */
export function isTransient(error: unknown): boolean {
  if (error instanceof APIUserAbortError) return false;
  if (error instanceof APIConnectionError) return true;
  if (error instanceof APIError) return error.status === 429 || (error.status !== undefined && error.status >= 500);
  return false;
}

/** One line saying what went wrong with a request, for item errors in the report. */
export function describeRequestError(error: unknown): string {
  if (error instanceof APIError && error.status !== undefined) return `HTTP ${error.status}: ${error.message}`;
  if (error instanceof APIConnectionTimeoutError) return `no answer within the request timeout (${error.message})`;
  // Our fetch's NetworkError already names the cause and what to check; the SDK's own text ("Connection error.") adds nothing.
  if (error instanceof APIConnectionError) return error.cause instanceof Error ? error.cause.message : error.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs `attempt` up to 1 + `retries` times while it fails transiently; `onRetry` is called once per retry
 * so the caller can count them. The last error is rethrown.
 */
export async function withRetries<T>(
  retries: number,
  attempt: () => Promise<T>,
  onRetry: (error: unknown, retry: number) => void,
  signal?: AbortSignal,
): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (e) {
      if (retry >= retries || !isTransient(e) || signal?.aborted) throw e;
      onRetry(e, retry + 1);
      // A short backoff lets a briefly overloaded server recover; bounded by the retry count.
      await new Promise((r) => setTimeout(r, Math.min(2000, 200 * 2 ** retry)));
    }
  }
}
