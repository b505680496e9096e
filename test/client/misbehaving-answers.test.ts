import http from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { httpFetch, MAX_BODY_BYTES } from '../../src/client/http-fetch.ts';
import { MAX_KEPT_TEXT_CHARS } from '../../src/client/recorder.ts';
import { streamChatCompletion } from '../../src/client/stream.ts';
import { loadDataset } from '../../src/eval/dataset.ts';
import { OUTPUT_CAP_CHARS, runEval } from '../../src/eval/runner.ts';
import { silentLogger } from '../../src/log.ts';
import { listen } from '../helpers/misbehaving.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const stream = (port: number, totalTimeoutMs = 5000) =>
  streamChatCompletion({ baseURL: `http://127.0.0.1:${port}/v1`, body: { model: 'm', messages: [] }, totalTimeoutMs, idleTimeoutMs: totalTimeoutMs });

describe('a 200 answer to a streamed request that is not an event stream', () => {
  it('is reported with its content type (an HTML page from a proxy), not as a broken stream', async () => {
    const port = await listen(http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<html><body>Sign in to continue</body></html>')));
    const r = await stream(port);
    expect(r.error?.kind).toBe('http');
    expect(r.error?.message).toBe('HTTP 200 answered with content-type text/html; charset=utf-8, not text/event-stream: <html><body>Sign in to continue</body></html>');
  });

  it('is reported with its content type when the server ignored stream: true and sent one JSON completion', async () => {
    const port = await listen(
      http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ message: { content: 'hi' } }] }))),
    );
    const r = await stream(port);
    expect(r.error?.message).toMatch(/^HTTP 200 answered with content-type application\/json, not text\/event-stream: \{"choices"/);
  });
});

/** An event stream that never ends: valid chunks of 1 KB of content, as fast as the socket takes them. */
function floodingServer(withLineBreaks: boolean): http.Server {
  const piece = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'x'.repeat(1024) } }] })}\n\n`;
  return http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const pump = () => {
      while (!res.destroyed && res.write(withLineBreaks ? piece : 'y'.repeat(64 * 1024)));
      if (!res.destroyed) res.once('drain', pump);
    };
    req.on('close', () => res.destroy());
    pump();
  });
}

describe('a stream that floods and never ends', () => {
  it('keeps at most MAX_KEPT_TEXT_CHARS of its content and counts the rest', async () => {
    const port = await listen(floodingServer(true));
    const r = await stream(port, 1500);
    expect(r.error?.kind).toBe('timeout');
    expect(r.text.length).toBe(MAX_KEPT_TEXT_CHARS);
    expect(r.textChars).toBeGreaterThan(10 * MAX_KEPT_TEXT_CHARS);
  });

  it('without line breaks is refused once one line passes 4 MiB, without waiting for the timeout', async () => {
    const port = await listen(floodingServer(false));
    const t0 = performance.now();
    const r = await stream(port, 30_000);
    expect(r.error?.kind).toBe('malformed-sse');
    expect(r.error?.message).toMatch(/grew past 4 MiB/);
    expect(performance.now() - t0).toBeLessThan(15_000);
  }, 40_000);

  it('as a non-streamed body is cut at MAX_BODY_BYTES with the reason', async () => {
    const port = await listen(
      http.createServer((req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(1024 * 1024, 32);
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', pump);
        };
        req.on('close', () => res.destroy());
        pump();
      }),
    );
    const res = await httpFetch(`http://127.0.0.1:${port}/v1/models`);
    await expect(res.text()).rejects.toThrow(`passed ${MAX_BODY_BYTES / 1024 / 1024} MiB`);
  }, 30_000);
});

describe('a 1 MB model answer', () => {
  it('is scored whole but kept in the report only up to the recorded cap', async () => {
    const answer = 'A'.repeat(1024 * 1024);
    const port = await listen(
      http.createServer((req, res) => {
        req.resume();
        req.on('end', () =>
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ id: 'x', object: 'chat.completion', created: 0, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }] })),
        );
      }),
    );
    const dataset = await loadDataset(path.join(ROOT, 'datasets/starter/v1'));
    const quality = await runEval(
      { baseURL: `http://127.0.0.1:${port}`, model: 'm', dataset, concurrency: 8, timeoutS: 30, retries: 0, maxTokens: 16, temperature: 0 },
      silentLogger,
    );
    expect(quality.outputCapChars).toBe(OUTPUT_CAP_CHARS);
    const items = Object.values(quality.dimensions).flatMap((d) => d.items);
    expect(items.length).toBe(dataset.items.length);
    for (const item of items) {
      expect(item.output.length).toBe(OUTPUT_CAP_CHARS);
      expect(item.outputChars).toBe(answer.length);
    }
    // 42 answers of 1 MB: the report keeps under 1 MB of them, not 42 MB.
    expect(JSON.stringify(quality).length).toBeLessThan(1024 * 1024);
  }, 60_000);
});
