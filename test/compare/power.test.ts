import { describe, expect, it } from 'vitest';
import {
  bootstrapUpperBelowZero,
  itemsForDrop,
  lognormalQuantileLogSd,
  maxStandardErrorFor,
  perTestAlpha,
  qualityMde,
  qualityPower,
  ratioMde,
  ratioPower,
} from '../../src/compare/power.ts';
import { binomialSf, logChoose, logGamma } from '../../src/compare/stats/discrete.ts';
import { compareReports } from '../../src/compare/compare.ts';
import { defaultCompareConfig, makeReport } from './fixtures.ts';

const alpha9 = perTestAlpha(0.95, 9);

describe('discrete distributions', () => {
  it('ln Γ matches factorials and Γ(1/2) = √π', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logChoose(10, 3)).toBeCloseTo(Math.log(120), 12);
  });

  it('binomial upper tail agrees with the complement of the lower tail', () => {
    expect(binomialSf(1, 1000, 0.001)).toBeCloseTo(1 - 0.999 ** 1000, 12);
    expect(binomialSf(5, 10, 0.5)).toBeCloseTo(638 / 1024, 12);
    expect(binomialSf(0, 10, 0.3)).toBe(1);
    expect(binomialSf(11, 10, 0.3)).toBe(0);
  });
});

describe('the paired bootstrap decision', () => {
  it('needs about ln(2m/α) items lost, and none gained, to exclude zero (P*(no loss resampled) = (1 − a/n)^n)', () => {
    // 9 tests at 95%: α/2 = 0.0028; (1 − a/200)^200 < 0.0028 from a = 6 on.
    expect(bootstrapUpperBelowZero(200, 5, 0, alpha9)).toBe(false);
    expect(bootstrapUpperBelowZero(200, 6, 0, alpha9)).toBe(true);
    // Items that got better offset those that got worse.
    expect(bootstrapUpperBelowZero(200, 6, 2, alpha9)).toBe(false);
  });

  it('agrees with compareReports on where a regression starts, for stable answers', () => {
    const at = (lost: number): boolean => {
      const base = Array.from({ length: 300 }, () => 1);
      const cand = base.map((x, i) => (i < lost ? 0 : x));
      const fill = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`f${i}`, [1, 1, 1, 1, 1]]));
      const c = compareReports(makeReport({ quality: { d: base, ...fill } }), makeReport({ quality: { d: cand, ...fill } }), defaultCompareConfig);
      return c.dimensions['quality.d']!.regressed;
    };
    // The 3-point tolerance needs more than 9 of 300 items; the interval needs 6: the tolerance decides.
    expect(at(9)).toBe(false);
    expect(at(10)).toBe(true);
  });
});

describe('quality power and minimum detectable effect', () => {
  const base = { tolerance: 0.03, alpha: alpha9 };

  it('grows with the items and the drop, and falls as answers get less stable', () => {
    const p = (items: number, drop: number, instability: number) => qualityPower({ ...base, items, drop, instability });
    expect(p(300, 0.05, 0)).toBeGreaterThan(p(150, 0.05, 0));
    expect(p(150, 0.1, 0)).toBeGreaterThan(p(150, 0.05, 0));
    expect(p(300, 0.05, 0.04)).toBeLessThan(p(300, 0.05, 0));
    expect(p(300, 0, 0)).toBeLessThan(0.01);
  });

  it('is never below the tolerance, and approaches it as items grow', () => {
    const mde = (items: number) => qualityMde({ ...base, items, instability: 0, power: 0.95 })!;
    expect(mde(100_000)).toBeGreaterThan(0.03);
    expect(mde(100_000)).toBeLessThanOrEqual(0.032);
    expect(mde(300)).toBeGreaterThan(mde(1000));
  });

  it('sees only a collapse with a handful of items (the starter suite: a broken model, not a drift)', () => {
    expect(qualityMde({ ...base, items: 7, instability: 0, power: 0.95 })!).toBeGreaterThan(0.7);
  });

  it('sizes a suite: items needed for a 5-point drop at 95% power, more when answers flip between runs', () => {
    const stable = itemsForDrop({ ...base, instability: 0, drop: 0.05, power: 0.95 })!;
    const noisy = itemsForDrop({ ...base, instability: 0.04, drop: 0.05, power: 0.95 })!;
    expect(stable).toBeGreaterThan(250);
    expect(stable).toBeLessThan(450);
    expect(noisy).toBeGreaterThan(stable);
    expect(qualityPower({ ...base, items: stable, instability: 0, drop: 0.05 })).toBeGreaterThanOrEqual(0.95);
  });

  it('says no item count catches a drop within the tolerance', () => {
    expect(itemsForDrop({ ...base, instability: 0, drop: 0.03, power: 0.95 })).toBeNull();
  });
});

describe('latency power and minimum detectable effect', () => {
  it('inverts: the power at the MDE is the requested power', () => {
    for (const direction of ['lower-is-better', 'higher-is-better'] as const) {
      const input = { standardError: 0.08, tolerance: 0.1, alpha: alpha9, direction };
      const mde = ratioMde({ ...input, power: 0.9 });
      expect(ratioPower({ ...input, change: mde })).toBeCloseTo(0.9, 6);
    }
  });

  it('is the tolerance plus z_power standard errors when the data are plentiful', () => {
    const mde = ratioMde({ standardError: 0.001, tolerance: 0.1, alpha: alpha9, direction: 'lower-is-better', power: 0.95 });
    expect(mde).toBeGreaterThan(0.1);
    expect(mde).toBeLessThan(0.1 * 1.02 + 0.002);
  });

  it('gives the standard error a target change allows, zero within the tolerance', () => {
    const se = maxStandardErrorFor({ change: 0.2, tolerance: 0.1, alpha: alpha9, direction: 'lower-is-better', power: 0.95 });
    expect(ratioPower({ standardError: se, tolerance: 0.1, alpha: alpha9, direction: 'lower-is-better', change: 0.2 })).toBeGreaterThanOrEqual(0.95 - 1e-9);
    expect(maxStandardErrorFor({ change: 0.1, tolerance: 0.1, alpha: alpha9, direction: 'lower-is-better', power: 0.95 })).toBe(0);
  });

  it('uses the sample median variance πσ²/(2n) of a lognormal (Serfling §2.3.3)', () => {
    expect(lognormalQuantileLogSd(0.5, 0.5, 100)).toBeCloseTo(0.5 * Math.sqrt(Math.PI / 2 / 100), 6);
    // A p99 is far noisier than a median from the same requests.
    expect(lognormalQuantileLogSd(0.5, 0.99, 100)).toBeGreaterThan(2.5 * lognormalQuantileLogSd(0.5, 0.5, 100));
  });
});
