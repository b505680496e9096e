import { afterEach, describe, expect, it } from 'vitest';
import { arrivalSchedule } from '../../src/bench/arrivals.ts';
import { runStep, type StepOptions, type StepProgress } from '../../src/bench/load.ts';
import { syntheticBodies } from '../../src/bench/prompts.ts';
import type { BenchRun } from '../../src/report/schema.ts';
import { startSimulator, type RunningSimulator, type SimulatorOptionsInput } from '../../src/sim/server.ts';

const sims: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});
async function sim(options: SimulatorOptionsInput = {}): Promise<RunningSimulator> {
  const s = await startSimulator({ ttftMs: 10, prefillMsPerToken: 0, decodeMsPerToken: 2, jitter: 0, slowdownPerActive: 0, ...options });
  sims.push(s);
  return s;
}

function step(s: RunningSimulator, over: Partial<StepOptions>): StepOptions {
  return {
    baseURL: `${s.url}/v1`,
    shape: { mode: 'concurrency', concurrency: 4 },
    requests: 12,
    warmupRequests: 2,
    makeBody: syntheticBodies({ model: 'sim-model', inputWords: 16, outputTokens: 8, seed: 1 }),
    totalTimeoutMs: 10_000,
    idleTimeoutMs: 5_000,
    slo: {},
    seed: 1,
    ...over,
  };
}

/** Largest number of requests the server held at once (running + queued), polled while `work` runs. */
async function peakLoad<T>(s: RunningSimulator, work: Promise<T>): Promise<{ value: T; peak: number }> {
  let peak = 0;
  const timer = setInterval(() => {
    const st = s.stats();
    peak = Math.max(peak, st.active + st.waiting);
  }, 2);
  try {
    return { value: await work, peak };
  } finally {
    clearInterval(timer);
  }
}

/** Every request sent is in the run exactly once, as ok or as a classified failure. */
function expectAccounted(run: BenchRun, lastProgress: StepProgress | undefined) {
  expect(run.samples).toHaveLength(run.requests);
  expect(run.ok + run.errors).toBe(run.requests);
  expect(Object.values(run.errorsByKind).reduce((a, b) => a + b, 0)).toBe(run.errors);
  for (const sample of run.samples) expect(sample.ok || sample.error !== undefined).toBe(true);
  if (lastProgress) {
    expect(lastProgress.sent).toBe(run.requests);
    expect(lastProgress.done).toBe(run.requests);
  }
}

describe('load shapes', () => {
  it('keeps exactly N streams in flight in concurrency mode and does not count the warm-up', async () => {
    const s = await sim({ decodeMsPerToken: 5 });
    const { value: run, peak } = await peakLoad(s, runStep(step(s, { shape: { mode: 'concurrency', concurrency: 3 }, requests: 12, warmupRequests: 3 })));
    expect(peak).toBe(3);
    expect(run).toMatchObject({ mode: 'concurrency', concurrency: 3, requests: 12, ok: 12, warmupRequests: 3, profile: 'concurrency=3' });
    expect(s.stats().inferenceRequests).toBe(15);
  });

  it('sends on the seeded gamma schedule in rate mode', async () => {
    const s = await sim();
    const run = await runStep(step(s, { shape: { mode: 'rate', rate: 40, burstiness: 1 }, requests: 30, warmupRequests: 0, seed: 5 }));
    const next = arrivalSchedule(40, 1, 5);
    const planned = Array.from({ length: 30 }, () => next());
    expect(run).toMatchObject({ mode: 'rate', rate: 40, burstiness: 1, ok: 30 });
    // Each request leaves at its planned time, never early; lateness does not accumulate because every
    // send aims at an absolute time. Timers run late on a loaded machine, so only the median is held tight.
    const lateness = run.samples.map((sample, i) => sample.startMs - planned[i]!);
    for (const late of lateness) expect(late).toBeGreaterThanOrEqual(-2);
    expect([...lateness].sort((a, b) => a - b)[15]!).toBeLessThan(50);
  });

  it('caps requests in flight at maxConcurrency in rate mode: arrivals wait for a slot', async () => {
    const s = await sim({ decodeMsPerToken: 10 });
    const { value: run, peak } = await peakLoad(
      s,
      runStep(step(s, { shape: { mode: 'rate', rate: 500, burstiness: 1, maxConcurrency: 2 }, requests: 8, warmupRequests: 0 })),
    );
    expect(peak).toBe(2);
    expect(run).toMatchObject({ maxConcurrency: 2, ok: 8, profile: 'rate=500,max=2' });
  });

  it('stops sending at the duration bound and lets requests in flight finish and count', async () => {
    const s = await sim({ decodeMsPerToken: 10 });
    let last: StepProgress | undefined;
    const run = await runStep(step(s, { requests: undefined, durationS: 0.6, warmupRequests: 0, shape: { mode: 'concurrency', concurrency: 2 }, onProgress: (p) => (last = p) }));
    expect(run.requests).toBeGreaterThan(2);
    for (const sample of run.samples) expect(sample.startMs).toBeLessThan(600);
    expect(run.durationS).toBeGreaterThan(0.6);
    expect(run.ok).toBe(run.requests);
    expectAccounted(run, last);
  });

  it('needs a request count or a duration', async () => {
    const s = await sim();
    await expect(runStep(step(s, { requests: undefined, durationS: undefined }))).rejects.toThrow(/request count or a duration/);
  });
});

describe('metric definitions against a server with known timings', () => {
  it('measures TTFT, TPOT, ITL and E2E as the server paced them', async () => {
    // 60 ms to the first token, then 15 ms per token, 20 tokens, no jitter and no slowdown with load.
    const s = await sim({ ttftMs: 60, decodeMsPerToken: 15 });
    const run = await runStep(
      step(s, { shape: { mode: 'concurrency', concurrency: 4 }, requests: 12, makeBody: syntheticBodies({ model: 'sim-model', inputWords: 16, outputTokens: 20, seed: 1 }) }),
    );
    expect(run.ok).toBe(12);
    expect(run.tokenSource).toBe('usage');
    expect(run.lengths?.outputTokens).toEqual({ mean: 20, min: 20, max: 20 });
    // Lower bounds are the server's pacing; the slack above covers a loaded 2-core machine.
    expect(run.ttftMs.p50).toBeGreaterThanOrEqual(59);
    expect(run.ttftMs.p50).toBeLessThan(60 + 40);
    expect(run.tpotMs.p50).toBeGreaterThanOrEqual(14);
    expect(run.tpotMs.p50).toBeLessThan(15 + 5);
    expect(run.itlMs.p50).toBeGreaterThan(10);
    expect(run.itlMs.p50).toBeLessThan(15 + 8);
    expect(run.e2eMs.p50).toBeGreaterThanOrEqual(60 + 19 * 15 - 1);
    expect(run.e2eMs.p50).toBeLessThan(60 + 19 * 15 + 80);
    for (const sample of run.samples) expect(sample.itlMs).toHaveLength(19);
    expect(run.outputTokensPerSec).toBeCloseTo((12 * 20) / run.durationS, 5);
    expect(run.requestsPerSec).toBeCloseTo(12 / run.durationS, 5);
  });
});

describe('accounting under injected faults', () => {
  it('counts HTTP errors by kind, none lost or double-counted', async () => {
    const s = await sim({ faults: { httpErrorRate: 0.4, afterRequests: 2 } });
    let last: StepProgress | undefined;
    const run = await runStep(step(s, { requests: 30, onProgress: (p) => (last = p) }));
    expect(run.errorsByKind.http).toBeGreaterThan(0);
    expect(run.ok).toBeGreaterThan(0);
    expect(run.requests).toBe(30);
    // The warm-up reaches the step's concurrency (4), though warmupRequests asks for 2.
    expect(s.stats().inferenceRequests).toBe(34);
    expectAccounted(run, last);
  });

  it('ends the step with a clear error when the server dies mid-run, not a hang', async () => {
    const s = await sim({ decodeMsPerToken: 5, faults: { crashAfterRequests: 10 } });
    let last: StepProgress | undefined;
    const started = performance.now();
    const run = await runStep(step(s, { requests: 200, onProgress: (p) => (last = p) }));
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(run.stopped?.reason).toBe('server-unreachable');
    expect(run.stopped?.message).toMatch(/could not reach .* the server is down/);
    expect(run.requests).toBeLessThan(200);
    expect(run.ok).toBeGreaterThan(0);
    expect((run.errorsByKind.connection ?? 0) + (run.errorsByKind['broken-stream'] ?? 0)).toBe(run.errors);
    expectAccounted(run, last);
  });

  it('times out streams that stall, within the idle deadline', async () => {
    // The first 4 requests warm up at the step's concurrency; the next 2 are spared too.
    const s = await sim({ faults: { hang: 'after-first-chunk', afterRequests: 6 } });
    let last: StepProgress | undefined;
    const run = await runStep(step(s, { requests: 8, idleTimeoutMs: 300, onProgress: (p) => (last = p) }));
    expect(run.ok).toBe(2);
    expect(run.errorsByKind).toEqual({ timeout: 6 });
    expectAccounted(run, last);
  });

  it('classifies malformed SSE and keeps the good requests', async () => {
    const s = await sim({ faults: { malformedSse: true, afterRequests: 8 } });
    let last: StepProgress | undefined;
    const run = await runStep(step(s, { requests: 10, onProgress: (p) => (last = p) }));
    expect(run.ok).toBe(4);
    expect(run.errorsByKind).toEqual({ 'malformed-sse': 6 });
    expectAccounted(run, last);
  });

  it('stops sending when aborted and still counts the requests in flight', async () => {
    const s = await sim({ decodeMsPerToken: 10 });
    const abort = new AbortController();
    let last: StepProgress | undefined;
    const work = runStep(step(s, { requests: 500, warmupRequests: 0, signal: abort.signal, onProgress: (p) => (last = p) }));
    setTimeout(() => abort.abort(), 250);
    const run = await work;
    expect(run.stopped?.reason).toBe('aborted');
    expect(run.requests).toBeLessThan(500);
    expect(run.ok).toBe(run.requests);
    expectAccounted(run, last);
  });
});

describe('progress', () => {
  it('reports the closed loop full while it sends: progress comes after the next request went out', async () => {
    const s = await sim({ jitter: 0.5 });
    const seen: StepProgress[] = [];
    await runStep(step(s, { requests: 24, warmupRequests: 4, shape: { mode: 'concurrency', concurrency: 4 }, onProgress: (p) => seen.push({ ...p }) }));
    const measuring = seen.filter((p) => p.phase === 'measure');
    // While requests remain to be sent, all four streams are in flight at every report.
    const sending = measuring.filter((p) => p.sent < 24);
    expect(sending.length).toBeGreaterThan(0);
    for (const p of sending) expect(p.inFlight, JSON.stringify(p)).toBe(4);
    expect(measuring.at(-1)).toMatchObject({ sent: 24, done: 24, inFlight: 0 });
  });

  it('reports warm-up before measuring, as not counted', async () => {
    const s = await sim();
    const seen: StepProgress[] = [];
    await runStep(step(s, { requests: 4, warmupRequests: 4, onProgress: (p) => seen.push({ ...p }) }));
    const firstMeasure = seen.findIndex((p) => p.phase === 'measure');
    expect(firstMeasure).toBeGreaterThan(0);
    expect(seen.slice(0, firstMeasure).every((p) => p.phase === 'warmup' && p.requests === 4)).toBe(true);
    expect(seen[firstMeasure - 1]).toMatchObject({ phase: 'warmup', done: 4 });
  });
});
