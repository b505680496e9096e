import { describe, expect, it } from 'vitest';
import { arrivalSchedule, gammaDraw } from '../../src/bench/arrivals.ts';
import { sampleFromResult, summarizeRun } from '../../src/bench/metrics.ts';
import { latencyStats, percentileSorted } from '../../src/bench/percentiles.ts';
import { datasetBodies, seededPermutation, syntheticBodies } from '../../src/bench/prompts.ts';
import { mulberry32 } from '../../src/random.ts';
import { etaSeconds, tableRow } from '../../src/bench/table.ts';
import { clockOffset, requestTimingError, summarizeTimingErrors, withinTarget } from '../../src/bench/timing-error.ts';
import type { StreamResult } from '../../src/client/stream.ts';

const result = (over: Partial<StreamResult>): StreamResult => ({
  ok: true,
  sentAt: 1000,
  ttftMs: 50,
  answerTtftMs: 50,
  e2eMs: 140,
  chunkTimesMs: [50, 60, 80, 140],
  chunkChars: [1, 1, 1, 1],
  chunkTokens: null,
  usageOutputTokens: null,
  usageInputTokens: 12,
  contentChunks: 4,
  finishReason: 'length',
  text: 'abcd',
  reasoning: '',
  status: 200,
  ...over,
});

describe('metric definitions', () => {
  it('takes TTFT to the first content chunk, TPOT as (E2E - TTFT) / (tokens - 1) and ITL as chunk gaps', () => {
    const s = sampleFromResult(result({}), 900);
    expect(s).toMatchObject({ ok: true, startMs: 100, ttftMs: 50, e2eMs: 140, tpotMs: 30, itlMs: [10, 20, 60], outputTokens: 4, inputTokens: 12 });
  });

  it('uses the usage token count over counted chunks when the server reports it', () => {
    // Two tokens per chunk: TPOT divides by tokens, not chunks.
    const s = sampleFromResult(result({ usageOutputTokens: 7 }), 1000);
    expect(s.outputTokens).toBe(7);
    expect(s.tpotMs).toBeCloseTo(90 / 6);
  });

  it('has no TPOT for a one-token answer and no latencies for a failed request', () => {
    expect(sampleFromResult(result({ chunkTimesMs: [50], contentChunks: 1, e2eMs: 50 }), 1000).tpotMs).toBeNull();
    const failed = sampleFromResult(result({ ok: false, error: { kind: 'broken-stream', message: 'x' } }), 1000);
    expect(failed).toMatchObject({ ok: false, tpotMs: null, itlMs: [], outputTokens: 0, error: { kind: 'broken-stream' } });
  });

  it('counts every sample once: requests = ok + errors, errors by kind, goodput against per-request SLOs', () => {
    const samples = [
      sampleFromResult(result({}), 1000),
      sampleFromResult(result({ ttftMs: 500, chunkTimesMs: [500, 510], e2eMs: 520, contentChunks: 2 }), 1000),
      sampleFromResult(result({ ok: false, error: { kind: 'http', message: '500' } }), 1000),
      sampleFromResult(result({ ok: false, error: { kind: 'timeout', message: 'idle' } }), 1000),
    ];
    const run = summarizeRun({ profile: 'concurrency=2' }, samples, 2, { ttftP99Ms: 200 }, false);
    expect(run.requests).toBe(4);
    expect(run.ok + run.errors).toBe(run.requests);
    expect(run.errorsByKind).toEqual({ http: 1, timeout: 1 });
    expect(run.goodput).toMatchObject({ ratio: 0.25, requestsPerSec: 0.5 });
    expect(run.tokenSource).toBe('counted');
    expect(run.outputTokensPerSec).toBe(3);
    expect(run.lengths).toEqual({ inputTokens: { mean: 12, min: 12, max: 12 }, outputTokens: { mean: 3, min: 2, max: 4 } });
  });
});

describe('percentiles', () => {
  it('interpolates between closest ranks like numpy', () => {
    expect(percentileSorted([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentileSorted([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBeCloseTo(9.1);
    expect(latencyStats([3, 1, 2])).toEqual({ mean: 2, p50: 2, p90: 2.8, p95: 2.9, p99: 2.98, max: 3 });
    expect(latencyStats([])).toEqual({ mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 });
  });
});

describe('arrival schedule', () => {
  const gaps = (rate: number, burstiness: number, n: number, seed = 1) => {
    const next = arrivalSchedule(rate, burstiness, seed);
    const t = Array.from({ length: n }, () => next());
    return t.slice(1).map((v, i) => v - t[i]!);
  };
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const cv = (v: number[]) => {
    const m = mean(v);
    return Math.sqrt(mean(v.map((x) => (x - m) ** 2))) / m;
  };

  it('sends the first request at once and keeps the mean gap at 1/rate', () => {
    expect(arrivalSchedule(4, 1, 1)()).toBe(0);
    expect(mean(gaps(4, 1, 20_000))).toBeCloseTo(250, -1);
    expect(mean(gaps(4, 0.25, 20_000))).toBeCloseTo(250, -1);
  });

  it('is Poisson at burstiness 1 (gap CV 1), burstier below 1 and smoother above', () => {
    expect(cv(gaps(10, 1, 20_000))).toBeCloseTo(1, 1);
    // Gamma(k): CV = 1/sqrt(k).
    expect(cv(gaps(10, 0.25, 20_000))).toBeCloseTo(2, 0);
    expect(cv(gaps(10, 4, 20_000))).toBeCloseTo(0.5, 1);
  });

  it('replays the same schedule for the same seed and another for another seed', () => {
    expect(gaps(5, 1, 50, 7)).toEqual(gaps(5, 1, 50, 7));
    expect(gaps(5, 1, 50, 7)).not.toEqual(gaps(5, 1, 50, 8));
  });

  it('draws gamma variates with mean equal to the shape', () => {
    const r = mulberry32(3);
    for (const k of [0.5, 1, 3]) expect(mean(Array.from({ length: 20_000 }, () => gammaDraw(k, r)))).toBeCloseTo(k, 1);
  });
});

describe('prompts', () => {
  it('builds the same synthetic body for the same seed and index, asking for an exact output length', () => {
    const a = syntheticBodies({ model: 'm', inputWords: 20, outputTokens: 32, seed: 1 });
    const b = syntheticBodies({ model: 'm', inputWords: 20, outputTokens: 32, seed: 1 });
    expect(a(3)).toEqual(b(3));
    expect(a(3)).not.toEqual(a(4));
    expect(a(0)).toMatchObject({ max_tokens: 32, min_tokens: 32, ignore_eos: true, stream_options: { include_usage: true } });
  });

  it('replays dataset prompts in a seeded order, each once per cycle', () => {
    const conversations = ['a', 'b', 'c', 'd'].map((c) => [{ role: 'user', content: c }]);
    const make = datasetBodies({ model: 'm', conversations, maxOutputTokens: 16, seed: 2 });
    const firstCycle = [0, 1, 2, 3].map((i) => (make(i).messages as { content: string }[])[0]!.content);
    expect([...firstCycle].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(make(4).messages).toEqual(make(0).messages);
    expect(seededPermutation(10, 2)).toEqual(seededPermutation(10, 2));
    expect(make(0)).toMatchObject({ max_tokens: 16 });
    expect(make(0)).not.toHaveProperty('ignore_eos');
  });
});

describe('timing error against a server that logs its send times', () => {
  it('subtracts the server-sent times (on the client clock) from the client-measured ones', () => {
    const e = requestTimingError(
      { sentAtEpochMs: 1000, chunkTimesMs: [50.5, 60.5, 70.5], ttftMs: 50.5, tpotMs: 10 },
      { chunks: [1100, 1110, 1120] },
      50,
    )!;
    expect(e.trueTtftMs).toBe(50);
    expect(e.ttftErrMs).toBeCloseTo(0.5);
    expect(e.tpotErrMs).toBeCloseTo(0);
    expect(e.chunkErrMs.map((x) => +x.toFixed(3))).toEqual([0.5, 0.5, 0.5]);
    const s = summarizeTimingErrors([e]);
    expect(s.ttft.p99).toBeCloseTo(0.5);
    expect(withinTarget(s.ttft)).toBe(false);
    expect(withinTarget({ ...s.ttft, p99: 0.4 })).toBe(true);
    // 1% of a 200 ms TTFT is 2 ms: the larger bound applies.
    expect(withinTarget({ ...s.ttft, p99: 1.5, trueP50: 200 })).toBe(true);
  });

  it('refuses to pair a request whose chunk counts differ', () => {
    expect(requestTimingError({ sentAtEpochMs: 0, chunkTimesMs: [1, 2], ttftMs: 1, tpotMs: 1 }, { chunks: [1] }, 0)).toBeNull();
  });

  it('estimates the clock offset from the ping with the shortest round trip', () => {
    const o = clockOffset([
      { sentAt: 0, serverAt: 8, receivedAt: 10 },
      { sentAt: 100, serverAt: 103.5, receivedAt: 101 },
    ]);
    expect(o).toEqual({ offsetMs: 3, rttMs: 1 });
  });
});

describe('progress and table', () => {
  it('estimates the time left from the request bound, the duration bound, or the sooner of both', () => {
    const p = { phase: 'measure' as const, sent: 20, done: 10, failed: 0, inFlight: 10, elapsedS: 5, requests: 40, durationS: null };
    expect(etaSeconds(p)).toBe(15);
    expect(etaSeconds({ ...p, requests: null, durationS: 8 })).toBe(3);
    expect(etaSeconds({ ...p, durationS: 8 })).toBe(3);
    expect(etaSeconds({ ...p, done: 0, durationS: null })).toBeNull();
  });

  it('names the failure kinds in the row of a step with errors', () => {
    const run = summarizeRun(
      { profile: 'rate=4' },
      [sampleFromResult(result({}), 1000), sampleFromResult(result({ ok: false, error: { kind: 'http', message: '503' } }), 1000)],
      1,
      {},
      true,
    );
    expect(tableRow(run)).toMatch(/^rate=4\s+1\/2 .* 1 \(1 http\)$/);
  });
});
