import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { streamChatCompletion, type StreamRequest } from '../../src/client/stream.ts';
import { startSimulator, type RunningSimulator, type SimulatorOptionsInput } from '../../src/sim/server.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function sim(options: SimulatorOptionsInput = {}): Promise<RunningSimulator> {
  const s = await startSimulator({ ttftMs: 5, decodeMsPerToken: 2, jitter: 0, ...options });
  closers.push(() => s.close());
  return s;
}

/** A raw SSE server for stream shapes the simulator does not produce. */
async function rawServer(write: (res: ServerResponse) => void, onConnection?: () => void): Promise<string> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => write(res));
  });
  if (onConnection) server.on('connection', onConnection);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => server.close(() => r())));
  closers.push(async () => server.closeAllConnections());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

const chunk = (content: string, finish: string | null = null) =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;

const request = (baseURL: string, over: Partial<StreamRequest> = {}): StreamRequest => ({
  baseURL,
  body: { model: 'sim-model', messages: [{ role: 'user', content: 'hello there' }], max_tokens: 16, ignore_eos: true, stream_options: { include_usage: true } },
  totalTimeoutMs: 10_000,
  idleTimeoutMs: 5_000,
  ...over,
});

describe('streamChatCompletion', () => {
  it('timestamps every content chunk and reads usage from the final chunk', async () => {
    const s = await sim();
    const r = await streamChatCompletion(request(`${s.url}/v1`));
    expect(r.ok).toBe(true);
    expect(r.status).toBe(200);
    expect(r.contentChunks).toBe(16);
    expect(r.usageOutputTokens).toBe(16);
    expect(r.usageInputTokens).toBeGreaterThan(0);
    expect(r.finishReason).toBe('length');
    expect(r.chunkTimesMs).toHaveLength(16);
    expect(r.ttftMs).toBe(r.chunkTimesMs[0]);
    for (let i = 1; i < 16; i++) expect(r.chunkTimesMs[i]).toBeGreaterThanOrEqual(r.chunkTimesMs[i - 1]!);
    expect(r.e2eMs).toBeGreaterThanOrEqual(r.chunkTimesMs[15]!);
  });

  it('classifies an HTTP error answer as http, with the server message', async () => {
    const s = await sim({ faults: { httpErrorRate: 1 } });
    const r = await streamChatCompletion(request(`${s.url}/v1`));
    expect(r).toMatchObject({ ok: false, status: 500, error: { kind: 'http' } });
    expect(r.error!.message).toContain('Injected server error');
  });

  it('classifies a data line that is not JSON as malformed-sse', async () => {
    const s = await sim({ faults: { malformedSse: true } });
    const r = await streamChatCompletion(request(`${s.url}/v1`));
    expect(r).toMatchObject({ ok: false, error: { kind: 'malformed-sse' } });
  });

  it('classifies an error object streamed mid-response as server-error, with its message', async () => {
    const url = await rawServer((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`${chunk('a')}data: {"error":{"message":"CUDA out of memory"}}\n\ndata: [DONE]\n\n`);
    });
    const r = await streamChatCompletion(request(url));
    expect(r).toMatchObject({ ok: false, error: { kind: 'server-error' } });
    expect(r.error!.message).toContain('CUDA out of memory');
  });

  it('times out a stream that stalls after its first token (idle deadline)', async () => {
    const s = await sim({ faults: { hang: 'after-first-chunk' } });
    const r = await streamChatCompletion(request(`${s.url}/v1`, { idleTimeoutMs: 300 }));
    expect(r).toMatchObject({ ok: false, contentChunks: 1, error: { kind: 'timeout' } });
    expect(r.error!.message).toMatch(/stalled/);
  });

  it('times out a server that accepts the request and never answers', async () => {
    const s = await sim({ faults: { hang: 'no-response' } });
    const r = await streamChatCompletion(request(`${s.url}/v1`, { idleTimeoutMs: 300 }));
    expect(r).toMatchObject({ ok: false, status: null, error: { kind: 'timeout' } });
    expect(r.error!.message).toMatch(/no response headers/);
  });

  it('enforces the total deadline on a stream that keeps trickling', async () => {
    const s = await sim({ decodeMsPerToken: 50 });
    const r = await streamChatCompletion(request(`${s.url}/v1`, { totalTimeoutMs: 300, idleTimeoutMs: 5000 }));
    expect(r).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    expect(r.error!.message).toMatch(/within 300 ms/);
  });

  it('classifies a server that dies mid-stream as broken-stream', async () => {
    const s = await sim({ decodeMsPerToken: 20, faults: { crashAfterMs: 150 } });
    const r = await streamChatCompletion(request(`${s.url}/v1`, { body: { model: 'sim-model', messages: [{ role: 'user', content: 'x' }], max_tokens: 100, ignore_eos: true } }));
    expect(r).toMatchObject({ ok: false, error: { kind: 'broken-stream' } });
    expect(r.contentChunks).toBeGreaterThan(0);
  });

  it('classifies a refused connection as connection', async () => {
    const s = await sim();
    const url = `${s.url}/v1`;
    await s.close();
    const r = await streamChatCompletion(request(url));
    expect(r).toMatchObject({ ok: false, status: null, error: { kind: 'connection' } });
    expect(r.error!.message).toMatch(/ECONNREFUSED/);
  });

  it('classifies a stream that finishes without any content token as empty-output', async () => {
    const url = await rawServer((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`${chunk('', 'stop')}data: [DONE]\n\n`);
    });
    expect(await streamChatCompletion(request(url))).toMatchObject({ ok: false, error: { kind: 'empty-output' } });
  });

  it('classifies a stream that ends cleanly but without [DONE] or a finish_reason as truncated', async () => {
    const url = await rawServer((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`${chunk('a')}${chunk('b')}`);
    });
    const r = await streamChatCompletion(request(url));
    expect(r).toMatchObject({ ok: false, contentChunks: 2, error: { kind: 'truncated' } });
  });

  it('reuses one kept-alive connection for requests one after another', async () => {
    let connections = 0;
    const url = await rawServer(
      (res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(`${chunk('a', 'stop')}data: [DONE]\n\n`);
      },
      () => connections++,
    );
    for (let i = 0; i < 3; i++) expect((await streamChatCompletion(request(url))).ok).toBe(true);
    expect(connections).toBe(1);
  });

  it('keeps multi-byte characters split across reads intact', async () => {
    const url = await rawServer((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const bytes = Buffer.from(`${chunk('héllo 🌍')}${chunk('!', 'stop')}data: [DONE]\n\n`);
      const cut = bytes.indexOf(Buffer.from('🌍')) + 2;
      res.write(bytes.subarray(0, cut));
      setTimeout(() => res.end(bytes.subarray(cut)), 30);
    });
    const r = await streamChatCompletion(request(url));
    expect(r).toMatchObject({ ok: true, text: 'héllo 🌍!', contentChunks: 2 });
  });

  const hasOpenssl = (() => {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  it.skipIf(!hasOpenssl)('streams over TLS for https URLs and classifies an untrusted certificate as connection (skipped without openssl)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'llm-gate-tls-'));
    closers.push(async () => rmSync(dir, { recursive: true, force: true }));
    const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    let requests = 0;
    const server = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_req, res) => {
      requests++;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => server.close(() => r())));
    const { port } = server.address() as AddressInfo;
    const r = await streamChatCompletion(request(`https://127.0.0.1:${port}/v1`));
    expect(r).toMatchObject({ ok: false, status: null, error: { kind: 'connection' } });
    expect(r.error!.message).toMatch(/certificate/i);
    expect(requests).toBe(0);

    // Trusted (NODE_EXTRA_CA_CERTS is read at start-up, hence a child process): a stream over TLS, timed.
    const tls = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(chunk('a'));
        setTimeout(() => res.end(`${chunk('b', 'stop')}data: [DONE]\n\n`), 20);
      });
    });
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => tls.close(() => r())));
    const script = `import { streamChatCompletion } from ${JSON.stringify(path.resolve('src/client/stream.ts'))};
const r = await streamChatCompletion({ baseURL: process.argv[1], body: {}, totalTimeoutMs: 5000, idleTimeoutMs: 5000 });
process.stdout.write(JSON.stringify(r));`;
    // Asynchronously: the server answering it lives in this process.
    const { stdout: out } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, `https://127.0.0.1:${(tls.address() as AddressInfo).port}/v1`], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: cert },
    });
    const ok = JSON.parse(out) as { ok: boolean; text: string; chunkTimesMs: number[]; error?: unknown };
    expect(ok, JSON.stringify(ok.error)).toMatchObject({ ok: true, text: 'ab' });
    expect(ok.chunkTimesMs[1]! - ok.chunkTimesMs[0]!).toBeGreaterThanOrEqual(15);
  });
});
