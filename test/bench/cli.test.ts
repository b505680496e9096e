import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { benchRunSchema, serverMetricsSchema } from '../../src/report/schema.ts';
import { startSimulator, type RunningSimulator, type SimulatorOptionsInput } from '../../src/sim/server.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});
async function sim(options: SimulatorOptionsInput = {}): Promise<RunningSimulator> {
  const s = await startSimulator({ ttftMs: 5, decodeMsPerToken: 2, jitter: 0, ...options });
  cleanups.push(() => s.close());
  return s;
}
async function tmp(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'llm-gate-bench-cli-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function bench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['src/cli/main.ts', 'bench', ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const outputSchema = z.object({
  model: z.string(),
  performance: z.object({ runs: z.array(benchRunSchema), server: z.object({ engine: z.string() }).loose(), gpu: z.object({ available: z.boolean() }).loose().optional() }),
});

describe('llm-gate bench', () => {
  it('prints a table row per step and writes the performance JSON', async () => {
    const s = await sim();
    const out = path.join(await tmp(), 'bench.json');
    const r = await bench(['--url', s.url, '--concurrency', '1,4', '--requests', '8', '--warmup', '1', '--output-tokens', '8', '--out', out]);
    expect(r.stderr).toContain('bench: model sim-model (from /v1/models)');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^step\s+ok\/sent\s+TTFT p50/);
    expect(lines[1]).toMatch(/^concurrency=1\s+8\/8 /);
    expect(lines[2]).toMatch(/^concurrency=4\s+8\/8 /);
    const json = outputSchema.parse(JSON.parse(await readFile(out, 'utf8')));
    expect(json.model).toBe('sim-model');
    expect(json.performance.runs).toHaveLength(2);
    expect(json.performance.server.engine).toBe('vllm');
  });

  it("uses the engine preset's metrics path and request fields with --engine", async () => {
    const s = await sim({ engine: 'nim' });
    const out = path.join(await tmp(), 'bench.json');
    const r = await bench(['--url', s.url, '--model', 'sim-model', '--engine', 'nim', '--concurrency', '2', '--requests', '4', '--output-tokens', '8', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const json = outputSchema.parse(JSON.parse(await readFile(out, 'utf8')));
    // NIM's documented names, unprefixed (num_requests_running, gpu_cache_usage_perc), read as NIM's.
    expect(json.performance.server).toMatchObject({ url: `${s.url}/v1/metrics`, available: true, engine: 'nim' });
    const { series } = serverMetricsSchema.parse(json.performance.server);
    expect(series.some((p) => p.running !== null && p.kvCacheUsage !== null)).toBe(true);
  });

  it('takes the bench section of a config file, with flags over it', async () => {
    const s = await sim();
    const dir = await tmp();
    const file = path.join(dir, 'llm-gate.yml');
    await writeFile(file, 'bench:\n  concurrency: [1, 2]\n  requests: 3\n  warmupRequests: 0\n  outputTokens: 6\n  gpuMetrics: false\n  slo:\n    ttftP99Ms: 5000\n');
    const out = path.join(dir, 'bench.json');
    const r = await bench(['--url', s.url, '--model', 'sim-model', '--config', file, '--requests', '5', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const json = outputSchema.parse(JSON.parse(await readFile(out, 'utf8')));
    expect(json.performance.runs.map((run) => [run.profile, run.requests])).toEqual([
      ['concurrency=1', 5],
      ['concurrency=2', 5],
    ]);
    expect(json.performance.runs[0]!.lengths?.outputTokens?.max).toBe(6);
    expect(json.performance.runs[0]!.goodput?.slo).toEqual({ ttftP99Ms: 5000 });
    expect(json.performance.gpu).toBeUndefined();
  });

  it('exits 2 with the file and field when the config file is wrong', async () => {
    const dir = await tmp();
    const file = path.join(dir, 'llm-gate.yml');
    await writeFile(file, 'bench:\n  concurrency: many\n');
    const r = await bench(['--url', 'http://127.0.0.1:9', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/llm-gate\.yml.*bench\.concurrency/s);
  });

  it('runs a rate sweep bounded by duration alone', async () => {
    const s = await sim();
    const out = path.join(await tmp(), 'bench.json');
    const r = await bench(['--url', `${s.url}/v1`, '--model', 'sim-model', '--rate', '20', '--duration', '0.5s', '--warmup', '0', '--out', out, '--no-gpu']);
    expect(r.code).toBe(0);
    const run = outputSchema.parse(JSON.parse(await readFile(out, 'utf8'))).performance.runs[0]!;
    expect(run.mode).toBe('rate');
    expect(run.requests).toBeGreaterThan(2);
    expect(run.requests).toBeLessThan(40);
  });

  it('exits 1 when a step breaks an SLO', async () => {
    const s = await sim({ ttftMs: 50 });
    const r = await bench(['--url', s.url, '--concurrency', '2', '--requests', '4', '--slo-ttft', '10', '--out', path.join(await tmp(), 'b.json')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL perf\.concurrency=2\.slo\.ttftP99Ms: TTFT p99 .* exceeds the SLO 10 ms/);
  });

  it('exits 3 with a clear message when the server dies mid-run', async () => {
    const s = await sim({ decodeMsPerToken: 5, faults: { crashAfterRequests: 10 } });
    const r = await bench(['--url', s.url, '--model', 'sim-model', '--concurrency', '4', '--requests', '100', '--out', path.join(await tmp(), 'b.json')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/error: \d+ requests in a row could not reach/);
  });

  it.each([
    [['--concurrency', '1,8', '--rate', '2'], /give --concurrency or --rate, not both/],
    [['--concurrency', '1,x'], /--concurrency: expected a whole number of at least 1, found "x"/],
    [['--duration', 'soon'], /--duration: expected a duration such as 30/],
    [['--max-concurrency', '4'], /--max-concurrency: only applies with --rate/],
  ])('exits 2 on bad usage: %s', async (args, message) => {
    const r = await bench(['--url', 'http://127.0.0.1:9', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
