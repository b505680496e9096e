import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed } from '../../src/compare/stats/prng.ts';
import { mean, quantile, quantileInPlace } from '../../src/compare/stats/quantile.ts';
import { normalCdf, normalQuantile } from '../../src/compare/stats/normal.ts';
import {
  clusteredQuantileRatioCi,
  pairedMeanDifferenceCi,
  quantileRatioCi,
  ratioOfSumsRatioCi,
} from '../../src/compare/stats/bootstrap.ts';
import { proportionDifferenceCi, wilsonInterval } from '../../src/compare/stats/proportions.ts';
import { mannWhitneyU } from '../../src/compare/stats/mann-whitney.ts';
import { clippedSum, trimmedMean } from '../../src/compare/stats/robust.ts';
import { latencySamples } from './fixtures.ts';

const boot = (seed: number, confidence = 0.95, resamples = 2000) => ({ confidence, resamples, rng: createRng(seed) });

describe('seeded PRNG', () => {
  it('repeats the same stream for the same seed and differs for another', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
  });

  it('is uniform on [0, 1) to within sampling error', () => {
    const rng = createRng(1);
    const xs = Array.from({ length: 100_000 }, () => rng());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(mean(xs)).toBeCloseTo(0.5, 2);
    expect(quantile(xs, 0.9)).toBeCloseTo(0.9, 2);
  });

  it('derives different seeds for different labels', () => {
    expect(deriveSeed(1, 'quality.exact')).not.toBe(deriveSeed(1, 'quality.contains'));
    expect(deriveSeed(1, 'x')).toBe(deriveSeed(1, 'x'));
  });
});

describe('quantiles', () => {
  it('interpolates linearly between order statistics (type 7)', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([4, 1, 3, 2], 0.25)).toBe(1.75);
    expect(quantile(Array.from({ length: 11 }, (_, i) => i + 1), 0.9)).toBe(10);
    expect(quantile([5], 0.99)).toBe(5);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('gives the same answer by selection as by sorting', () => {
    const rng = createRng(3);
    for (const n of [1, 2, 3, 17, 64, 1000]) {
      const xs = Array.from({ length: n }, () => Math.round(rng() * 50));
      for (const q of [0, 0.5, 0.9, 0.99, 1]) {
        expect(quantileInPlace(Float64Array.from(xs), n, q)).toBeCloseTo(quantile(xs, q), 10);
      }
    }
  });
});

describe('normal distribution', () => {
  it('matches tabulated values', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.005)).toBeCloseTo(-2.575829, 5);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
  });
});

describe('paired bootstrap of the mean difference', () => {
  it('gives a zero-width interval at zero when nothing changed', () => {
    const ci = pairedMeanDifferenceCi(new Array(100).fill(0), boot(1));
    expect(ci).toEqual({ estimate: 0, lower: 0, upper: 0 });
  });

  it('excludes zero when 10 of 200 items flipped from right to wrong', () => {
    const diffs = [...new Array(10).fill(-1), ...new Array(190).fill(0)];
    const ci = pairedMeanDifferenceCi(diffs, boot(2));
    expect(ci.estimate).toBeCloseTo(-0.05, 10);
    expect(ci.upper).toBeLessThan(0);
    expect(ci.lower).toBeLessThan(-0.05);
    // The normal-theory half-width is 1.96·sd/√n = 0.0303; the bootstrap agrees to within a few thousandths.
    expect(ci.upper - ci.lower).toBeGreaterThan(0.05);
    expect(ci.upper - ci.lower).toBeLessThan(0.07);
  });

  it('includes zero when flips in both directions balance', () => {
    const diffs = [...new Array(10).fill(-1), ...new Array(10).fill(1), ...new Array(80).fill(0)];
    const ci = pairedMeanDifferenceCi(diffs, boot(3));
    expect(ci.lower).toBeLessThan(0);
    expect(ci.upper).toBeGreaterThan(0);
  });
});

describe('bootstrap of a ratio of quantiles', () => {
  it('recovers an exact 20% slowdown of every request', () => {
    const a = latencySamples(11, 64, 100, 0.3);
    const b = a.map((x) => x * 1.2);
    const ci = quantileRatioCi(a, b, 0.5, boot(4));
    expect(ci.estimate).toBeCloseTo(1.2, 10);
    expect(ci.lower).toBeLessThan(1.2);
    expect(ci.upper).toBeGreaterThan(1.2);
    expect(ci.lower).toBeGreaterThan(1);
  });

  it('covers a ratio of 1 in about 95% of A/A comparisons at 95% confidence', () => {
    let covered = 0;
    const reps = 200;
    for (let r = 0; r < reps; r++) {
      const ci = quantileRatioCi(latencySamples(2 * r, 64, 50, 0.25), latencySamples(2 * r + 1, 64, 50, 0.25), 0.5, boot(r, 0.95, 1000));
      if (ci.lower <= 1 && ci.upper >= 1) covered++;
    }
    expect(covered / reps).toBeGreaterThan(0.9);
    expect(covered / reps).toBeLessThan(0.995);
  });

  it('resamples whole groups, so correlated gaps widen the interval', () => {
    // Each request's gaps are all equal: 64 requests carry the information of 64 values, not 64×50.
    const perRequest = latencySamples(5, 64, 10, 0.3);
    const perRequest2 = latencySamples(6, 64, 10, 0.3);
    const groups = perRequest.map((x) => new Array(50).fill(x));
    const groups2 = perRequest2.map((x) => new Array(50).fill(x));
    const clustered = clusteredQuantileRatioCi(groups, groups2, 0.5, boot(7, 0.95, 500));
    const naive = quantileRatioCi(groups.flat(), groups2.flat(), 0.5, boot(7, 0.95, 500));
    expect(clustered.estimate).toBeCloseTo(naive.estimate, 10);
    expect(clustered.upper - clustered.lower).toBeGreaterThan(3 * (naive.upper - naive.lower));
  });

  it('estimates a throughput ratio from per-request tokens and times', () => {
    const e2e = latencySamples(8, 64, 1000, 0.1);
    const tokens = new Array(64).fill(100);
    const ci = ratioOfSumsRatioCi({ num: tokens, den: e2e }, { num: tokens, den: e2e.map((x) => x * 1.25) }, boot(9));
    expect(ci.estimate).toBeCloseTo(0.8, 10);
    expect(ci.upper).toBeLessThan(1);
  });
});

describe('proportions', () => {
  it('matches Wilson interval from Newcombe (1998) for 81/263', () => {
    const ci = wilsonInterval(81, 263, 0.95);
    expect(ci.lower).toBeCloseTo(0.2553, 3);
    expect(ci.upper).toBeCloseTo(0.3662, 3);
  });

  it("matches Newcombe's method 10 for 56/70 − 48/80", () => {
    const ci = proportionDifferenceCi({ events: 48, n: 80 }, { events: 56, n: 70 }, 0.95);
    expect(ci.estimate).toBeCloseTo(0.2, 10);
    expect(ci.lower).toBeCloseTo(0.0524, 3);
    expect(ci.upper).toBeCloseTo(0.3339, 3);
  });

  it('does not collapse when the baseline had no errors', () => {
    const ci = proportionDifferenceCi({ events: 0, n: 64 }, { events: 1, n: 64 }, 0.95);
    expect(ci.lower).toBeLessThan(0);
    expect(ci.upper).toBeGreaterThan(0.05);
  });
});

describe('Mann-Whitney U', () => {
  it('gives p about 0.012 for two fully separated samples of five', () => {
    const r = mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(r.u).toBe(25);
    expect(r.probabilityOfSuperiority).toBe(1);
    expect(r.pValue).toBeCloseTo(0.0122, 3);
  });

  it('gives p = 1 for identical samples with ties', () => {
    const r = mannWhitneyU([1, 1, 2, 2], [1, 1, 2, 2]);
    expect(r.probabilityOfSuperiority).toBe(0.5);
    expect(r.pValue).toBe(1);
  });
});

describe('robust location', () => {
  it('trims a fifth at each end before averaging (Tukey-McLaughlin)', () => {
    // 10 values: the lowest 2 and the highest 2 are set aside.
    expect(trimmedMean([1000, 2, 3, 4, 5, 6, 7, 8, -50, 9])).toBeCloseTo((3 + 4 + 5 + 6 + 7 + 8) / 6, 12);
    expect(trimmedMean([4])).toBe(4);
    expect(trimmedMean([])).toBeNaN();
  });

  it('clips values from above at the fence and keeps the rest as they are', () => {
    expect(clippedSum([1, 2, 100, 3], 6)).toBe(12);
    expect(clippedSum([1, 2, 3], 6)).toBe(6);
  });
});
