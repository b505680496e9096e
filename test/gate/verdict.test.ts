import { describe, expect, it } from 'vitest';
import { summarizeRun } from '../../src/bench/metrics.ts';
import type { BenchRun, Quality } from '../../src/report/schema.ts';
import { decideVerdict } from '../../src/compare/verdict.ts';

const okSample = { ok: true, startMs: 0, ttftMs: 50, e2eMs: 500, tpotMs: 10, itlMs: [10], inputTokens: 10, outputTokens: 46 };

function run(over: Partial<BenchRun> = {}): BenchRun {
  return { ...summarizeRun({ profile: 'concurrency=4', mode: 'concurrency', concurrency: 4 }, [okSample, okSample], 1, {}, true), ...over };
}

const base = { readiness: { ready: true, secondsToReady: 3, attempts: 4 }, quality: null, comparison: null, thresholds: {}, slo: {}, errors: [] };

describe('decideVerdict', () => {
  it('passes when every check holds', () => {
    expect(decideVerdict({ ...base, runs: [run()] })).toEqual({ verdict: 'pass', reasons: [] });
  });

  it('is an error when the target never became ready, whatever else holds', () => {
    const v = decideVerdict({ ...base, readiness: { ready: false, secondsToReady: null, attempts: 9, lastError: 'boom' }, runs: [] });
    expect(v).toEqual({ verdict: 'error', reasons: [{ dimension: 'readiness', message: 'boom' }] });
  });

  it('is an error when the server stopped answering mid-step', () => {
    const v = decideVerdict({ ...base, runs: [run({ stopped: { reason: 'server-unreachable', message: 'ECONNREFUSED' } })] });
    expect(v.verdict).toBe('error');
    expect(v.reasons[0]?.message).toMatch(/stopped answering: ECONNREFUSED/);
  });

  it('fails on an SLO and on an error rate above the allowed share', () => {
    const v = decideVerdict({ ...base, slo: { ttftP99Ms: 40, maxErrorRate: 0 }, runs: [run({ errors: 1, requests: 3, errorsByKind: { timeout: 1 } })] });
    expect(v.verdict).toBe('fail');
    expect(v.reasons.map((r) => r.dimension)).toEqual(['perf.concurrency=4.errors', 'perf.concurrency=4.slo.ttftP99Ms']);
  });

  it('fails a quality dimension below its floor, but never on a judge its calibration does not trust', () => {
    const quality: Quality = {
      dataset: { name: 'd', version: 'v1', sha256: 'x', items: 2 },
      dimensions: {
        exact: { score: 0.5, n: 2, threshold: 0.8, items: [] },
        judged: { score: 0.1, n: 2, threshold: 0.8, items: [], calibration: { n: 10, accuracy: 0.5, kappa: 0, floor: { kappa: 0.6 }, trusted: false } },
      },
    };
    const v = decideVerdict({ ...base, quality, runs: [] });
    expect(v.verdict).toBe('fail');
    expect(v.reasons.map((r) => r.dimension)).toEqual(['quality.exact']);
  });
});
