import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/cli/free-port.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';

/**
 * The llamacpp personality against a real llama-server (LLAMA_SERVER_BIN) serving ../shared/models'
 * tiny GGUF model: the same requests to both must give the same status, headers and JSON shape (keys
 * and value types; not values, since one is a random-weight model and the other a simulator).
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const MODEL = path.resolve(ROOT, '../shared/models/tiny-random-llama.gguf');
const BIN = process.env.LLAMA_SERVER_BIN;
const skipReason = !BIN ? 'LLAMA_SERVER_BIN is not set' : !existsSync(BIN) ? `${BIN} does not exist` : !existsSync(MODEL) ? `${MODEL} is missing` : null;

/** Keys and value types, with arrays reduced to their first element. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 0 ? [] : [shape(v[0])];
  if (v === null || typeof v !== 'object') return v === null ? null : typeof v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, shape((v as Record<string, unknown>)[k])]));
}

const VOLATILE_HEADERS = new Set(['date', 'content-length', 'keep-alive', 'transfer-encoding', 'connection']);
/** Headers whose presence is compared but whose values differ by nature. */
const VARYING_HEADERS = new Set(['process-start-time-unix']);
async function observe(base: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${base}${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  const parsed = text.startsWith('data: ')
    ? text.split('\n\n').filter(Boolean).map((f) => (f === 'data: [DONE]' ? f : shape(JSON.parse(f.slice(6)))))
    : text.startsWith('#')
      ? text.split('\n').filter((l) => l.startsWith('# TYPE')).sort()
      : shape(JSON.parse(text));
  const headers = [...res.headers].filter(([k]) => !VOLATILE_HEADERS.has(k)).map(([k, v]) => [k, VARYING_HEADERS.has(k) ? 'varies' : v]);
  return { status: res.status, headers: Object.fromEntries(headers), body: parsed };
}

// Random weights emit byte tokens (ids 3..258) that form invalid UTF-8, which the real server's parser rejects.
const ban = Array.from({ length: 256 }, (_, i) => [i + 3, false]);
const hello = [{ role: 'user', content: 'Hello' }];
const requests: [string, string, unknown][] = [
  ['a streamed chat completion with usage', '/v1/chat/completions', { messages: hello, max_tokens: 3, ignore_eos: true, stream: true, stream_options: { include_usage: true }, logit_bias: ban }],
  ['a streamed chat completion without usage', '/v1/chat/completions', { messages: hello, max_tokens: 3, ignore_eos: true, stream: true, logit_bias: ban }],
  ['a chat completion', '/v1/chat/completions', { messages: hello, max_tokens: 3, ignore_eos: true, logit_bias: ban }],
  ['a streamed text completion', '/v1/completions', { prompt: 'Hello', max_tokens: 3, ignore_eos: true, stream: true, logit_bias: ban }],
  ['a text completion', '/v1/completions', { prompt: 'Hello', max_tokens: 3, ignore_eos: true, logit_bias: ban }],
  ['a body that is not JSON', '/v1/chat/completions', '{"messages":'],
  ['a request without messages', '/v1/chat/completions', { model: 'x' }],
  ['GET /health', '/health', undefined],
  ['GET /v1/models', '/v1/models', undefined],
  ['GET on an unknown path', '/nope', undefined],
  ['GET /metrics', '/metrics', undefined],
];

describe.skipIf(skipReason !== null)(`llamacpp personality against a real llama-server${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let real: ChildProcess;
  let realUrl: string;
  let sim: RunningSimulator;

  beforeAll(async () => {
    const port = await freePort();
    realUrl = `http://127.0.0.1:${port}`;
    real = spawn(BIN!, ['-m', MODEL, '--host', '127.0.0.1', '--port', String(port), '--metrics', '-c', '2048', '-np', '4'], { stdio: 'ignore' });
    for (let i = 0; i < 600; i++) {
      if ((await fetch(`${realUrl}/health`).then((r) => r.status, () => 0)) === 200) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    sim = await startSimulator({ engine: 'llamacpp', model: MODEL });
  });
  afterAll(async () => {
    real?.kill('SIGTERM');
    await sim?.close();
  });

  it.each(requests)('answers %s in the same shape', async (_name, path, body) => {
    expect(await observe(sim.url, path, body)).toEqual(await observe(realUrl, path, body));
  });
});
