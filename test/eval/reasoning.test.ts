import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/eval/dataset.ts';
import { runEval } from '../../src/eval/runner.ts';
import { silentLogger } from '../../src/log.ts';
import { writeDataset } from './helpers.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

/** A real server answering non-streamed chat completions with the message `answer(prompt)` returns. */
async function server(answer: (prompt: string) => { message: Record<string, unknown>; finish_reason?: string | null }): Promise<string> {
  const s = createServer((req, res) => {
    let raw = '';
    req.on('data', (b: Buffer) => (raw += b.toString('utf8')));
    req.on('end', () => {
      const body = JSON.parse(raw) as { messages: { content: string }[] };
      const a = answer(body.messages.at(-1)!.content);
      const choice = { index: 0, message: { role: 'assistant', ...a.message }, ...('finish_reason' in a ? { finish_reason: a.finish_reason } : {}) };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'x', object: 'chat.completion', choices: [choice], usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 } }));
    });
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => s.close(() => r())));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

async function suite() {
  const d = await writeDataset({ name: 'mini', version: 'v1', dimensions: { factual: { scorer: 'exact' } } }, [
    { id: 'fr', prompt: 'Capital of France?', reference: 'Paris', dimension: 'factual' },
    { id: 'it', prompt: 'Capital of Italy?', reference: 'Rome', dimension: 'factual' },
    { id: 'de', prompt: 'Capital of Germany?', reference: 'Berlin', dimension: 'factual' },
  ]);
  closers.push(d.cleanup);
  return loadDataset(d.dir);
}

const run = async (url: string) =>
  runEval({ baseURL: url, model: 'm', dataset: await suite(), concurrency: 2, timeoutS: 10, retries: 0, maxTokens: 64, temperature: 0 }, silentLogger);

describe('eval: reasoning is kept out of what scorers see', () => {
  it('scores the answer alone, whether reasoning came in its own field, a think block, or after a template-opened block', async () => {
    const url = await server((prompt) => {
      if (prompt.includes('France')) return { message: { content: 'Paris', reasoning: 'France… its capital is Rome? No, Paris.' }, finish_reason: 'stop' };
      if (prompt.includes('Italy')) return { message: { content: '<think>Rome, surely.</think>\n\nRome' }, finish_reason: 'stop' };
      return { message: { content: 'Capital of Germany: Bonn until 1990, now…</think>\n\nBerlin' }, finish_reason: 'stop' };
    });
    const q = await run(url);
    expect(q.dimensions.factual!.score).toBe(1);
    expect(q.dimensions.factual!.items.map((i) => i.output)).toEqual(['Paris', 'Rome', 'Berlin']);
  });

  it('counts an answer without a finish_reason as truncated: a failed item, not a scored one', async () => {
    const url = await server((prompt) => (prompt.includes('Italy') ? { message: { content: 'Ro' } } : { message: { content: prompt.includes('France') ? 'Paris' : 'Berlin' }, finish_reason: 'stop' }));
    const q = await run(url);
    expect(q.requests).toMatchObject({ failed: 1, truncated: 1 });
    const it = q.dimensions.factual!.items.find((i) => i.id === 'it')!;
    expect(it).toMatchObject({ score: 0 });
    expect(it.error).toMatch(/^truncated/);
  });
});
