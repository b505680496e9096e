import type { RunningTarget } from '../types.ts';

/** A server the gate did not start, at `url` (with or without /v1): nothing to watch, nothing to stop. */
export function attachUrl(url: string): RunningTarget {
  const rootURL = url.replace(/\/+$/, '').replace(/\/v1$/, '');
  return {
    kind: 'url',
    rootURL,
    exited: new Promise(() => undefined),
    exitInfo: () => null,
    logTail: () => [],
    stop: async () => undefined,
    subject: { url },
  };
}
