import { describe, expect, it } from 'vitest';
import { agreement, calibrate } from '../../src/eval/calibration.ts';

function pairs(counts: { tt: number; tf: number; ft: number; ff: number }): Array<{ human: boolean; judge: boolean }> {
  const rep = (n: number, human: boolean, judge: boolean) => Array.from({ length: n }, () => ({ human, judge }));
  return [...rep(counts.tt, true, true), ...rep(counts.tf, true, false), ...rep(counts.ft, false, true), ...rep(counts.ff, false, false)];
}

describe('agreement', () => {
  it("computes accuracy and Cohen's kappa (the textbook 50-rating example: po 0.7, pe 0.5, kappa 0.4)", () => {
    const a = agreement(pairs({ tt: 20, tf: 5, ft: 10, ff: 15 }));
    expect(a.n).toBe(50);
    expect(a.accuracy).toBeCloseTo(0.7);
    expect(a.kappa).toBeCloseTo(0.4);
  });
  it('is 1 for perfect agreement across both classes and negative for systematic disagreement', () => {
    expect(agreement(pairs({ tt: 3, tf: 0, ft: 0, ff: 3 })).kappa).toBe(1);
    expect(agreement(pairs({ tt: 0, tf: 3, ft: 3, ff: 0 })).kappa).toBe(-1);
  });
  it('leaves kappa undefined when both raters used a single class', () => {
    expect(agreement(pairs({ tt: 4, tf: 0, ft: 0, ff: 0 }))).toEqual({ n: 4, accuracy: 1, kappa: null });
  });
});

describe('calibrate', () => {
  it('trusts a judge at or above the floors', () => {
    expect(calibrate(pairs({ tt: 5, tf: 0, ft: 0, ff: 5 }), { kappa: 0.6, accuracy: 0.8 })).toMatchObject({ trusted: true, kappa: 1 });
  });
  it('distrusts a judge below the kappa floor, saying why', () => {
    const c = calibrate(pairs({ tt: 20, tf: 5, ft: 10, ff: 15 }), { kappa: 0.6 });
    expect(c.trusted).toBe(false);
    expect(c.note).toBe('kappa 0.40 is below the floor 0.6');
  });
  it('distrusts a judge below the accuracy floor even with enough kappa', () => {
    const c = calibrate(pairs({ tt: 20, tf: 5, ft: 10, ff: 15 }), { kappa: 0.3, accuracy: 0.8 });
    expect(c).toMatchObject({ trusted: false, note: 'accuracy 0.70 is below the floor 0.8' });
  });
  it('distrusts a judge whose kappa is undefined: labels of one class cannot show it tells good from bad', () => {
    expect(calibrate(pairs({ tt: 4, tf: 0, ft: 0, ff: 0 }), { kappa: 0.6 })).toMatchObject({ trusted: false, kappa: null });
  });
});
