import { describe, expect, it } from 'vitest';
import { compareReports } from '../../src/compare/compare.ts';
import { pauseClippedTpot, requestBlocks } from '../../src/compare/dimensions.ts';
import { latencySpreadFromRun } from '../../src/compare/detectable.ts';
import { lookAtStep } from '../../src/compare/sequential.ts';
import { clusteredQuantileRatioCi } from '../../src/compare/stats/bootstrap.ts';
import { mannWhitneyU } from '../../src/compare/stats/mann-whitney.ts';
import { createRng } from '../../src/compare/stats/prng.ts';
import type { BenchRun, RequestSample } from '../../src/report/schema.ts';
import { defaultCompareConfig, makeReport } from './fixtures.ts';
import { stalledServerRun } from './stalled-server.ts';

// The trust bench's noise model: 100 ms stalls of the whole server every 400 ms on average, against
// requests of 20 ms + 63 tokens × 2 ms; a third to a half of the requests take a stall.
const config = { ...defaultCompareConfig, resamples: 2000 };
const baseline = (seed: number) => stalledServerRun({ seed, requests: 64 });
const slower = (seed: number, requests = 64) => stalledServerRun({ seed, requests, decodeMs: 2.6 });
/** A candidate run as sequential sampling leaves it: compared at the level of 8 planned looks. */
const looked = (run: BenchRun): BenchRun => ({ ...run, sequential: { rounds: run.requests / 64, plannedLooks: 8, stoppedBecause: 'max-requests' } });
const tpotBlocks = (run: BenchRun) => requestBlocks(run).map((b) => b.map((s) => s.tpotMs!));
const compare = (a: BenchRun, b: BenchRun, seed: number) => compareReports(makeReport({ runs: [a] }), makeReport({ runs: [b] }), config, { seed });

describe('random server-wide stalls: why the median TPOT could not decide', () => {
  it('a stall lifts the TPOT of every request in flight by stall/63, so TPOT turns bimodal', () => {
    const run = baseline(1);
    const stalled = run.samples.filter((s) => s.itlMs.some((g) => g > 50));
    expect(stalled.length / run.samples.length).toBeGreaterThan(0.3);
    for (const s of stalled) expect(s.tpotMs!).toBeGreaterThan(2.6); // 2 ms + at least 50/63 ms
    for (const s of run.samples.filter((x) => !stalled.includes(x))) expect(s.tpotMs!).toBeLessThan(2.2);
  });

  it('the block-bootstrap interval of the plain median spans the modes while the rank test is certain', () => {
    // 64-request baseline, 512-request candidate at the level of the 8th look: the case.
    const a = baseline(1);
    const b = slower(5, 512);
    const ci = clusteredQuantileRatioCi(tpotBlocks(a), tpotBlocks(b), 0.5, { confidence: 0.999, resamples: 2000, rng: createRng(1) });
    expect(ci.lower).toBeLessThan(1); // "no change" not excluded: the old gate passed a 30% slowdown
    expect(ci.upper / ci.lower).toBeGreaterThan(1.5);
    expect(mannWhitneyU(a.samples.map((s) => s.tpotMs!), b.samples.map((s) => s.tpotMs!)).pValue).toBeLessThan(0.001);
  });
});

describe('TPOT with pauses clipped', () => {
  const sample = (itl: number[]): RequestSample => {
    const sum = itl.reduce((s, g) => s + g, 0);
    return { ok: true, startMs: 0, ttftMs: 20, e2eMs: 20 + sum, tpotMs: sum / itl.length, itlMs: itl, inputTokens: 8, outputTokens: itl.length + 1 };
  };

  it('is the TPOT itself when no gap is a pause', () => {
    const s = sample(Array.from({ length: 63 }, (_, i) => 2 + 0.1 * Math.sin(i)));
    expect(pauseClippedTpot(s)).toEqual({ tpotMs: s.tpotMs, paused: false });
  });

  it('clips a 100 ms stall to three typical gaps', () => {
    const c = pauseClippedTpot(sample([...Array.from({ length: 62 }, () => 2), 100]))!;
    expect(c.paused).toBe(true);
    expect(c.tpotMs).toBeCloseTo((62 * 2 + 6) / 63, 10);
  });

  it('is not fooled by chunks that arrived together (half the gaps near zero)', () => {
    // Pairs of chunks read at once: gaps 0.01 and 3.99 alternate, mean 2; the median gap would say 0.01.
    const gaps = Array.from({ length: 64 }, (_, i) => (i % 2 === 0 ? 0.01 : 3.99));
    expect(pauseClippedTpot(sample(gaps))).toEqual({ tpotMs: 2, paused: false });
  });

  it('keeps a slowdown of some tokens: every fourth token three times slower is not a pause', () => {
    const gaps = Array.from({ length: 64 }, (_, i) => (i % 4 === 0 ? 6 : 2));
    expect(pauseClippedTpot(sample(gaps))!.paused).toBe(false);
  });

  it('has no TPOT for a one-token answer', () => {
    expect(pauseClippedTpot({ ...sample([2]), tpotMs: null })).toBeNull();
  });
});

describe('the gate under random stalls', () => {
  it('flags a 30% slower decode on tpot.p50 in 10 of 10 seeded runs of 64 requests a side', () => {
    for (let i = 0; i < 10; i++) {
      const d = compare(baseline(100 + i), slower(500 + i), i).dimensions['perf.c4.tpot.p50']!;
      expect(d.regressed, `run ${i}: ${d.relativeDelta} ${JSON.stringify(d.ci)}`).toBe(true);
      expect(d.relativeDelta!).toBeGreaterThan(0.2);
      expect(d.note).toMatch(/pauses clipped/);
    }
  });

  it('flags it against a 64-request baseline after 512 sequential requests, with an interval around +30%', () => {
    for (let i = 0; i < 3; i++) {
      const d = compare(baseline(100 + i), looked(slower(500 + i, 512)), i).dimensions['perf.c4.tpot.p50']!;
      expect(d.regressed).toBe(true);
      expect(d.ci![0]).toBeGreaterThan(0.2);
      expect(d.ci![1]).toBeLessThan(0.4);
    }
  });

  it('stops sequential sampling at the first look on the regression', () => {
    const look = lookAtStep(baseline(100), slower(500), config, 8, { stopOnRegression: true, waitForTails: false });
    expect(look.stop).toBe('regressed');
  });

  it('raises no alarm in 10 seeded A/A runs under the same stalls', () => {
    for (let i = 0; i < 10; i++) {
      const c = compare(baseline(100 + i), baseline(900 + i), i);
      const flagged = Object.entries(c.dimensions).filter(([, d]) => d.regressed).map(([n]) => n);
      expect(flagged, `run ${i}`).toEqual([]);
      const d = c.dimensions['perf.c4.tpot.p50']!;
      expect(Math.abs(d.relativeDelta!)).toBeLessThan(0.05);
    }
  });
});

describe('random server-wide stalls: what the run says it could catch', () => {
  it('measures the median TPOT spread on the clipped TPOT it is compared on, not on the bimodal raw TPOT', () => {
    const run = baseline(1); // 24 of 64 requests take a stall
    const spread = latencySpreadFromRun(run, 'tpot', 0.5)!;
    const raw = latencySpreadFromRun({ ...run, samples: run.samples.map((s) => ({ ...s, itlMs: [] })) }, 'tpot', 0.5)!;
    // Without gaps nothing can be clipped: the raw TPOT's spread, which the stalls inflate.
    expect(spread).toBeLessThan(raw / 5);
  });
});
