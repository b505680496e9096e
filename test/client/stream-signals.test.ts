import { afterEach, describe, expect, it } from 'vitest';
import { streamChatCompletion, type StreamRequest } from '../../src/client/stream.ts';
import { startSimulator } from '../../src/sim/server.ts';
import { frame, scriptedServer, usageFrame, type Step } from '../helpers/scripted-sse.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function serve(script: Parameters<typeof scriptedServer>[0]): Promise<string> {
  const s = await scriptedServer(script);
  closers.push(s.close);
  return `${s.url}/v1`;
}

const request = (baseURL: string): StreamRequest => ({
  baseURL,
  body: { model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 16 },
  totalTimeoutMs: 10_000,
  idleTimeoutMs: 5_000,
});

const tokens = (n: number, delta: (i: number) => Record<string, unknown> = (i) => ({ content: `t${i} ` }), everyMs = 2): Step[] =>
  Array.from({ length: n }, (_, i) => ({ afterMs: everyMs, text: frame(delta(i)) }));

describe('failures signalled outside a data: error object', () => {
  it('fails a stream whose server sends an SSE error: field and then [DONE] (llama.cpp), as server-error', async () => {
    const url = await serve(() => [
      ...tokens(8),
      { afterMs: 2, text: 'error: {"code":500,"message":"slot context exhausted","type":"server_error"}\n\n' },
      { afterMs: 2, text: 'data: [DONE]\n\n' },
    ]);
    const r = await streamChatCompletion(request(url));
    expect(r).toMatchObject({ ok: false, contentChunks: 8, error: { kind: 'server-error' } });
    expect(r.error!.message).toContain('slot context exhausted');
  });

  it('fails a stream on the simulated llama.cpp server that breaks off halfway', async () => {
    const s = await startSimulator({ engine: 'llamacpp', ttftMs: 2, decodeMsPerToken: 1, jitter: 0, faults: { streamErrorRate: 1 } });
    closers.push(() => s.close());
    const r = await streamChatCompletion({ ...request(`${s.url}/v1`), body: { messages: [{ role: 'user', content: 'hi' }], max_tokens: 16, ignore_eos: true } });
    expect(r).toMatchObject({ ok: false, error: { kind: 'server-error' } });
    expect(r.contentChunks).toBe(8);
  });

  it('fails a stream that carries a named error event', async () => {
    const url = await serve(() => [...tokens(3), { afterMs: 2, text: 'event: error\ndata: {"message":"upstream reset"}\n\n' }, { afterMs: 2, text: frame({}, 'stop') }]);
    const r = await streamChatCompletion(request(url));
    expect(r).toMatchObject({ ok: false, error: { kind: 'server-error' } });
    expect(r.error!.message).toContain('upstream reset');
  });

  it('counts a stream that ends with [DONE] but without a finish_reason as truncated', async () => {
    const url = await serve(() => [...tokens(8), { afterMs: 2, text: 'data: [DONE]\n\n' }]);
    const r = await streamChatCompletion(request(url));
    expect(r).toMatchObject({ ok: false, contentChunks: 8, error: { kind: 'truncated' } });
    expect(r.error!.message).toContain('[DONE] but no finish_reason');
  });

  it('reads past other named events (pings) and passes a stream that finished', async () => {
    const url = await serve(() => [{ afterMs: 2, text: 'event: ping\ndata: {}\n\n' }, ...tokens(3), { afterMs: 2, text: `${frame({}, 'stop')}data: [DONE]\n\n` }]);
    const r = await streamChatCompletion(request(url));
    expect(r, JSON.stringify(r.error)).toMatchObject({ ok: true, contentChunks: 3, finishReason: 'stop', text: 't0 t1 t2 ' });
  });
});

describe('reasoning under any name', () => {
  for (const field of ['reasoning', 'reasoning_content', 'thinking']) {
    it(`times TTFT to the first reasoning token in delta.${field}, the answer apart, and keeps reasoning out of the text`, async () => {
      const url = await serve(() => [
        { afterMs: 150, text: frame({ [field]: 'Let me think.' }) },
        ...tokens(4, () => ({ [field]: ' more' }), 100),
        { afterMs: 10, text: frame({ content: 'Paris' }) },
        { afterMs: 2, text: `${frame({}, 'stop')}${usageFrame(6)}data: [DONE]\n\n` },
      ]);
      const r = await streamChatCompletion(request(url));
      expect(r.ok, JSON.stringify(r.error)).toBe(true);
      expect(r.ttftMs!).toBeGreaterThanOrEqual(140);
      expect(r.ttftMs!).toBeLessThan(400);
      expect(r.answerTtftMs! - r.ttftMs!).toBeGreaterThanOrEqual(380);
      expect(r.text).toBe('Paris');
      expect(r.reasoning).toBe('Let me think. more more more more');
      expect(r.contentChunks).toBe(6);
    });
  }

  it('splits a think block the chat template opened (only </think> in the output)', async () => {
    const url = await serve(() => [
      { afterMs: 20, text: frame({ content: 'hmm, ' }) },
      { afterMs: 100, text: frame({ content: 'yes</think>' }) },
      { afterMs: 100, text: frame({ content: '\n\nThe answer is 4.' }) },
      { afterMs: 2, text: frame({}, 'stop') },
    ]);
    const r = await streamChatCompletion(request(url));
    expect(r).toMatchObject({ ok: true, text: 'The answer is 4.', reasoning: 'hmm, yes' });
    expect(r.answerTtftMs! - r.ttftMs!).toBeGreaterThanOrEqual(180);
  });

  it('splits a <think> block the model opened itself', async () => {
    const url = await serve(() => [
      { afterMs: 20, text: frame({ content: '<think>plan' }) },
      { afterMs: 100, text: frame({ content: '</think>Done.' }) },
      { afterMs: 2, text: frame({}, 'stop') },
    ]);
    const r = await streamChatCompletion(request(url));
    expect(r).toMatchObject({ ok: true, text: 'Done.', reasoning: 'plan' });
    expect(r.answerTtftMs! - r.ttftMs!).toBeGreaterThanOrEqual(80);
  });

  it('passes a stream capped at max_tokens while still reasoning: generated output, no answer', async () => {
    const url = await serve(() => [...tokens(16, () => ({ reasoning: 'step ' })), { afterMs: 2, text: `${frame({}, 'length')}${usageFrame(16)}data: [DONE]\n\n` }]);
    const r = await streamChatCompletion(request(url));
    expect(r).toMatchObject({ ok: true, finishReason: 'length', text: '', answerTtftMs: null, contentChunks: 16, usageOutputTokens: 16 });
  });

  it('counts tool-call deltas as generated output', async () => {
    const url = await serve(() => [
      { afterMs: 30, text: frame({ tool_calls: [{ index: 0, id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '' } }] }) },
      ...tokens(3, (i) => ({ tool_calls: [{ index: 0, function: { arguments: ['{"city"', ':"Paris', '"}'][i] } }] })),
      { afterMs: 2, text: frame({}, 'tool_calls') },
    ]);
    const r = await streamChatCompletion(request(url));
    expect(r).toMatchObject({ ok: true, finishReason: 'tool_calls', contentChunks: 4, text: '' });
    expect(r.ttftMs!).toBeGreaterThanOrEqual(25);
  });

  it("reads the engine's own running token count per chunk (llama.cpp timings.predicted_n)", async () => {
    const url = await serve(() => [
      ...[1, 5, 9, 13].map((n) => ({ afterMs: 5, text: frame({ content: 'four tokens here ' }, null, { timings: { predicted_n: n } }) })),
      { afterMs: 2, text: frame({}, 'stop', { timings: { predicted_n: 13 } }) },
    ]);
    const r = await streamChatCompletion(request(url));
    expect(r).toMatchObject({ ok: true, chunkTokens: [1, 4, 4, 4] });
  });
});
