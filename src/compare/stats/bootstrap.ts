import { randomIndex, type Rng } from './prng.ts';
import { mean, quantileInPlace, quantileSorted } from './quantile.ts';

export interface BootstrapOptions {
  /** Two-sided coverage of the interval, e.g. 0.995 after a multiplicity adjustment. */
  confidence: number;
  resamples: number;
  rng: Rng;
}

/** A point estimate with a two-sided percentile-bootstrap interval. */
export interface Interval {
  estimate: number;
  lower: number;
  upper: number;
}

function percentileInterval(estimate: number, stats: Float64Array, confidence: number): Interval {
  stats.sort();
  const tail = (1 - confidence) / 2;
  return { estimate, lower: quantileSorted(stats, tail), upper: quantileSorted(stats, 1 - tail) };
}

/**
 * Paired bootstrap of the mean of per-item differences (candidate − baseline, items matched by id).
 * Pairing removes the between-item spread (easy and hard items), so only the change is left as noise.
 */
export function pairedMeanDifferenceCi(diffs: ArrayLike<number>, opts: BootstrapOptions): Interval {
  const n = diffs.length;
  const stats = new Float64Array(opts.resamples);
  for (let r = 0; r < opts.resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += diffs[randomIndex(opts.rng, n)]!;
    stats[r] = s / n;
  }
  return percentileInterval(mean(diffs), stats, opts.confidence);
}

/**
 * Unpaired bootstrap of q-quantile(candidate) / q-quantile(baseline): both samples are resampled
 * independently, as two runs of a load test share no request. A ratio, because latency changes
 * are multiplicative and tolerances are relative.
 */
export function quantileRatioCi(
  baseline: ArrayLike<number>,
  candidate: ArrayLike<number>,
  q: number,
  opts: BootstrapOptions,
): Interval {
  const bufA = new Float64Array(baseline.length);
  const bufB = new Float64Array(candidate.length);
  const stat = (src: ArrayLike<number>, buf: Float64Array): number => {
    for (let i = 0; i < buf.length; i++) buf[i] = src[randomIndex(opts.rng, buf.length)]!;
    return quantileInPlace(buf, buf.length, q);
  };
  const stats = new Float64Array(opts.resamples);
  for (let r = 0; r < opts.resamples; r++) stats[r] = stat(candidate, bufB) / stat(baseline, bufA);
  const point = (src: ArrayLike<number>): number => {
    const buf = Float64Array.from(src);
    return quantileInPlace(buf, buf.length, q);
  };
  return percentileInterval(point(candidate) / point(baseline), stats, opts.confidence);
}

/**
 * Cluster bootstrap of a quantile ratio for values that come in groups (the ITL gaps of one
 * request): whole groups are resampled and pooled, because gaps within a stream are correlated
 * and resampling single gaps would make the interval too narrow.
 */
export function clusteredQuantileRatioCi(
  baseline: readonly ArrayLike<number>[],
  candidate: readonly ArrayLike<number>[],
  q: number,
  opts: BootstrapOptions,
): Interval {
  const maxPooled = (groups: readonly ArrayLike<number>[]): number =>
    groups.length * groups.reduce((m, g) => Math.max(m, g.length), 0);
  const bufA = new Float64Array(maxPooled(baseline));
  const bufB = new Float64Array(maxPooled(candidate));
  const stat = (groups: readonly ArrayLike<number>[], buf: Float64Array): number => {
    let n = 0;
    for (let i = 0; i < groups.length; i++) {
      const g = groups[randomIndex(opts.rng, groups.length)]!;
      for (let j = 0; j < g.length; j++) buf[n++] = g[j]!;
    }
    return quantileInPlace(buf, n, q);
  };
  const stats = new Float64Array(opts.resamples);
  for (let r = 0; r < opts.resamples; r++) stats[r] = stat(candidate, bufB) / stat(baseline, bufA);
  const point = (groups: readonly ArrayLike<number>[]): number => {
    const pooled = Float64Array.from(groups.flatMap((g) => Array.from(g)));
    return quantileInPlace(pooled, pooled.length, q);
  };
  return percentileInterval(point(candidate) / point(baseline), stats, opts.confidence);
}

/** Pairs (numerator, denominator) of one unit, e.g. a request's output tokens and its E2E time. */
export interface RatioUnits {
  num: ArrayLike<number>;
  den: ArrayLike<number>;
}

/**
 * Unpaired bootstrap of (Σnum/Σden of candidate) / (Σnum/Σden of baseline), resampling units.
 * Used for throughput: under closed-loop load at fixed concurrency, Little's law makes
 * tokens/s = concurrency × Σtokens / Σe2e, so resampling requests gives its interval.
 */
export function ratioOfSumsRatioCi(baseline: RatioUnits, candidate: RatioUnits, opts: BootstrapOptions): Interval {
  const stat = (u: RatioUnits, resample: boolean): number => {
    const n = u.num.length;
    let num = 0;
    let den = 0;
    for (let i = 0; i < n; i++) {
      const k = resample ? randomIndex(opts.rng, n) : i;
      num += u.num[k]!;
      den += u.den[k]!;
    }
    return num / den;
  };
  const stats = new Float64Array(opts.resamples);
  for (let r = 0; r < opts.resamples; r++) stats[r] = stat(candidate, true) / stat(baseline, true);
  return percentileInterval(stat(candidate, false) / stat(baseline, false), stats, opts.confidence);
}
