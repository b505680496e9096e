import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startSimulator, type RunningSimulator, type SimulatorOptionsInput } from '../../src/sim/server.ts';
import { chunks, contentOf, frames, postChat } from './sse.ts';

const running: RunningSimulator[] = [];
async function sim(options: SimulatorOptionsInput = {}): Promise<RunningSimulator> {
  const s = await startSimulator({ ttftMs: 5, decodeMsPerToken: 1, jitter: 0, ...options });
  running.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

const answers = [
  { prompt: 'What is the capital of France?', reference: 'The capital of France is Paris.' },
  { prompt: 'What is 6 times 7?', reference: '42' },
];
const ask = (content: string, extra: Record<string, unknown> = {}) => ({
  model: 'sim-model',
  messages: [{ role: 'user', content }],
  ...extra,
});

const completionSchema = z.object({
  id: z.string().min(1),
  object: z.literal('chat.completion'),
  model: z.literal('sim-model'),
  choices: z
    .array(
      z.object({
        index: z.literal(0),
        message: z.object({ role: z.literal('assistant'), content: z.string() }),
        finish_reason: z.enum(['stop', 'length']),
      }),
    )
    .length(1),
  usage: z.object({ prompt_tokens: z.number().int().positive(), completion_tokens: z.number().int().positive(), total_tokens: z.number().int() }),
});

describe('simulator: chat completions', () => {
  it('streams one token per SSE chunk, the finish reason on the last one, then a usage chunk with no choices and [DONE]', async () => {
    const s = await sim({ answers });
    const res = await postChat(s.url, ask('What is the capital of France?', { stream: true, stream_options: { include_usage: true } }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const text = await res.text();
    for (const f of frames(text)) expect(f).toMatch(/^data: /);
    const cs = chunks(text);
    expect(cs[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '' });
    const content = contentOf(cs);
    expect(content.join('')).toBe('The capital of France is Paris.');
    expect(content).toEqual(['The', ' capital', ' of', ' France', ' is', ' Paris', '.']);
    const withChoices = cs.filter((c) => c.choices.length > 0);
    expect(withChoices.at(-1)!.choices[0]!.finish_reason).toBe('stop');
    expect(withChoices.slice(0, -1).every((c) => c.choices[0]!.finish_reason === null)).toBe(true);
    const last = cs.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual({ prompt_tokens: 7, completion_tokens: 7, total_tokens: 14 });
  });

  it('sends no usage chunk unless stream_options.include_usage asks for it', async () => {
    const s = await sim({ answers });
    const cs = chunks(await (await postChat(s.url, ask('What is 6 times 7?', { stream: true }))).text());
    expect(cs.some((c) => c.usage != null)).toBe(false);
    expect(contentOf(cs)).toEqual(['42']);
  });

  it('answers without streaming in the OpenAI completion shape', async () => {
    const s = await sim({ answers });
    const res = await postChat(s.url, ask('Please answer. What is 6 times 7?'));
    expect(res.status).toBe(200);
    const body = completionSchema.parse(await res.json());
    expect(body.choices[0]!.message.content).toBe('42');
    expect(body.usage).toEqual({ prompt_tokens: 9, completion_tokens: 1, total_tokens: 10 });
  });

  it('answers unknown prompts with filler of the configured length', async () => {
    const s = await sim({ fillerTokens: 17 });
    const body = completionSchema.parse(await (await postChat(s.url, ask('Tell me a story'))).json());
    expect(body.usage.completion_tokens).toBe(17);
    expect(body.choices[0]!.finish_reason).toBe('stop');
  });

  it('produces exactly max_tokens tokens with ignore_eos, and at least min_tokens with min_tokens', async () => {
    const s = await sim({ answers });
    const exact = chunks(
      await (await postChat(s.url, ask('What is 6 times 7?', { stream: true, max_tokens: 50, ignore_eos: true, stream_options: { include_usage: true } }))).text(),
    );
    expect(contentOf(exact)).toHaveLength(50);
    expect(exact.at(-1)!.usage!.completion_tokens).toBe(50);
    expect(exact.filter((c) => c.choices.length > 0).at(-1)!.choices[0]!.finish_reason).toBe('length');

    const atLeast = completionSchema.parse(await (await postChat(s.url, ask('What is 6 times 7?', { min_tokens: 20, max_tokens: 100 }))).json());
    expect(atLeast.usage.completion_tokens).toBe(20);
    expect(atLeast.choices[0]!.message.content.startsWith('42 ')).toBe(true);
  });

  it('cuts the answer at max_tokens with finish reason length', async () => {
    const s = await sim({ answers });
    const body = completionSchema.parse(await (await postChat(s.url, ask('What is the capital of France?', { max_tokens: 3 }))).json());
    expect(body.choices[0]!.message.content).toBe('The capital of');
    expect(body.choices[0]!.finish_reason).toBe('length');
  });

  it('rejects a wrong model with 404 and a malformed request with 400, each with an error body', async () => {
    const s = await sim();
    const wrong = await postChat(s.url, { ...ask('hi'), model: 'other' });
    expect(wrong.status).toBe(404);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toContain('other');
    const bad = await postChat(s.url, { model: 'sim-model' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 400 } });
  });

  it('answers legacy /v1/completions, streamed and not, with text chunks and usage', async () => {
    const s = await sim({ answers });
    const res = await fetch(`${s.url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'sim-model', prompt: 'What is 6 times 7?', stream: true, stream_options: { include_usage: true } }),
    });
    const events = frames(await res.text()).slice(0, -1).map((f) => JSON.parse(f.slice(6)) as { object: string; choices: { text: string }[]; usage?: { completion_tokens: number } });
    expect(events.every((e) => e.object === 'text_completion')).toBe(true);
    expect(events.flatMap((e) => e.choices.map((c) => c.text)).join('')).toBe('42');
    expect(events.at(-1)!.usage!.completion_tokens).toBe(1);
    const plain = await fetch(`${s.url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'ping', max_tokens: 1 }) });
    expect(await plain.json()).toMatchObject({ object: 'text_completion', choices: [{ finish_reason: 'length' }], usage: { completion_tokens: 1 } });
  });

  it('lists its model on /v1/models', async () => {
    const s = await sim({ model: 'org/tiny' });
    expect(await (await fetch(`${s.url}/v1/models`)).json()).toMatchObject({ object: 'list', data: [{ id: 'org/tiny', object: 'model' }] });
  });
});

describe('simulator: determinism', () => {
  const many = Array.from({ length: 30 }, (_, i) => ({ prompt: `Question number ${i}?`, reference: `Answer ${i}` }));
  async function outputs(seed: number): Promise<string[]> {
    const s = await sim({ answers: many, errorRate: 0.5, seed });
    const out: string[] = [];
    for (const a of many) {
      const body = completionSchema.parse(await (await postChat(s.url, ask(a.prompt))).json());
      out.push(body.choices[0]!.message.content);
    }
    return out;
  }

  it('gives the same answers, wrong ones included, for the same seed, and other wrong ones for another seed', async () => {
    const a = await outputs(7);
    const b = await outputs(7);
    const c = await outputs(8);
    expect(a).toEqual(b);
    const wrong = a.filter((o, i) => o !== many[i]!.reference).length;
    expect(wrong).toBeGreaterThan(5);
    expect(wrong).toBeLessThan(25);
    expect(c).not.toEqual(a);
  });
});

describe('simulator: loading', () => {
  it('keeps the port open but answers 503 with an error body until the load time has passed', async () => {
    const s = await sim({ loadTimeMs: 800 });
    const health = await fetch(`${s.url}/health`);
    expect(health.status).toBe(503);
    const early = await postChat(s.url, ask('hi', { max_tokens: 1 }));
    expect(early.status).toBe(503);
    expect(await early.json()).toMatchObject({ error: { code: 503 } });
    expect(s.stats().loaded).toBe(false);
    await new Promise((r) => setTimeout(r, 900));
    expect((await fetch(`${s.url}/health`)).status).toBe(200);
    expect((await postChat(s.url, ask('hi', { max_tokens: 1 }))).status).toBe(200);
  });
});

describe('simulator: latency', () => {
  it('stamps each content chunk on its schedule, keyed by x-request-id', async () => {
    const s = await sim({ ttftMs: 30, decodeMsPerToken: 5, recordSendTimes: true });
    const before = performance.timeOrigin + performance.now();
    await (await postChat(s.url, ask('x', { stream: true, max_tokens: 40, ignore_eos: true }), { 'x-request-id': 'req-a' })).text();
    const t = s.sendTimes().get('req-a')!;
    expect(t.chunks).toHaveLength(40);
    expect(t.receivedAt).toBeGreaterThanOrEqual(before);
    // Scheduled by absolute target from the request's start: chunk k never leaves before 30 + 5k ms, and
    // timer lateness does not accumulate (the last chunk is late by at most one timer's delay, not 40 of them).
    for (const [k, at] of t.chunks.entries()) expect(at - t.receivedAt).toBeGreaterThanOrEqual(30 + 5 * k - 1);
    expect(t.chunks.at(-1)! - t.receivedAt).toBeLessThan(30 + 5 * 39 + 1000);
  });

  it('slows every stream down as more requests run at once', async () => {
    const s = await sim({ ttftMs: 10, decodeMsPerToken: 10, slowdownPerActive: 0.5, recordSendTimes: true });
    const body = ask('x', { stream: true, max_tokens: 30, ignore_eos: true });
    await (await postChat(s.url, body, { 'x-request-id': 'alone' })).text();
    await Promise.all(Array.from({ length: 8 }, async (_, i) => (await postChat(s.url, body, { 'x-request-id': `busy-${i}` })).text()));
    const span = (id: string) => {
      const c = s.sendTimes().get(id)!.chunks;
      return c.at(-1)! - c[0]!;
    };
    // Alone: 29 steps of 10 ms; eight at once: factor 1 + 0.5 * 7 = 4.5 while all run.
    expect(span('busy-0') / span('alone')).toBeGreaterThan(2);
  });

  it('queues requests beyond maxRunning and reports them as waiting in /metrics', async () => {
    const s = await sim({ maxRunning: 1, decodeMsPerToken: 20 });
    const body = ask('x', { max_tokens: 20, ignore_eos: true });
    const both = Promise.all([postChat(s.url, body), postChat(s.url, body)]);
    await new Promise((r) => setTimeout(r, 150));
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toContain('vllm:num_requests_running{model_name="sim-model",engine="0"} 1.0');
    expect(metrics).toContain('vllm:num_requests_waiting{model_name="sim-model",engine="0"} 1.0');
    expect(s.stats()).toMatchObject({ active: 1, waiting: 1 });
    for (const r of await both) expect(r.status).toBe(200);
  });
});

describe('simulator: metrics', () => {
  it("exposes vLLM's Prometheus names with HELP and TYPE lines and counts tokens", async () => {
    const s = await sim({ answers });
    await (await postChat(s.url, ask('What is 6 times 7?'))).json();
    const res = await fetch(`${s.url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    for (const name of ['vllm:num_requests_running', 'vllm:num_requests_waiting', 'vllm:kv_cache_usage_perc']) {
      expect(text).toContain(`# TYPE ${name} gauge`);
    }
    expect(text).toContain('vllm:prompt_tokens_total{model_name="sim-model",engine="0"} 6.0');
    expect(text).toContain('vllm:generation_tokens_total{model_name="sim-model",engine="0"} 1.0');
    expect(text).toContain('vllm:request_success_total{model_name="sim-model",engine="0",finished_reason="stop"} 1.0');
    for (const line of text.trim().split('\n')) expect(line).toMatch(/^(# (HELP|TYPE) \S+ .+|[a-z_:]+(\{[^}]*\})? [\d.e+-]+)$/);
  });
});

describe('simulator: faults', () => {
  it('dies when request N+1 arrives: sockets cut, port closed, onCrash called', async () => {
    let crashed = 0;
    const s = await startSimulator({ ttftMs: 5, decodeMsPerToken: 1, faults: { crashAfterRequests: 2 } }, { onCrash: () => crashed++ });
    running.push(s);
    for (let i = 0; i < 2; i++) expect((await postChat(s.url, ask('hi', { max_tokens: 2 }))).status).toBe(200);
    await expect(postChat(s.url, ask('hi', { max_tokens: 2 }))).rejects.toThrow();
    expect(crashed).toBe(1);
    expect(s.stats().crashed).toBe(true);
    await expect(fetch(`${s.url}/health`)).rejects.toThrow();
  });

  it('dies after crashAfterMs even while still loading', async () => {
    let crashed = false;
    const s = await startSimulator({ loadTimeMs: 60_000, faults: { crashAfterMs: 200 } }, { onCrash: () => (crashed = true) });
    running.push(s);
    expect((await fetch(`${s.url}/health`)).status).toBe(503);
    await new Promise((r) => setTimeout(r, 400));
    expect(crashed).toBe(true);
    await expect(fetch(`${s.url}/health`)).rejects.toThrow();
  });

  it('accepts a request and never answers it when hanging', async () => {
    const s = await sim({ faults: { hang: 'no-response' } });
    await expect(postChat(s.url, ask('hi', { stream: true }), {}, AbortSignal.timeout(500))).rejects.toThrow(/abort|timeout/i);
    expect(s.stats().inferenceRequests).toBe(1);
  });

  it('stalls a stream after its first token, leaving the connection open', async () => {
    const s = await sim({ faults: { hang: 'after-first-chunk' } });
    const res = await postChat(s.url, ask('hi', { stream: true, max_tokens: 10 }));
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('"content":"') || text.split('data: ').length < 3) text += new TextDecoder().decode((await reader.read()).value);
    const next = await Promise.race([reader.read().then(() => 'more'), new Promise((r) => setTimeout(() => r('stalled'), 500))]);
    expect(next).toBe('stalled');
    expect(s.stats().active).toBe(1);
    await reader.cancel();
  });

  it('emits one data line that is not JSON in the middle of the stream', async () => {
    const s = await sim({ faults: { malformedSse: true } });
    const text = await (await postChat(s.url, ask('hi', { stream: true, max_tokens: 10, ignore_eos: true }))).text();
    const bad = frames(text).filter((f) => {
      if (f === 'data: [DONE]') return false;
      try {
        JSON.parse(f.slice(6));
        return false;
      } catch {
        return true;
      }
    });
    expect(bad).toHaveLength(1);
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('fails a stream halfway with an in-band error event and no [DONE]', async () => {
    const s = await sim({ faults: { streamErrorRate: 1 } });
    const res = await postChat(s.url, ask('hi', { stream: true, max_tokens: 10, ignore_eos: true }));
    expect(res.status).toBe(200);
    const all = frames(await res.text());
    expect(all.at(-1)).toMatch(/^data: \{"error":\{"message":"Injected failure/);
    expect(all).not.toContain('data: [DONE]');
    expect(all.filter((f) => f.includes('"content":"')).length).toBeLessThan(10);
  });

  it('answers HTTP 500 at the configured rate, sparing the first requests', async () => {
    const s = await sim({ faults: { httpErrorRate: 1, afterRequests: 2 } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await postChat(s.url, ask('hi', { max_tokens: 1 }))).status);
    expect(statuses).toEqual([200, 200, 500, 500]);
  });
});
