import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBenchSweep, sweepShapes } from '../../src/bench/sweep.ts';
import { benchConfigSchema } from '../../src/config/schema.ts';
import { DatasetError } from '../../src/eval/dataset.ts';
import { loadBenchPrompts } from '../../src/gate/bench.ts';
import { silentLogger } from '../../src/log.ts';
import { reportSchema } from '../../src/report/schema.ts';
import { startSimulator, type RunningSimulator, type SimulatorOptionsInput } from '../../src/sim/server.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});
async function sim(options: SimulatorOptionsInput = {}): Promise<RunningSimulator> {
  const s = await startSimulator({ ttftMs: 10, decodeMsPerToken: 4, jitter: 0, ...options });
  cleanups.push(() => s.close());
  return s;
}
const config = (over: Record<string, unknown>) =>
  benchConfigSchema.parse({ requests: 16, warmupRequests: 2, inputTokens: 16, outputTokens: 16, scrapeIntervalS: 0.05, gpuMetrics: false, ...over });

describe('runBenchSweep', () => {
  it('runs a concurrency sweep and records the engine gauges per step from /metrics', async () => {
    const s = await sim({ decodeMsPerToken: 8 });
    const result = await runBenchSweep({ rootURL: s.url, model: 'sim-model', config: config({ concurrency: [1, 4] }), logger: silentLogger });
    expect(result.runs.map((r) => r.profile)).toEqual(['concurrency=1', 'concurrency=4']);
    const server = result.server!;
    expect(server).toMatchObject({ available: true, engine: 'vllm', url: `${s.url}/metrics` });
    expect(server.series.length).toBeGreaterThan(3);
    const [one, four] = server.steps;
    expect(one!.running!.max).toBeLessThanOrEqual(1);
    expect(four!.running!.max).toBeGreaterThan(1);
    expect(four!.running!.max).toBeLessThanOrEqual(4);
    expect(four!.kvCacheUsage!.max).toBeGreaterThan(0);
    for (const p of server.series) expect(p.waiting).toBe(0);
    // The result drops into report.json as its performance section.
    const report = {
      schemaVersion: 1,
      tool: { name: 'llm-gate', version: '0' },
      subject: { startedAt: 'x', finishedAt: 'y' },
      verdict: 'pass',
      reasons: [],
      readiness: null,
      quality: null,
      performance: result,
      comparison: null,
    };
    expect(reportSchema.safeParse(JSON.parse(JSON.stringify(report))).success).toBe(true);
  });

  it('sees requests queue up on the server when the load exceeds its batch', async () => {
    const s = await sim({ maxRunning: 2, decodeMsPerToken: 10 });
    const result = await runBenchSweep({ rootURL: s.url, model: 'sim-model', config: config({ concurrency: [6], requests: 18 }), logger: silentLogger });
    expect(result.server!.steps[0]!.waiting!.max).toBeGreaterThan(0);
    expect(result.server!.steps[0]!.running!.max).toBe(2);
  });

  it('runs a rate sweep with the configured burstiness and cap', async () => {
    const s = await sim();
    const c = config({ rates: [20, 40], burstiness: 0.5, maxConcurrency: 8, requests: 10 });
    expect(sweepShapes(c)).toEqual([
      { mode: 'rate', rate: 20, burstiness: 0.5, maxConcurrency: 8 },
      { mode: 'rate', rate: 40, burstiness: 0.5, maxConcurrency: 8 },
    ]);
    const result = await runBenchSweep({ rootURL: s.url, model: 'sim-model', config: c, logger: silentLogger });
    expect(result.runs.map((r) => [r.profile, r.ok])).toEqual([
      ['rate=20,burstiness=0.5,max=8', 10],
      ['rate=40,burstiness=0.5,max=8', 10],
    ]);
    expect(result.runs[0]!.prompts).toEqual({ source: 'synthetic', seed: 1, requestedInputTokens: 16, requestedOutputTokens: 16 });
  });

  it('records what a server without /metrics has, and fails nothing', async () => {
    const s = await sim({ engine: 'ollama' });
    const result = await runBenchSweep({ rootURL: s.url, model: 'sim-model', config: config({ concurrency: [2], requests: 4 }), logger: silentLogger });
    expect(result.runs[0]!.ok).toBe(4);
    expect(result.server).toMatchObject({ available: false, series: [] });
    expect(result.server!.reason).toMatch(/404/);
  });

  it('ends the sweep when the server goes away, and skips the remaining steps', async () => {
    const s = await sim({ faults: { crashAfterRequests: 12 } });
    const result = await runBenchSweep({ rootURL: s.url, model: 'sim-model', config: config({ concurrency: [2, 4, 8], requests: 40 }), logger: silentLogger });
    expect(result.runs).toHaveLength(1);
    expect(result.runs[0]!.stopped?.reason).toBe('server-unreachable');
  });

  it('replays the prompts of a dataset, recording its name and the real lengths', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'llm-gate-bench-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(path.join(dir, 'dataset.yaml'), 'name: tiny\nversion: v1\ndimensions:\n  facts:\n    scorer: contains\n');
    const items = ['What is the capital of France?', 'Name a prime number.', 'Say hello.'].map((prompt, i) => ({ id: `q${i}`, prompt, reference: 'x', dimension: 'facts' }));
    await writeFile(path.join(dir, 'items.jsonl'), `${items.map((i) => JSON.stringify(i)).join('\n')}\n`);
    const s = await sim({ answers: [{ prompt: 'What is the capital of France?', reference: 'Paris.' }], fillerTokens: 5 });
    const c = config({ concurrency: [2], requests: 6, prompts: dir });
    const prompts = await loadBenchPrompts(c);
    const result = await runBenchSweep({ rootURL: s.url, model: 'sim-model', config: c, logger: silentLogger, ...(prompts ? { prompts } : {}) });
    const run = result.runs[0]!;
    expect(run.ok).toBe(6);
    expect(run.prompts).toEqual({ source: 'dataset', dataset: 'tiny@v1', seed: 1, requestedOutputTokens: 16 });
    // Natural answer lengths, not the requested cap: 'Paris.' is two tokens, the filler five.
    expect(run.lengths!.outputTokens!.min).toBe(2);
    expect(run.lengths!.outputTokens!.max).toBe(5);
  });

  it('refuses a dataset that cannot be loaded with the dataset error', async () => {
    await expect(loadBenchPrompts(config({ prompts: '/nonexistent/dataset' }))).rejects.toBeInstanceOf(DatasetError);
  });

  it('refuses a dataset prompt source whose conversations were not handed to it, before sending anything', async () => {
    const s = await sim();
    await expect(runBenchSweep({ rootURL: s.url, model: 'sim-model', config: config({ prompts: '/some/dataset' }), logger: silentLogger })).rejects.toThrow(
      /bench\.prompts names the dataset \/some\/dataset: its conversations were not handed to the bench/,
    );
  });
});
