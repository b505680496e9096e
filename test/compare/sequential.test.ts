import { describe, expect, it } from 'vitest';
import { compareReports } from '../../src/compare/compare.ts';
import { lookAtStep } from '../../src/compare/sequential.ts';
import { createRng } from '../../src/compare/stats/prng.ts';
import { benchRun, defaultCompareConfig, logNormal, makeReport } from './fixtures.ts';

/** A run of n requests whose TTFT and TPOT are log-normal around the medians with spread sigma. */
function run(n: number, seed: number, sigma: number, tpotFactor = 1) {
  const rng = createRng(seed);
  return benchRun('c4', {
    ttft: Array.from({ length: n }, () => logNormal(rng, 100, sigma)),
    tpot: Array.from({ length: n }, () => logNormal(rng, 10 * tpotFactor, sigma)),
  });
}

const config = { ...defaultCompareConfig, resamples: 1000 };
const rule = { stopOnRegression: true, waitForTails: false };

describe('the stopping rule of sequential sampling', () => {
  it('stops at the first look when tight samples are clearly equal to the baseline', () => {
    const look = lookAtStep(run(64, 1, 0.01), run(64, 2, 0.01), config, 8, rule);
    expect(look.undecided).toEqual([]);
    expect(look.stop).toBe('decided');
  });

  it('asks for another round while noisy samples leave intervals straddling the tolerance', () => {
    const look = lookAtStep(run(64, 1, 0.6), run(64, 2, 0.6), config, 8, rule);
    expect(look.stop).toBeNull();
    expect(look.undecided).toContain('perf.c4.ttft.p50');
  });

  it('stops as soon as one dimension regressed: the gate fails whatever the others say', () => {
    const look = lookAtStep(run(64, 1, 0.01), run(64, 2, 0.01, 1.5), config, 8, rule);
    expect(look.stop).toBe('regressed');
  });

  it('with stopOnRegression off, keeps sampling after a regression until the other dimensions are decided', () => {
    // Noisy TTFT leaves ttft.p50 undecided beside a clear TPOT regression.
    const mixed = (seed: number, tpot: number) => {
      const rng = createRng(seed);
      return benchRun('c4', { ttft: Array.from({ length: 64 }, () => logNormal(rng, 100, 0.8)), tpot: Array.from({ length: 64 }, () => logNormal(rng, tpot, 0.01)) });
    };
    const baseline = mixed(1, 10);
    const candidate = mixed(2, 15);
    expect(lookAtStep(baseline, candidate, config, 8, rule).stop).toBe('regressed');
    const look = lookAtStep(baseline, candidate, config, 8, { ...rule, stopOnRegression: false });
    expect(look.stop).toBeNull();
    expect(look.undecided).toContain('perf.c4.ttft.p50');
  });

  it('leaves out what the baseline has too few requests to decide (a p99 of 64) and the error rate', () => {
    const look = lookAtStep(run(64, 1, 0.6), run(64, 2, 0.6), config, 8, rule);
    expect(look.undecided.some((d) => d.endsWith('.p99') || d.endsWith('.errorRate'))).toBe(false);
  });

  it('does not hold sampling open for p99s unless asked to wait for the tails', () => {
    const big = (seed: number) => run(512, seed, 0.6);
    const plain = lookAtStep(big(1), big(2), config, 8, rule);
    expect(plain.undecided.some((d) => d.endsWith('.p99'))).toBe(false);
    const tails = lookAtStep(big(1), run(64, 2, 0.6), config, 8, { ...rule, waitForTails: true });
    expect(tails.undecided.some((d) => d.endsWith('.p99'))).toBe(true);
  });

  it('spends the error rate over the planned looks: a sequential run is compared at 1 - (1 - c)/(m*K)', () => {
    const baseline = makeReport({ runs: [run(64, 1, 0.2)] });
    const plain = run(64, 2, 0.2);
    const sequential = { ...plain, sequential: { rounds: 2, plannedLooks: 8, stoppedBecause: 'decided' as const } };
    const once = compareReports(baseline, makeReport({ runs: [plain] }), config);
    const looked = compareReports(baseline, makeReport({ runs: [sequential] }), config);
    const m = once.tests!;
    expect(once.dimensions['perf.c4.tpot.p50']?.confidence).toBeCloseTo(1 - 0.05 / m, 10);
    expect(looked.dimensions['perf.c4.tpot.p50']?.confidence).toBeCloseTo(1 - 0.05 / (m * 8), 10);
    const width = (c: typeof once) => c.dimensions['perf.c4.ttft.p50']!.ci![1] - c.dimensions['perf.c4.ttft.p50']!.ci![0];
    expect(width(looked)).toBeGreaterThan(width(once));
  });
});
