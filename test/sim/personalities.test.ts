import { afterEach, describe, expect, it } from 'vitest';
import { ENGINE_NAMES, type EngineName } from '../../src/engines/registry.ts';
import { personalities } from '../../src/sim/personalities.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';
import { chunks, contentOf, postChat } from './sse.ts';

const running: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

const answers = [{ prompt: 'Name the capital of France.', reference: 'Paris is the capital.' }];
async function sim(engine: EngineName, loadTimeMs = 0): Promise<RunningSimulator> {
  const s = await startSimulator({ engine, loadTimeMs, answers, ttftMs: 5, decodeMsPerToken: 1, jitter: 0, model: 'org/model-1' });
  running.push(s);
  return s;
}
const ask = (extra: Record<string, unknown> = {}) => ({ model: 'org/model-1', messages: [{ role: 'user', content: 'Name the capital of France.' }], ...extra });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Status of a GET, or 'refused' when nothing accepts the connection. */
const statusOf = (url: string) => fetch(url).then((r) => r.status, () => 'refused' as const);

describe.each(ENGINE_NAMES)('simulator personality %s', (engine) => {
  const p = personalities[engine];

  it('follows its readiness phases while the model loads', async () => {
    const s = await sim(engine, 700);
    const chat = () => postChat(s.url, ask({ max_tokens: 1 })).then((r) => r.status, () => 'refused' as const);
    if (p.readiness === 'port-closed') {
      expect(await statusOf(`${s.url}/v1/models`)).toBe('refused');
      expect(await chat()).toBe('refused');
    } else if (p.readiness === 'open-503') {
      for (const probe of p.probes) expect(await statusOf(`${s.url}${probe.path}`)).toBe(probe.loading?.status ?? probe.ready.status);
      expect(await chat()).toBe(p.loadingAnswer!.status);
    } else {
      // Lazy: healthy at once, and the first inference waits for the load instead of failing.
      for (const probe of p.probes) expect(await statusOf(`${s.url}${probe.path}`)).toBe(200);
      const t0 = performance.now();
      expect(await chat()).toBe(200);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(650);
    }
    await sleep(800 + p.warmupMs);
    for (const probe of p.probes) expect(await statusOf(`${s.url}${probe.path}`)).toBe(probe.ready.status);
    expect(await chat()).toBe(200);
    expect(s.stats().loaded).toBe(true);
  });

  it('streams a completion in its framing with usage where the engine puts it', async () => {
    const s = await sim(engine);
    const res = await postChat(s.url, ask({ stream: true, stream_options: { include_usage: true } }));
    expect(res.status).toBe(200);
    for (const [name, value] of Object.entries(p.headers)) expect(res.headers.get(name)).toBe(value);
    const cs = chunks(await res.text());
    const content = contentOf(cs);
    expect(content.join('')).toBe('Paris is the capital.');
    const withUsage = cs.filter((c) => c.usage != null);
    expect(withUsage).toHaveLength(1);
    const usage = withUsage[0]!;
    if (p.stream.usage === 'own-chunk' || p.stream.finish === 'last-token') expect(usage.choices).toEqual([]);
    else expect(usage.choices[0]!.finish_reason).toBe('stop');
    // An engine that streams its EOS counts it as a generated token.
    expect(usage.usage!.completion_tokens).toBe(content.length + (p.stream.eosChunk ? 1 : 0));
    expect(cs.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter((f) => f !== null)).toEqual(['stop']);
  });

  it('honours the exact-length fields the engine honours, and only those', async () => {
    const s = await sim(engine);
    const text = await (await postChat(s.url, ask({ stream: true, max_tokens: 24, ignore_eos: true, min_tokens: 24, stream_options: { include_usage: true } }))).text();
    const produced = contentOf(chunks(text)).length;
    if (p.exactLength.ignoreEos || p.exactLength.minTokens) expect(produced).toBe(24);
    else expect(produced).toBe(5);
  });

  it('exposes its Prometheus names, or no metrics where the engine has none', async () => {
    const s = await sim(engine);
    await (await postChat(s.url, ask())).text();
    if (p.metrics === null) {
      expect(await statusOf(`${s.url}/metrics`)).toBe(404);
      return;
    }
    const text = await (await fetch(`${s.url}${p.metrics.path}`)).text();
    for (const name of [p.metrics.running, p.metrics.waiting, p.metrics.kvCache].filter((n) => n !== null)) {
      expect(text).toMatch(new RegExp(`^${name}(\\{[^}]*\\})? 0(\\.0)?$`, 'm'));
    }
    if (p.metrics.generationTokens) expect(text).toMatch(new RegExp(`^${p.metrics.generationTokens}(\\{[^}]*\\})? 5(\\.0)?$`, 'm'));
  });

  it('lists the model with its owner and answers a bad request in its error shape', async () => {
    const s = await sim(engine);
    const models = (await (await fetch(`${s.url}/v1/models`)).json()) as { data: { id: string; owned_by: string }[] };
    expect(models.data[0]).toMatchObject({ id: 'org/model-1', owned_by: p.models.ownedBy.replace('{model}', 'org/model-1') });
    const bad = await postChat(s.url, { model: 'org/model-1', messages: [] });
    expect(bad.status).toBe(p.errors.badRequest.status);
    const body = (await bad.json()) as Record<string, unknown>;
    const type = p.errors.shape === 'tgi' ? body.error_type : p.errors.shape === 'object-error' ? body.type : (body.error as { type: string }).type;
    expect(type).toBe(p.errors.badRequest.type);
  });
});

describe('personality facts taken from the engines', () => {
  it('vLLM refuses connections while loading, then answers /health 200 and vllm: metrics', async () => {
    expect(personalities.vllm.readiness).toBe('port-closed');
    const s = await sim('vllm');
    const text = await (await fetch(`${s.url}/metrics`)).text();
    expect(text).toContain('vllm:num_requests_running{model_name="org/model-1",engine="0"} 0.0');
    expect(text).toContain('vllm:kv_cache_usage_perc{model_name="org/model-1",engine="0"} 0.0');
  });

  it("llama.cpp answers every path 503 'Loading model' while loading and names itself in the Server header", async () => {
    const s = await sim('llamacpp', 5000);
    for (const path of ['/health', '/v1/models', '/metrics']) {
      const r = await fetch(`${s.url}${path}`);
      expect(r.status).toBe(503);
      expect(r.headers.get('server')).toBe('llama.cpp');
      expect(await r.json()).toEqual({ error: { message: 'Loading model', type: 'unavailable_error', code: 503 } });
    }
  });

  it('llama.cpp writes unlabelled llamacpp: metrics whose counter TYPE lines keep _total', async () => {
    const s = await sim('llamacpp');
    await (await postChat(s.url, ask())).text();
    const text = await (await fetch(`${s.url}/metrics`)).text();
    expect(text).toContain('# TYPE llamacpp:tokens_predicted_total counter\nllamacpp:tokens_predicted_total 5\n');
    expect(text).toContain('llamacpp:requests_processing 0\n');
    expect(text).toContain('llamacpp:requests_deferred 0\n');
  });

  it('llama.cpp opens with a role delta whose content is null and puts timings on the last chunk', async () => {
    const s = await sim('llamacpp');
    const res = await postChat(s.url, ask({ stream: true, stream_options: { include_usage: true } }));
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    const text = await res.text();
    expect(text.split('\n\n')[0]).toContain('"delta":{"role":"assistant","content":null}');
    const lastData = text.split('\n\n').filter((f) => f.startsWith('data: {')).at(-1)!;
    expect(lastData).toContain('"timings":');
    expect(lastData).toContain('"usage":');
  });

  it('llama.cpp answers a non-JSON body 500, caps an overlong max_tokens, and lists models twice over', async () => {
    const s = await startSimulator({ engine: 'llamacpp', maxModelLen: 64, ttftMs: 1, decodeMsPerToken: 0, jitter: 0 });
    running.push(s);
    const broken = await fetch(`${s.url}/v1/chat/completions`, { method: 'POST', body: '{"messages":' });
    expect(broken.status).toBe(500);
    expect(await broken.json()).toMatchObject({ error: { code: 500, type: 'server_error' } });
    const capped = await postChat(s.url, { messages: [{ role: 'user', content: 'one two three four' }], max_tokens: 600, ignore_eos: true });
    const body = (await capped.json()) as { usage: { completion_tokens: number }; choices: { finish_reason: string }[] };
    expect(body.usage.completion_tokens).toBe(60);
    expect(body.choices[0]!.finish_reason).toBe('length');
    const models = (await (await fetch(`${s.url}/v1/models`)).json()) as { models: { name: string }[] };
    expect(models.models[0]!.name).toBe('sim-model');
  });

  it('llama.cpp queues beyond its 4 slots as requests_deferred and counts predicted tokens when a request ends', async () => {
    const s = await startSimulator({ engine: 'llamacpp', ttftMs: 5, decodeMsPerToken: 20, jitter: 0 });
    running.push(s);
    const body = { messages: [{ role: 'user', content: 'x' }], max_tokens: 20, ignore_eos: true, stream: true };
    const all = Promise.all(Array.from({ length: 6 }, async () => (await postChat(s.url, body)).text()));
    await sleep(150);
    const during = await (await fetch(`${s.url}/metrics`)).text();
    expect(during).toContain('llamacpp:requests_processing 4\n');
    expect(during).toContain('llamacpp:requests_deferred 2\n');
    expect(during).toContain('llamacpp:tokens_predicted_total 0\n');
    await all;
    expect(await (await fetch(`${s.url}/metrics`)).text()).toContain('llamacpp:tokens_predicted_total 120\n');
  });

  it('llama.cpp puts usage in the final chunk of a /v1/completions stream even unasked', async () => {
    const s = await sim('llamacpp');
    const res = await fetch(`${s.url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: 'hello', max_tokens: 3, stream: true }) });
    const events = (await res.text()).split('\n\n').filter((f) => f.startsWith('data: {')).map((f) => JSON.parse(f.slice(6)) as Record<string, unknown>);
    expect(events.at(-1)).toMatchObject({ choices: [{ text: '', finish_reason: 'length' }], usage: { completion_tokens: 3 } });
    expect(events.at(-1)).toHaveProperty('timings');
    expect(events.slice(0, -1).every((e) => e.usage === undefined)).toBe(true);
  });

  it('vLLM refuses a request whose prompt and max_tokens exceed the context', async () => {
    const s = await startSimulator({ engine: 'vllm', maxModelLen: 64 });
    running.push(s);
    const res = await postChat(s.url, { messages: [{ role: 'user', content: 'one two three four' }], max_tokens: 600 });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { type: 'BadRequestError', code: 400 } });
  });

  it('TGI streams the role on every delta, ends a stop with an empty EOS chunk and reports errors as error/error_type', async () => {
    const s = await sim('tgi');
    const text = await (await postChat(s.url, ask({ stream: true }))).text();
    const cs = chunks(text);
    expect(cs.every((c) => c.choices.every((ch) => ch.delta.role === 'assistant'))).toBe(true);
    expect(cs.at(-1)!.choices[0]).toMatchObject({ delta: { content: '' }, finish_reason: 'stop' });
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toContain('tgi_queue_size 0');
    expect(metrics).toContain('tgi_batch_current_size 0');
  });

  it('SGLang answers /health 503 during warm-up after its port opens', async () => {
    const s = await sim('sglang', 300);
    expect(await statusOf(`${s.url}/health`)).toBe('refused');
    await sleep(400);
    expect(await statusOf(`${s.url}/health`)).toBe(503);
    expect((await postChat(s.url, ask({ max_tokens: 1 }))).status).toBe(200);
    await sleep(personalities.sglang.warmupMs);
    expect(await statusOf(`${s.url}/health`)).toBe(200);
  });

  it('Ollama is "running" before its model is loaded, and only an inference loads it', async () => {
    const s = await sim('ollama', 400);
    const root = await fetch(`${s.url}/`);
    expect(await root.text()).toBe('Ollama is running');
    expect(s.stats().loaded).toBe(false);
    await sleep(500);
    expect(s.stats().loaded).toBe(false);
    expect((await postChat(s.url, ask({ max_tokens: 1 }))).status).toBe(200);
    expect(s.stats().loaded).toBe(true);
    const wrong = await postChat(s.url, { ...ask(), model: 'llama9' });
    expect(wrong.status).toBe(404);
    expect(await wrong.json()).toEqual({ error: { message: 'model "llama9" not found, try pulling it first', type: 'not_found_error', param: null, code: null } });
  });

  it('NIM is live at once but ready only after loading, and proxies /v1 to a backend that is not up yet', async () => {
    const s = await sim('nim', 5000);
    expect(await statusOf(`${s.url}/v1/health/live`)).toBe(200);
    expect(await statusOf(`${s.url}/v1/health/ready`)).toBe(503);
    expect(await statusOf(`${s.url}/v1/models`)).toBe(502);
  });
});
