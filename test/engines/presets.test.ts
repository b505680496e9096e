import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { detectEngine as benchEngineOf, serverPoint } from '../../src/bench/engine-metrics.ts';
import { parsePrometheus } from '../../src/bench/prometheus.ts';
import { streamChatCompletion } from '../../src/client/stream.ts';
import { targetSchema } from '../../src/config/schema.ts';
import { detectEngine } from '../../src/target/detect-engine.ts';
import { ENGINE_NAMES, type EngineName } from '../../src/engines/registry.ts';
import { ENGINE_PRESETS, exactLengthFields, streamOptions } from '../../src/engines/presets.ts';
import { silentLogger } from '../../src/log.ts';
import { personalities } from '../../src/sim/personalities.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';
import { waitForReady } from '../../src/target/readiness.ts';
import { startTarget } from '../../src/target/start.ts';

const MODEL = 'org/model-1';
const running: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function sim(engine: EngineName, loadTimeMs = 0): Promise<RunningSimulator> {
  // Filler answers are 32 tokens: shorter than the exact length asked below, so only an honoured request reaches it.
  const s = await startSimulator({ engine, loadTimeMs, model: MODEL, ttftMs: 5, decodeMsPerToken: 1, jitter: 0, fillerTokens: 32 });
  running.push(s);
  return s;
}

const urlTarget = (url: string) => startTarget(targetSchema.parse({ url }), silentLogger, {}, process.env);
const prompt = [{ role: 'user', content: 'Write about the river.' }];

/** The raw SSE frames of one streamed completion, as JSON. */
async function rawChunks(url: string, body: Record<string, unknown>): Promise<{ choices: unknown[]; usage?: unknown }[]> {
  const res = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, stream: true }) });
  const text = await res.text();
  return text
    .split('\n\n')
    .map((f) => f.replace(/^data: /, '').trim())
    .filter((f) => f.startsWith('{'))
    .map((f) => JSON.parse(f) as { choices: unknown[]; usage?: unknown });
}

describe.each(ENGINE_NAMES)('engine preset %s against its simulator personality', (engine) => {
  const p = ENGINE_PRESETS[engine];

  it('is taken as ready only once a one-token inference succeeds, probing its health path', async () => {
    const s = await sim(engine, 600);
    if (p.readiness.healthPath && p.readiness.mode === 'open-503') {
      // The health path means something: it is not 200 while the model loads.
      expect((await fetch(`${s.url}${p.readiness.healthPath}`)).status).not.toBe(200);
    }
    const target = await urlTarget(s.url);
    const t0 = performance.now();
    const outcome = await waitForReady(
      target,
      { healthPath: p.readiness.healthPath, timeoutS: 30, intervalS: 0.05, consecutive: 1, probeTimeoutS: p.readiness.probeTimeoutS ?? 10, progressEveryS: 1000 },
      silentLogger,
    );
    expect(outcome.readiness.ready).toBe(true);
    expect(outcome.model).toBe(MODEL);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(550);
    expect(s.stats().loaded).toBe(true);
  });

  it('streams a completion with usage where the preset says it arrives', async () => {
    const s = await sim(engine);
    const r = await streamChatCompletion({
      baseURL: `${s.url}/v1`,
      body: { model: MODEL, messages: prompt, max_tokens: 16, ...streamOptions(p) },
      totalTimeoutMs: 20_000,
      idleTimeoutMs: 10_000,
    });
    expect(r.ok).toBe(true);
    expect(r.usageOutputTokens).toBe(16);
    expect(r.contentChunks).toBe(16);
    const withUsage = (await rawChunks(s.url, { model: MODEL, messages: prompt, max_tokens: 16, ...streamOptions(p) })).filter((c) => c.usage != null);
    expect(withUsage).toHaveLength(1);
    if (p.usage.placement === 'own-chunk') expect(withUsage[0]!.choices).toEqual([]);
    else expect(withUsage[0]!.choices).toHaveLength(1);
  });

  it(`gets exactly the asked output length ${p.exactLength.honoured ? 'because the engine honours it' : 'only as a cap, as the engine ignores it'}`, async () => {
    const s = await sim(engine);
    const r = await streamChatCompletion({
      baseURL: `${s.url}/v1`,
      body: { model: MODEL, messages: prompt, ...exactLengthFields(p, 48), ...streamOptions(p) },
      totalTimeoutMs: 20_000,
      idleTimeoutMs: 10_000,
    });
    expect(r.ok).toBe(true);
    if (p.exactLength.honoured) {
      expect(r.usageOutputTokens).toBe(48);
      expect(r.finishReason).toBe('length');
    } else {
      expect(r.usageOutputTokens).toBeLessThan(48);
    }
  });

  it(p.metrics ? 'exposes the queue, running and KV-cache gauges under the preset names' : 'has no Prometheus endpoint, as the preset says', async () => {
    const s = await sim(engine);
    if (!p.metrics) {
      expect((await fetch(`${s.url}/metrics`)).status).toBe(404);
      return;
    }
    const res = await fetch(`${s.url}${p.metrics.path}`);
    expect(res.status).toBe(200);
    const scrape = parsePrometheus(await res.text());
    const names = new Set(scrape.samples.map((x) => x.name));
    expect(p.metrics.running.some((n) => names.has(n))).toBe(true);
    expect(p.metrics.waiting.some((n) => names.has(n))).toBe(true);
    // Current builds' KV-cache gauge; llama.cpp's went away, and the preset keeps only the old builds' name.
    const kv = personalities[engine].metrics?.kvCache;
    if (kv) expect(names.has(kv) && p.metrics.kvCacheUsage[0] === kv).toBe(true);
    // The bench reads the same names (one source of truth).
    const point = serverPoint(scrape, benchEngineOf(scrape), 0);
    expect(point.running).toBe(0);
    expect(point.waiting).toBe(0);
  });

  it(`is detected as ${engine} from what the server exposes`, async () => {
    const s = await sim(engine);
    const d = await detectEngine(s.url);
    expect(d.engine, d.evidence.join('; ')).toBe(engine);
    expect(d.confident).toBe(engine !== 'openai');
    expect(d.evidence.length).toBeGreaterThan(0);
  });
});

describe('lazy loading (Ollama)', () => {
  it('answers its health paths before the model is loaded, so they prove nothing', async () => {
    const s = await sim('ollama', 5000);
    expect((await fetch(`${s.url}/`)).status).toBe(200);
    expect((await fetch(`${s.url}/api/version`)).status).toBe(200);
    expect((await fetch(`${s.url}/v1/models`)).status).toBe(200);
    expect(s.stats().loaded).toBe(false);
  });

  it('is not taken as ready before its first inference succeeds', async () => {
    const s = await sim('ollama', 3000);
    const target = await urlTarget(s.url);
    // Probes that give up before the load ends never see a successful inference.
    const early = await waitForReady(target, { timeoutS: 1.2, intervalS: 0.05, consecutive: 1, probeTimeoutS: 0.3, progressEveryS: 1000 }, silentLogger);
    expect(early.readiness.ready).toBe(false);
    expect(early.readiness.lastError).toMatch(/not ready within/);
    const p = ENGINE_PRESETS.ollama;
    const late = await waitForReady(target, { timeoutS: 30, intervalS: 0.05, consecutive: 1, probeTimeoutS: p.readiness.probeTimeoutS!, progressEveryS: 1000 }, silentLogger);
    expect(late.readiness.ready).toBe(true);
    expect(s.stats().loaded).toBe(true);
  });
});

describe('detection', () => {
  it('names NIM although its vLLM backend shows every vLLM clue too', async () => {
    const metrics = '# TYPE vllm:num_requests_running gauge\nvllm:num_requests_running{model_name="m"} 0.0\n';
    const answers: Record<string, string> = {
      '/v1/models': '{"object":"list","data":[{"id":"m","object":"model","owned_by":"vllm"}]}',
      '/metrics': metrics,
      '/v1/metrics': metrics,
      '/v1/health/ready': '{"message":"Service is ready.","status":"ready"}',
    };
    const server = http.createServer((req, res) => {
      const body = answers[req.url ?? ''];
      res.writeHead(body === undefined ? 404 : 200, { server: 'uvicorn' }).end(body ?? '{"detail":"Not Found"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const d = await detectEngine(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
      expect(d, d.evidence.join('; ')).toMatchObject({ engine: 'nim', confident: true });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it("names llama-cpp-python's server as a generic OpenAI-compatible one, confidently, although uvicorn hints at vLLM and SGLang", async () => {
    // What llama_cpp/server/app.py answers: FastAPI behind uvicorn, owned_by "me", none of llama-server's paths.
    const server = http.createServer((req, res) => {
      if (req.url === '/v1/models') {
        res.writeHead(200, { server: 'uvicorn', 'content-type': 'application/json' });
        res.end('{"object":"list","data":[{"id":"/models/m.gguf","object":"model","owned_by":"me","permissions":[]}]}');
      } else res.writeHead(404, { server: 'uvicorn' }).end('{"detail":"Not Found"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const d = await detectEngine(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
      expect(d, d.evidence.join('; ')).toMatchObject({ engine: 'openai', confident: true });
      expect(d.evidence.join('; ')).toMatch(/owned_by "me" \(llama-cpp-python/);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('falls back to the generic preset with a notice when nothing answers', async () => {
    const s = await sim('vllm');
    const url = s.url;
    await s.close();
    const d = await detectEngine(url, { timeoutMs: 1000 });
    expect(d).toMatchObject({ engine: 'openai', confident: false });
    expect(d.evidence.join('\n')).toMatch(/did not answer[\s\S]*generic OpenAI-compatible preset/);
  });
});
