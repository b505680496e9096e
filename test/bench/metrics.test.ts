import { describe, expect, it } from 'vitest';
import type { StreamResult } from '../../src/client/stream.ts';
import { perTokenItl, sampleFromResult, spreadTokens, summarizeRun } from '../../src/bench/metrics.ts';
import { latencyStats, percentileSorted } from '../../src/bench/percentiles.ts';

function result(over: Partial<StreamResult>): StreamResult {
  return {
    ok: true,
    sentAt: 1000,
    ttftMs: 100,
    answerTtftMs: 100,
    e2eMs: 500,
    chunkTimesMs: [100, 200, 300, 400, 500],
    chunkChars: [1, 1, 1, 1, 1],
    chunkTokens: null,
    usageOutputTokens: 5,
    usageInputTokens: 12,
    contentChunks: 5,
    finishReason: 'stop',
    text: 'abcde',
    reasoning: '',
    status: 200,
    ...over,
  };
}

describe('percentiles', () => {
  it('interpolates linearly between closest ranks like numpy', () => {
    expect(percentileSorted([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentileSorted([10, 20], 90)).toBeCloseTo(19);
    expect(latencyStats([5, 1, 3]).p50).toBe(3);
  });

  it('gives zeros for an empty sample rather than NaN', () => {
    expect(latencyStats([])).toEqual({ mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 });
  });
});

describe('sampleFromResult', () => {
  it('computes TPOT as (E2E - TTFT) / (output tokens - 1) and ITL as gaps between chunks', () => {
    const s = sampleFromResult(result({}), 900);
    expect(s.startMs).toBe(100);
    expect(s.tpotMs).toBe(100);
    expect(s.itlMs).toEqual([100, 100, 100, 100]);
    expect(s.outputTokens).toBe(5);
  });

  it('prefers the server usage over the chunk count for output tokens', () => {
    const s = sampleFromResult(result({ usageOutputTokens: 9, contentChunks: 5 }), 1000);
    expect(s.outputTokens).toBe(9);
    expect(s.tpotMs).toBe(50);
  });

  it('falls back to counting content chunks without usage', () => {
    expect(sampleFromResult(result({ usageOutputTokens: null }), 1000).outputTokens).toBe(5);
  });

  it('leaves TPOT undefined for a one-token answer', () => {
    expect(sampleFromResult(result({ usageOutputTokens: 1, chunkTimesMs: [100] }), 1000).tpotMs).toBeNull();
  });
});

describe('summarizeRun', () => {
  it('accounts every request as ok or a classified failure', () => {
    const samples = [
      sampleFromResult(result({}), 1000),
      sampleFromResult(result({ ok: false, ttftMs: null, chunkTimesMs: [], error: { kind: 'timeout', message: 't' } }), 1000),
      sampleFromResult(result({ ok: false, ttftMs: null, chunkTimesMs: [], error: { kind: 'http', message: '500' } }), 1000),
    ];
    const run = summarizeRun({ profile: 'p', concurrency: 2 }, samples, 2, {}, true);
    expect(run.requests).toBe(3);
    expect(run.ok + run.errors).toBe(run.requests);
    expect(run.errorsByKind).toEqual({ timeout: 1, http: 1 });
    expect(run.outputTokensPerSec).toBe(2.5);
    expect(run.tokenSource).toBe('usage');
  });

  it('counts goodput only for requests within every per-request SLO bound', () => {
    const fast = sampleFromResult(result({ ttftMs: 100 }), 1000);
    const slow = sampleFromResult(result({ ttftMs: 900 }), 1000);
    const run = summarizeRun({ profile: 'p' }, [fast, slow], 1, { ttftP99Ms: 500 }, true);
    expect(run.goodput?.ratio).toBe(0.5);
    expect(run.goodput?.slo).toEqual({ ttftP99Ms: 500 });
  });
});

describe('tokens per chunk for ITL', () => {
  it('keeps one token a chunk when usage equals the chunk count, whatever the text lengths', () => {
    expect(spreadTokens([1, 7, 3, 12], 4)).toEqual([1, 1, 1, 1]);
  });

  it('gives a burst the tokens beyond one a chunk in proportion to its text', () => {
    expect(spreadTokens([2, 8, 8, 8], 13)).toEqual([1, 4, 4, 4]);
    expect(spreadTokens([5, 5, 5, 5], 16)).toEqual([4, 4, 4, 4]);
  });

  it('spreads each gap evenly over the tokens the later chunk carried, carrying a tokenless chunk’s gap on', () => {
    expect(perTokenItl([0, 80, 160], [4, 4, 4])).toEqual([20, 20, 20, 20, 20, 20, 20, 20]);
    expect(perTokenItl([0, 10, 30], [1, 0, 2])).toEqual([15, 15]);
  });
});
