import { afterEach, describe, expect, it } from 'vitest';
import { DatasetError, loadDataset, type Dataset } from '../../src/eval/dataset.ts';
import { createJudge, judgePromptSha256 } from '../../src/eval/judge.ts';
import { runEval, type EvalOptions } from '../../src/eval/runner.ts';
import { qualityFailures } from '../../src/eval/summary.ts';
import { silentLogger } from '../../src/log.ts';
import type { SimulatedAnswer } from '../../src/sim/options.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';
import { writeDataset } from './helpers.ts';

// The judge is another simulator: its answer book maps text found in the judge's prompt (the fenced
// answer, the rubric, or our correction message) to the reply the judge "generates".
const running: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

async function sim(model: string, answers: SimulatedAnswer[]): Promise<RunningSimulator> {
  const s = await startSimulator({ model, answers, ttftMs: 2, decodeMsPerToken: 0.2, jitter: 0 });
  running.push(s);
  return s;
}

const rubric = 'Names the right capital city.';
const manifest = {
  name: 'judged',
  version: 'v1',
  dimensions: { helpful: { scorer: 'llm-judge', mode: 'pass-fail', rubric, threshold: 0.9 } },
  judge: { minKappa: 0.6 },
};
const items = [
  {
    id: 'fr',
    prompt: 'Capital of France?',
    reference: 'Paris',
    dimension: 'helpful',
    humanLabels: [
      { output: 'Paris', pass: true },
      { output: 'Lyon', pass: false },
    ],
  },
  {
    id: 'it',
    prompt: 'Capital of Italy?',
    reference: 'Rome',
    dimension: 'helpful',
    humanLabels: [
      { output: 'Rome', pass: true },
      { output: 'Milan', pass: false },
    ],
  },
];
// The model under test gets Italy wrong.
const modelAnswers = [
  { prompt: 'Capital of France?', reference: 'Paris' },
  { prompt: 'Capital of Italy?', reference: 'Milan' },
];
const answerKey = (output: string) => `<answer>\n${output}\n</answer>`;
const pass = (v: boolean) => JSON.stringify({ pass: v, reason: v ? 'right city' : 'wrong city' });

async function judgedDataset(m: Record<string, unknown> = manifest, its: Array<Record<string, unknown>> = items): Promise<Dataset> {
  const d = await writeDataset(m, its);
  running.push({ close: d.cleanup });
  return loadDataset(d.dir);
}

function options(target: RunningSimulator, judge: RunningSimulator | undefined, ds: Dataset): EvalOptions {
  return {
    baseURL: target.url,
    model: 'sim-model',
    dataset: ds,
    concurrency: 2,
    timeoutS: 20,
    retries: 1,
    maxTokens: 64,
    temperature: 0,
    ...(judge ? { judge: { baseURL: judge.url, model: 'judge-model', retries: 1 } } : {}),
  };
}

describe('llm-judge against a simulator as the judge endpoint', () => {
  it('grades each answer, records the judge model and prompt hash, and is trusted when it agrees with the human labels', async () => {
    const target = await sim('sim-model', modelAnswers);
    const judge = await sim('judge-model', [
      { prompt: answerKey('Paris'), reference: pass(true) },
      { prompt: answerKey('Rome'), reference: pass(true) },
      { prompt: answerKey('Lyon'), reference: pass(false) },
      { prompt: answerKey('Milan'), reference: pass(false) },
    ]);
    const ds = await judgedDataset();
    const q = await runEval(options(target, judge, ds), silentLogger);
    const d = q.dimensions.helpful!;
    expect(d.score).toBe(0.5);
    expect(d.items.map((i) => [i.id, i.score, i.output])).toEqual([
      ['fr', 1, 'Paris'],
      ['it', 0, 'Milan'],
    ]);
    expect(d.items[1]!.reason).toBe('judge fail: wrong city');
    expect(d.judge).toEqual({
      model: 'judge-model',
      promptSha256: judgePromptSha256({ rubric, mode: 'pass-fail', passAt: 0.5, includeReference: true }),
    });
    expect(d.calibration).toMatchObject({ n: 4, accuracy: 1, kappa: 1, floor: { kappa: 0.6 }, trusted: true });
    expect(qualityFailures(q)).toEqual([{ dimension: 'helpful', message: 'score 0.500 is below the threshold 0.9' }]);
  });

  it('marks a judge that passes everything as untrusted, and the gate does not rest on it', async () => {
    const target = await sim('sim-model', modelAnswers);
    const judge = await sim('judge-model', [{ prompt: '<answer>', reference: pass(true) }]);
    const q = await runEval(options(target, judge, await judgedDataset()), silentLogger);
    const d = q.dimensions.helpful!;
    expect(d.score).toBe(1);
    expect(d.calibration).toMatchObject({ n: 4, accuracy: 0.5, kappa: 0, trusted: false, note: 'kappa 0.00 is below the floor 0.6' });
    expect(qualityFailures(q)).toEqual([]);
  });

  it('scores an item 0 with the reason when the judge never replies with valid JSON', async () => {
    const target = await sim('sim-model', modelAnswers);
    const judge = await sim('judge-model', [{ prompt: '<answer>', reference: 'This answer looks great to me!' }]);
    const q = await runEval(options(target, judge, await judgedDataset()), silentLogger);
    const d = q.dimensions.helpful!;
    expect(d.score).toBe(0);
    for (const item of d.items) {
      expect(item.error).toMatch(/scorer "llm-judge" failed: the judge gave no usable verdict in 2 tries: \(1\) no JSON object in the reply: "This answer looks great to me!"; \(2\) no JSON object/);
    }
    // A judge that cannot grade the labelled outputs is not trusted either.
    expect(d.calibration).toMatchObject({ accuracy: 0, trusted: false });
  });

  it('rejects a score outside 0..1 as malformed', async () => {
    const target = await sim('sim-model', modelAnswers);
    const judge = await sim('judge-model', [{ prompt: '<answer>', reference: '{"score": 7, "reason": "very good"}' }]);
    const ds = await judgedDataset(
      { ...manifest, dimensions: { helpful: { scorer: 'llm-judge', rubric } } },
      items.map(({ humanLabels: _labels, ...i }) => i),
    );
    const q = await runEval(options(target, judge, ds), silentLogger);
    expect(q.dimensions.helpful!.items[0]!.error).toMatch(/expected \{"score": 0\.\.1/);
    expect(q.dimensions.helpful!.calibration).toBeUndefined();
  });

  it('recovers when a malformed reply is followed by a valid one after the correction', async () => {
    const judgeSim = await sim('judge-model', [
      { prompt: answerKey('Paris'), reference: 'Sure, Paris is right.' },
      { prompt: 'That reply was not usable', reference: '{"score": 0.9, "reason": "fixed"}' },
    ]);
    const judge = createJudge({ baseURL: judgeSim.url, model: 'judge-model', retries: 2 }, silentLogger);
    const v = await judge.judge(
      { messages: [{ role: 'user', content: 'Capital of France?' }], reference: 'Paris', output: 'Paris' },
      { rubric, mode: 'score', passAt: 0.5, includeReference: true },
    );
    expect(v).toEqual({ score: 0.9, pass: true, reason: 'judge score 0.9: fixed', attempts: 2 });
    expect(judge.counts()).toEqual({ calls: 2, retries: 0, malformed: 1 });
  });

  it('counts transport retries to the judge', async () => {
    const judgeSim = await startSimulator({ model: 'judge-model', faults: { httpErrorRate: 1 } });
    running.push(judgeSim);
    const judge = createJudge({ baseURL: judgeSim.url, model: 'judge-model', retries: 2 }, silentLogger);
    await expect(
      judge.judge({ messages: [], reference: undefined, output: 'x' }, { rubric, mode: 'score', passAt: 0.5, includeReference: true }),
    ).rejects.toThrow(/500/);
    expect(judge.counts()).toMatchObject({ calls: 3, retries: 2 });
  });

  it('refuses to run a judge dimension without a judge endpoint, naming the flags', async () => {
    const target = await sim('sim-model', modelAnswers);
    const run = runEval(options(target, undefined, await judgedDataset()), silentLogger);
    await expect(run).rejects.toBeInstanceOf(DatasetError);
    await expect(run).rejects.toThrow(/dimension "helpful" is scored by llm-judge but no judge URL is configured \(--judge-url/);
  });
});

describe('the template suite', () => {
  it('runs end to end against the simulator, judge and calibration included', async () => {
    const ds = await loadDataset('datasets/template/v1');
    const target = await startSimulator({ ttftMs: 2, decodeMsPerToken: 0.2, jitter: 0, answers: ds.items.map((i) => ({ prompt: i.messages.at(-1)!.content, reference: i.reference! })) });
    running.push(target);
    const goodOutputs = ds.items.flatMap((i) => [i.reference!, ...(i.humanLabels ?? []).filter((l) => l.pass).map((l) => l.output)]);
    const badOutputs = ds.items.flatMap((i) => (i.humanLabels ?? []).filter((l) => !l.pass).map((l) => l.output));
    const judge = await sim('judge-model', [
      ...goodOutputs.map((o) => ({ prompt: answerKey(o), reference: pass(true) })),
      ...badOutputs.map((o) => ({ prompt: answerKey(o), reference: pass(false) })),
    ]);
    const q = await runEval(options(target, judge, ds), silentLogger);
    for (const [name, d] of Object.entries(q.dimensions)) expect(d.score, name).toBe(1);
    expect(q.dimensions.helpfulness!.calibration).toMatchObject({ n: 4, kappa: 1, trusted: true });
  });
});
