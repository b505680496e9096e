import http from 'node:http';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { httpFetch } from '../../src/client/http-fetch.ts';
import { describeNetworkError } from '../../src/client/network-error.ts';
import { streamChatCompletion } from '../../src/client/stream.ts';
import { describeRequestError, openaiClient } from '../../src/eval/transport.ts';
import { closedPort, listen } from '../helpers/misbehaving.ts';

async function fetchError(url: string): Promise<string> {
  try {
    await httpFetch(url);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`${url} answered`);
}

describe('every network error names its cause and what to check', () => {
  it('a refused connection: ECONNREFUSED, nothing listens, check the server and port', async () => {
    const port = await closedPort();
    expect(await fetchError(`http://127.0.0.1:${port}/v1/models`)).toMatch(
      new RegExp(`connection refused by 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\).*check that the server is running`),
    );
  });

  it('a host name that does not resolve: the DNS code and the host to check', async () => {
    expect(await fetchError('http://no-such-host.invalid:8000/v1/models')).toMatch(/cannot resolve the host name no-such-host\.invalid \((ENOTFOUND|EAI_AGAIN)\)/);
  });

  it('a TLS failure: https:// to a plain-HTTP server says to check the scheme and the certificate', async () => {
    const port = await listen(http.createServer((_req, res) => res.end('plain')));
    expect(await fetchError(`https://127.0.0.1:${port}/`)).toMatch(/TLS with 127\.0\.0\.1:\d+ failed .*http:\/\/ or https:\/\//);
  });

  it('a connection the server resets: ECONNRESET and to read its log', async () => {
    const port = await listen(net.createServer((s) => s.resetAndDestroy()));
    expect(await fetchError(`http://127.0.0.1:${port}/`)).toMatch(/reset \(ECONNRESET\).*check its log/);
  });

  it("WHATWG fetch's refusal of a bad port is named as such, not 'fetch failed'", async () => {
    const err = await fetch('http://127.0.0.1:6000/').then(
      () => null,
      (e: unknown) => e,
    );
    expect(String(err)).toMatch(/fetch failed/);
    expect(describeNetworkError(err, 'http://127.0.0.1:6000/')).toMatch(/port 6000 is on the WHATWG fetch "bad ports" list/);
  });

  it('the eval client (openai SDK) reports the cause, not "Connection error."', async () => {
    const port = await closedPort();
    const err = await openaiClient(`http://127.0.0.1:${port}`, undefined, 5)
      .models.list()
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(describeRequestError(err)).toMatch(/^connection refused by 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });

  it('the load client reports the cause of a refused stream', async () => {
    const port = await closedPort();
    const r = await streamChatCompletion({ baseURL: `http://127.0.0.1:${port}/v1`, body: {}, totalTimeoutMs: 5000, idleTimeoutMs: 5000 });
    expect(r.error?.kind).toBe('connection');
    expect(r.error?.message).toMatch(/connection refused by 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });
});
