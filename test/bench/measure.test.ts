import { afterEach, describe, expect, it } from 'vitest';
import { runStep, type StepOptions } from '../../src/bench/load.ts';
import { countTokensWithServer } from '../../src/bench/tokenize.ts';
import { frame, scriptedServer, usageFrame, type Arrival, type Step } from '../helpers/scripted-sse.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function serve(script: (body: Record<string, unknown>, a: Arrival) => Step[], other?: Parameters<typeof scriptedServer>[1]): Promise<string> {
  const s = await scriptedServer(script, other);
  closers.push(s.close);
  return s.url;
}

const step = (root: string, over: Partial<StepOptions>): StepOptions => ({
  baseURL: `${root}/v1`,
  shape: { mode: 'concurrency', concurrency: 1 },
  requests: 2,
  warmupRequests: 0,
  makeBody: (i) => ({ model: 'm', messages: [{ role: 'user', content: `q${i}` }], max_tokens: 64 }),
  totalTimeoutMs: 20_000,
  idleTimeoutMs: 10_000,
  slo: {},
  seed: 1,
  ...over,
});

/** A burst of four tokens every 80 ms (20 ms a token, released together), as a tool-call parser or stream interval does. */
const bursts = (withUsage: boolean): Step[] => [
  ...Array.from({ length: 16 }, (_, i) => ({ afterMs: i === 0 ? 100 : 80, text: frame({ content: 'ab cd ef gh ' }) })),
  { afterMs: 1, text: `${frame({}, 'length')}${withUsage ? usageFrame(64) : ''}data: [DONE]\n\n` },
];

describe('ITL per token, not per chunk', () => {
  it('spreads each chunk gap over the tokens it carried, from usage: 4-token chunks every 80 ms give ITL ≈ 20 ms', async () => {
    const root = await serve(() => bursts(true));
    const run = await runStep(step(root, {}));
    expect(run.ok).toBe(2);
    expect(run.itlFrom).toBe('usage');
    expect(run.tokenSource).toBe('usage');
    expect(run.itlMs.p50).toBeGreaterThan(15);
    expect(run.itlMs.p50).toBeLessThan(30);
    expect(run.tpotMs.p50).toBeGreaterThan(15);
    expect(run.tpotMs.p50).toBeLessThan(30);
    // 15 gaps of 4 tokens each per request: the first chunk's tokens have no gap before them.
    expect(run.samples[0]!.itlMs).toHaveLength(60);
  });

  it("counts tokens with the engine's /tokenize when the server sends no usage, and says so", async () => {
    let tokenizeCalls = 0;
    const root = await serve(
      () => bursts(false),
      (req, body) => {
        if (req.url !== '/tokenize') return undefined;
        tokenizeCalls++;
        // vLLM's answer shape; one token per word of the text.
        const text = (JSON.parse(body) as { prompt: string }).prompt;
        return { status: 200, body: JSON.stringify({ count: text.trim().split(/\s+/).length, max_model_len: 4096, tokens: [] }) };
      },
    );
    const run = await runStep(step(root, { countTokens: (texts) => countTokensWithServer(texts, { rootURL: root, model: 'm' }) }));
    expect(tokenizeCalls).toBe(2);
    expect(run).toMatchObject({ ok: 2, itlFrom: 'tokenizer', tokenSource: 'tokenizer' });
    expect(run.samples[0]!.outputTokens).toBe(64);
    expect(run.itlMs.p50).toBeGreaterThan(15);
    expect(run.itlMs.p50).toBeLessThan(30);
  });

  it('falls back to one token a chunk without usage or tokenizer, and says so', async () => {
    const root = await serve(() => bursts(false));
    const run = await runStep(step(root, { countTokens: (texts) => countTokensWithServer(texts, { rootURL: root, model: 'm' }) }));
    expect(run).toMatchObject({ ok: 2, itlFrom: 'chunks', tokenSource: 'counted' });
    expect(run.itlMs.p50).toBeGreaterThan(60);
  });
});

describe('failures outside data lines, counted in the bench', () => {
  it('counts llama.cpp-style error fields and [DONE] without a finish_reason as failures of their own kinds', async () => {
    const root = await serve((_b, a) => {
      const eight = Array.from({ length: 8 }, () => ({ afterMs: 1, text: frame({ content: 'x ' }) }));
      if (a.index % 4 === 0) return [...eight, { afterMs: 1, text: 'error: {"code":500,"message":"out of slots","type":"server_error"}\n\ndata: [DONE]\n\n' }];
      if (a.index % 4 === 1) return [...eight, { afterMs: 1, text: 'data: [DONE]\n\n' }];
      return [...eight, ...eight, { afterMs: 1, text: `${frame({}, 'stop')}${usageFrame(16)}data: [DONE]\n\n` }];
    });
    const run = await runStep(step(root, { requests: 16, shape: { mode: 'concurrency', concurrency: 4 } }));
    expect(run).toMatchObject({ requests: 16, ok: 8, errors: 8, errorsByKind: { 'server-error': 4, truncated: 4 } });
  });
});

describe('reasoning in the bench', () => {
  it('times TTFT to the first reasoning token and time to the first answer token apart; a stream capped while reasoning is not a failure', async () => {
    const root = await serve((_b, a) => {
      const thinking = [{ afterMs: 150, text: frame({ reasoning: 'Think' }) }, ...Array.from({ length: 4 }, () => ({ afterMs: 100, text: frame({ reasoning: ' more' }) }))];
      if (a.index % 2 === 1) return [...thinking, { afterMs: 1, text: `${frame({}, 'length')}${usageFrame(5)}data: [DONE]\n\n` }];
      return [...thinking, { afterMs: 10, text: frame({ content: 'Answer' }) }, { afterMs: 1, text: `${frame({}, 'stop')}${usageFrame(6)}data: [DONE]\n\n` }];
    });
    const run = await runStep(step(root, { requests: 8, shape: { mode: 'concurrency', concurrency: 4 } }));
    expect(run).toMatchObject({ requests: 8, ok: 8, errors: 0 });
    expect(run.ttftMs.p50).toBeGreaterThan(140);
    expect(run.ttftMs.p50).toBeLessThan(300);
    expect(run.answerTtftMs!.p50).toBeGreaterThan(540);
    expect(run.answerTtftMs!.p50).toBeLessThan(800);
  });
});

describe('warm-up as wide as the load', () => {
  /** The first stream at each new batch size pays a one-time cost (a CUDA graph capture, a KV allocation). */
  function batchSizeServer(): Promise<string> {
    let widest = 0;
    return serve((_b, a) => {
      const cold = a.inFlight > widest;
      widest = Math.max(widest, a.inFlight);
      return [...Array.from({ length: 8 }, (_, i) => ({ afterMs: i === 0 ? (cold ? 600 : 100) : 5, text: frame({ content: 'x ' }) })), { afterMs: 1, text: `${frame({}, 'length')}${usageFrame(8)}data: [DONE]\n\n` }];
    });
  }

  it('reaches the step concurrency before measuring, so no measured request pays a new batch size', async () => {
    const root = await batchSizeServer();
    const run = await runStep(step(root, { requests: 32, warmupRequests: 4, shape: { mode: 'concurrency', concurrency: 8 } }));
    expect(run.ok).toBe(32);
    expect(run.warmup).toMatchObject({ requests: 8, peakInFlight: 8, concurrency: 8 });
    expect(run.warmupRequests).toBe(8);
    expect(run.ttftMs.max).toBeLessThan(450);
  });

  it('warms a rate step up on its own schedule until the first warm-up request finished', async () => {
    const root = await batchSizeServer();
    const run = await runStep(step(root, { requests: 10, warmupRequests: 2, shape: { mode: 'rate', rate: 20, burstiness: 1 } }));
    expect(run.warmup!.rate).toBe(20);
    // The first warm-up request takes 600 ms: about 12 arrivals at 20 req/s before it finishes.
    expect(run.warmup!.requests).toBeGreaterThan(5);
    expect(run.warmup!.peakInFlight).toBeGreaterThan(2);
  });
});
