import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, type Dataset } from '../../src/eval/dataset.ts';
import { runEval, type EvalOptions } from '../../src/eval/runner.ts';
import { qualityFailures } from '../../src/eval/summary.ts';
import { silentLogger } from '../../src/log.ts';
import { qualitySchema } from '../../src/report/schema.ts';
import { referenceAnswers } from '../../src/eval/reference-answers.ts';
import type { SimulatorOptionsInput } from '../../src/sim/options.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';
import { writeDataset } from './helpers.ts';

const running: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

async function sim(options: SimulatorOptionsInput): Promise<RunningSimulator> {
  const s = await startSimulator({ ttftMs: 5, decodeMsPerToken: 0.5, jitter: 0, ...options });
  running.push(s);
  return s;
}

async function dataset(manifest: Record<string, unknown>, items: Array<Record<string, unknown>>): Promise<Dataset> {
  const d = await writeDataset(manifest, items);
  running.push({ close: d.cleanup });
  return loadDataset(d.dir);
}

function options(target: RunningSimulator, ds: Dataset, extra: Partial<EvalOptions> = {}): EvalOptions {
  return { baseURL: target.url, model: 'sim-model', dataset: ds, concurrency: 4, timeoutS: 20, retries: 1, maxTokens: 256, temperature: 0, ...extra };
}

describe('runEval on the starter suite', () => {
  let starter: Dataset;
  beforeAll(async () => {
    starter = await loadDataset('datasets/starter/v1');
  });

  it('scores 1.0 on every dimension against a simulator that answers with the references', async () => {
    const target = await sim({ answers: await referenceAnswers('datasets/starter/v1'), errorRate: 0 });
    const q = await runEval(options(target, starter), silentLogger);
    expect(qualitySchema.parse(q)).toEqual(q);
    for (const [name, d] of Object.entries(q.dimensions)) expect(d.score, name).toBe(1);
    expect(q.dataset).toMatchObject({ name: 'starter', version: 'v1', sha256: starter.sha256, items: starter.items.length });
    expect(q.requests).toEqual({ sent: starter.items.length, retries: 0, failed: 0 });
    const first = q.dimensions.instruction_following!.items[0]!;
    expect(first).toMatchObject({ id: 'if-ok', output: 'OK', score: 1, line: 1 });
    expect(first.latencyMs).toBeGreaterThanOrEqual(0);
    expect(qualityFailures(q)).toEqual([]);
  });

  it('scores wrong answers 0 with a reason, the same items in every run', async () => {
    const answers = await referenceAnswers('datasets/starter/v1');
    const runOnce = async () => runEval(options(await sim({ answers, errorRate: 0.4 }), starter), silentLogger);
    const [a, b] = [await runOnce(), await runOnce()];
    const failing = Object.values(a.dimensions).flatMap((d) => d.items.filter((i) => i.score < 1));
    expect(failing.length).toBeGreaterThan(0);
    for (const item of failing) expect(item.reason, item.id).toBeTruthy();
    expect(Object.values(b.dimensions).map((d) => d.score)).toEqual(Object.values(a.dimensions).map((d) => d.score));
  });
});

describe('runEval failing closed', () => {
  const manifest = { name: 'mini', version: 'v1', dimensions: { factual: { scorer: 'contains' } } };
  const items = [
    { id: 'a', prompt: 'Capital of France?', reference: 'Paris', dimension: 'factual' },
    { id: 'b', prompt: 'Capital of Italy?', reference: 'Rome', dimension: 'factual' },
  ];
  const answers = items.map((i) => ({ prompt: i.prompt, reference: i.reference }));

  it('scores items whose requests keep failing 0, explains the error, and counts the retries', async () => {
    const ds = await dataset(manifest, items);
    const target = await sim({ answers, faults: { httpErrorRate: 1 } });
    const q = await runEval(options(target, ds, { retries: 2 }), silentLogger);
    expect(q.dimensions.factual!.score).toBe(0);
    for (const item of q.dimensions.factual!.items) {
      expect(item.error).toMatch(/^HTTP 500/);
      expect(item.reason).toBe('no answer: the request failed');
    }
    expect(q.requests).toEqual({ sent: 6, retries: 4, failed: 2 });
  });

  it('recovers from transient server errors by counted retries', async () => {
    const ds = await dataset(manifest, [...items, ...items.map((i) => ({ ...i, id: `${i.id}2` }))]);
    const target = await sim({ answers, faults: { httpErrorRate: 0.5 }, seed: 3 });
    const q = await runEval(options(target, ds, { retries: 8, concurrency: 1 }), silentLogger);
    expect(q.dimensions.factual!.score).toBe(1);
    expect(q.requests!.retries).toBeGreaterThan(0);
    expect(q.requests!.failed).toBe(0);
    expect(q.requests!.sent).toBe(4 + q.requests!.retries);
  });

  it('does not retry a client error such as an unknown model', async () => {
    const ds = await dataset(manifest, items);
    const target = await sim({ answers });
    const q = await runEval(options(target, ds, { model: 'no-such-model', retries: 3 }), silentLogger);
    expect(q.dimensions.factual!.items[0]!.error).toMatch(/^HTTP 404/);
    expect(q.requests).toEqual({ sent: 2, retries: 0, failed: 2 });
  });

  it('gives up on a server that never answers after the per-request timeout', async () => {
    const ds = await dataset(manifest, items);
    const target = await sim({ answers, faults: { hang: 'no-response' } });
    const q = await runEval(options(target, ds, { timeoutS: 0.5, retries: 1 }), silentLogger);
    expect(q.dimensions.factual!.score).toBe(0);
    expect(q.dimensions.factual!.items[0]!.error).toMatch(/timed out/i);
    expect(q.requests).toMatchObject({ retries: 2, failed: 2 });
  });

  it('scores 0 with a connection error when nothing listens', async () => {
    const ds = await dataset(manifest, items);
    const target = await sim({ answers });
    await target.close();
    const q = await runEval(options(target, ds, { retries: 0 }), silentLogger);
    expect(q.dimensions.factual!.items.every((i) => i.score === 0 && /connection/i.test(i.error ?? ''))).toBe(true);
  });

  it('records a changed dataset as a different hash, and which items changed', async () => {
    const target = await sim({ answers });
    const a = await runEval(options(target, await dataset(manifest, items)), silentLogger);
    const b = await runEval(options(target, await dataset(manifest, [items[0]!, { ...items[1]!, reference: 'Roma' }])), silentLogger);
    expect(a.dataset.sha256).not.toBe(b.dataset.sha256);
    const [a0, a1] = a.dimensions.factual!.items;
    const [b0, b1] = b.dimensions.factual!.items;
    expect(b0!.sha256).toBe(a0!.sha256);
    expect(b1!.sha256).not.toBe(a1!.sha256);
  });

  it('stops when aborted', async () => {
    const ds = await dataset(manifest, items);
    const target = await sim({ answers, faults: { hang: 'no-response' } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    await expect(runEval(options(target, ds, { signal: controller.signal }), silentLogger)).rejects.toThrow();
  });
});

describe('requests as the server sees them', () => {
  let server: Server;
  let url: string;
  const bodies: Array<Record<string, unknown>> = [];
  beforeAll(async () => {
    // A minimal OpenAI-compatible chat server that records each request body and answers "48".
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const parsed = JSON.parse(body) as Record<string, unknown>;
        bodies.push(parsed);
        res.setHeader('content-type', 'application/json');
        // Model "broken" answers 200 with no choices, as a misbehaving proxy might.
        const choices = parsed.model === 'broken' ? [] : [{ index: 0, message: { role: 'assistant', content: '48' }, finish_reason: 'stop' }];
        res.end(JSON.stringify({ id: 'x', object: 'chat.completion', created: 0, model: 'm', choices }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('sends the whole conversation and the generation settings, non-streaming, and logs progress', async () => {
    const messages = [
      { role: 'system', content: 'Be terse.' },
      { role: 'user', content: 'Remember 8.' },
      { role: 'assistant', content: 'Okay.' },
      { role: 'user', content: 'Multiply it by 6.' },
    ];
    const ds = await dataset({ name: 'mt', version: 'v1', dimensions: { math: { scorer: 'numeric' } } }, [{ id: 'mt', messages, reference: '48', dimension: 'math' }]);
    const lines: string[] = [];
    const logger = { ...silentLogger, info: (m: string) => lines.push(m) };
    const q = await runEval(
      { baseURL: `${url}/v1`, model: 'm', dataset: ds, concurrency: 1, timeoutS: 10, retries: 0, maxTokens: 32, temperature: 0.2, seed: 5 },
      logger,
    );
    expect(q.dimensions.math!.score).toBe(1);
    expect(bodies.at(-1)).toMatchObject({ model: 'm', messages, max_tokens: 32, temperature: 0.2, seed: 5 });
    expect(bodies.at(-1)!.stream).toBeFalsy();
    expect(lines.some((l) => /^eval: 1\/1 items, \d+ s$/.test(l))).toBe(true);
  });

  it('fails an item closed when a 200 answer has no choices', async () => {
    const ds = await dataset({ name: 'mt', version: 'v1', dimensions: { math: { scorer: 'numeric' } } }, [{ id: 'x', prompt: '6 * 8?', reference: '48', dimension: 'math' }]);
    const q = await runEval({ baseURL: url, model: 'broken', dataset: ds, concurrency: 1, timeoutS: 10, retries: 2, maxTokens: 32, temperature: 0 }, silentLogger);
    expect(q.dimensions.math!.items[0]).toMatchObject({ score: 0, error: 'malformed response: expected at least one choice' });
    expect(q.requests).toEqual({ sent: 1, retries: 0, failed: 1 });
  });
});

describe('latency and embedding scorers against real servers', () => {
  it('scores per-item latency against its budget', async () => {
    const ds = await dataset(
      { name: 'lat', version: 'v1', dimensions: { tight: { scorer: 'latency', budgetMs: 50 }, loose: { scorer: 'latency', budgetMs: 60_000 } } },
      [{ id: 'a', prompt: 'hello', dimension: ['tight', 'loose'] }],
    );
    // The server itself takes 400 ms to the first token: over the tight budget whatever our own overhead.
    const target = await sim({ ttftMs: 400 });
    const q = await runEval(options(target, ds), silentLogger);
    expect(q.dimensions.tight!.items[0]).toMatchObject({ score: 0, reason: expect.stringMatching(/ms against a budget of 50 ms/) });
    expect(q.dimensions.loose!.score).toBe(1);
  });

  describe('embedding', () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      // A real /v1/embeddings: bag-of-words vectors over hashed word buckets.
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          const { input } = JSON.parse(body) as { input: string[] };
          const data = input.map((text, index) => {
            const v = new Array<number>(64).fill(0);
            for (const w of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) v[[...w].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 64, 7)]! += 1;
            return { object: 'embedding', index, embedding: v };
          });
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ object: 'list', data, model: 'bow', usage: { prompt_tokens: 0, total_tokens: 0 } }));
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    const items = [
      { id: 'same', prompt: 'Describe the sky.', reference: 'The sky is blue and clear today.', dimension: 'semantic' },
      { id: 'off', prompt: 'Describe the sea.', reference: 'The sea is calm and green.', dimension: 'semantic' },
    ];

    it('passes an answer close to the reference and fails an unrelated one, through the configured endpoint', async () => {
      const ds = await dataset({ name: 'emb', version: 'v1', dimensions: { semantic: { scorer: 'embedding', threshold: 0.8, baseURL: url, model: 'bow' } } }, items);
      const target = await sim({
        answers: [
          { prompt: 'Describe the sky.', reference: 'The sky is clear and blue today.' },
          { prompt: 'Describe the sea.', reference: 'Quarterly revenue grew by nine percent.' },
        ],
      });
      const q = await runEval(options(target, ds), silentLogger);
      const [same, off] = q.dimensions.semantic!.items;
      expect(same).toMatchObject({ id: 'same', score: 1 });
      expect(off!.score).toBeLessThan(0.8);
      expect(off!.reason).toMatch(/cosine similarity/);
    });

    it('fails closed when the server under test has no /v1/embeddings', async () => {
      const ds = await dataset({ name: 'emb', version: 'v1', dimensions: { semantic: { scorer: 'embedding' } } }, items);
      const q = await runEval(options(await sim({}), ds, { retries: 0 }), silentLogger);
      expect(q.dimensions.semantic!.score).toBe(0);
      expect(q.dimensions.semantic!.items[0]!.error).toMatch(/scorer "embedding" failed: HTTP 404/);
    });
  });
});
