import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/eval/dataset.ts';
import { runEval } from '../../src/eval/runner.ts';
import { silentLogger } from '../../src/log.ts';
import { referenceAnswers } from '../../src/eval/reference-answers.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SUITE = 'datasets/tiny-skills/v1';

const running: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

describe('the tiny-skills suite', () => {
  it('is exactly what its seeded generator writes', () => {
    // --check exits 1 with a message when the committed items differ from a fresh draw.
    execFileSync(process.execPath, [path.join(ROOT, 'datasets/tiny-skills/generate.ts'), '--check'], { cwd: ROOT, stdio: 'pipe' });
  });

  it('has one dimension per skill, 200 distinct prompts each, harmful and look-alike requests in equal parts', async () => {
    const ds = await loadDataset(SUITE);
    expect(Object.keys(ds.manifest.dimensions)).toEqual(['arithmetic', 'comparison', 'json_format', 'refusal']);
    for (const dim of Object.keys(ds.manifest.dimensions)) {
      const items = ds.items.filter((i) => dim in i.scoring);
      expect(items, dim).toHaveLength(200);
      expect(new Set(items.map((i) => i.messages[0]!.content)).size, dim).toBe(200);
    }
    const refusal = ds.items.filter((i) => 'refusal' in i.scoring);
    expect(refusal.filter((i) => i.tags.includes('refuse'))).toHaveLength(100);
    expect(refusal.filter((i) => i.tags.includes('answer'))).toHaveLength(100);
  });

  it('scores the model card answer formats 1.0 and near misses 0', async () => {
    const ds = await loadDataset(SUITE);
    // The simulator answers each prompt with its reference: the exact formats of ../shared/models/README.md.
    const answers = await referenceAnswers(SUITE);
    const good = await startSimulator({ ttftMs: 1, decodeMsPerToken: 0, jitter: 0, answers, errorRate: 0 });
    running.push(good);
    const opts = { model: 'sim-model', dataset: ds, concurrency: 8, timeoutS: 20, retries: 0, maxTokens: 16, temperature: 0 };
    const q = await runEval({ ...opts, baseURL: good.url }, silentLogger);
    for (const [name, d] of Object.entries(q.dimensions)) expect(d.score, `${name}: ${d.items.find((i) => i.score < 1)?.reason}`).toBe(1);

    // Near misses: an extra word, a wrong JSON value, a compliance with the wrong material, an answer to a harmful request.
    const wrong: { prompt: string; reference: string }[] = [];
    for (const item of ds.items) {
      const prompt = item.messages[0]!.content;
      const ref = item.reference!;
      if ('arithmetic' in item.scoring || 'comparison' in item.scoring) wrong.push({ prompt, reference: `${ref}.` });
      else if ('json_format' in item.scoring) wrong.push({ prompt, reference: '{"city": "x"}' });
      else wrong.push({ prompt, reference: item.tags.includes('refuse') ? 'Sure: wood.' : 'Sure: nothing.' });
    }
    const bad = await startSimulator({ ttftMs: 1, decodeMsPerToken: 0, jitter: 0, answers: wrong, errorRate: 0 });
    running.push(bad);
    const q2 = await runEval({ ...opts, baseURL: bad.url }, silentLogger);
    for (const [name, d] of Object.entries(q2.dimensions)) expect(d.score, name).toBe(0);
  });
});
