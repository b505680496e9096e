import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { NetworkError } from './network-error.ts';

/** Largest body read: a server that floods a non-streamed answer must not grow memory without bound. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

/**
 * `fetch` on node:http and node:https, for every request to the server under test. WHATWG fetch
 * (undici) refuses the "bad ports" (6000, 6665-6669, 10080, …) with only "fetch failed"; the port
 * of a server under test is its user's choice, so no port is refused here. Network failures
 * reject with a NetworkError that names the cause; an abort rejects with the signal's reason.
 * The body streams (the openai SDK reads server-sent events from it).
 */
export async function httpFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const url = new URL(input instanceof Request ? input.url : input);
  const method = init.method ?? (input instanceof Request ? input.method : 'GET');
  const headers = Object.fromEntries(new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined)).entries());
  const rawBody = init.body ?? (input instanceof Request ? input.body : null);
  const body = rawBody == null ? undefined : Buffer.from(await new Response(rawBody).arrayBuffer());
  const signal = init.signal ?? undefined;
  signal?.throwIfAborted();
  const client = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
  if (!client) throw new TypeError(`unsupported URL scheme ${url.protocol} in ${url.href}`);

  return new Promise<Response>((resolve, reject) => {
    const req = client.request(url, { method, headers }, (res) => {
      const responseHeaders = new Headers();
      const raw = res.rawHeaders;
      for (let i = 0; i + 1 < raw.length; i += 2) responseHeaders.append(raw[i]!, raw[i + 1]!);
      const status = res.statusCode ?? 0;
      let received = 0;
      res.on('data', (b: Buffer) => {
        received += b.length;
        if (received > MAX_BODY_BYTES) res.destroy(new NetworkError(new Error(`the answer's body passed ${MAX_BODY_BYTES / 1024 / 1024} MiB; it was cut there`), url));
      });
      const noBody = method === 'HEAD' || status === 204 || status === 304;
      if (noBody) res.resume();
      try {
        resolve(
          new Response(noBody ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), {
            status,
            statusText: res.statusMessage ?? '',
            headers: responseHeaders,
          }),
        );
      } catch (err) {
        res.destroy();
        reject(new NetworkError(new Error(`unusable HTTP status ${status} (${(err as Error).message})`), url));
      }
    });
    const onAbort = () => req.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('close', () => signal?.removeEventListener('abort', onAbort));
    req.on('error', (err) => reject(signal?.aborted ? signal.reason : new NetworkError(err, url)));
    req.end(body);
  });
}
