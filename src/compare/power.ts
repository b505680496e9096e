import { binomialPmf, binomialSf, logChoose } from './stats/discrete.ts';
import { normalCdf, normalQuantile } from './stats/normal.ts';

/**
 * What a comparison can see: the power of the gate's decision rule (src/compare/compare.ts) and
 * the smallest regression it detects (minimum detectable effect, MDE), for quality and latency.
 *
 * The rule being modelled: a dimension regresses when its two-sided interval at the per-test level
 * 1 − α (α = (1 − confidence) / (m·K), Bonferroni over m dimensions and K sequential looks)
 * excludes "no change" on the bad side AND the point change is beyond the tolerance. So a change
 * is detected when the observed change clears max(tolerance, the interval's half-width): the MDE is
 * never below the tolerance, and the statistics add to it what the sample size leaves.
 * Power and sample-size logic as in Cohen, "Statistical Power Analysis for the Behavioral
 * Sciences" (1988), ch. 1 and 12, applied to this two-condition rule.
 */

/** The power the gate aims at: the trust bench's target (bench/README.md), a regression caught in 95% of gate runs. */
export const DEFAULT_POWER = 0.95;

/** Per-test two-sided error rate of the gate: (1 − confidence) / (tests · looks) (docs/compare.md). */
export function perTestAlpha(confidence: number, tests: number, looks = 1): number {
  return (1 - confidence) / (Math.max(1, tests) * Math.max(1, looks));
}

// ---------------------------------------------------------------------------------------------
// Quality: paired per-item scores

export interface QualityPowerInput {
  /** Items in the dimension, compared pairwise by id. */
  items: number;
  /** Tolerance in score points (0..1), e.g. 0.03. */
  tolerance: number;
  /** Per-test two-sided error rate (perTestAlpha). */
  alpha: number;
  /**
   * Share of items (0..1) whose score differs between two runs of the same model: 0 for a
   * temperature-0 model on a deterministic engine, a few percent with batch nondeterminism or a
   * noisy judge. For graded scores, the mean absolute per-item difference between two runs.
   */
  instability: number;
}

/**
 * Model (binary item scores, the worst case for a given mean drop: bounded scores have the largest
 * variance at the ends): between two runs of the same model each item's score moves down with
 * probability f/2 and up with f/2 (f = instability); a true drop of δ points takes a further share δ
 * of the items from right to wrong. A = items that got worse, B = items that got better are then
 * ≈ Binomial(n, f/2 + δ) and Binomial(n, f/2). The gate decides on (A, B) alone: the mean per-item
 * difference is (B − A)/n, and the paired bootstrap resamples the n differences, so its resampled
 * counts are trinomial (n; A/n, B/n). "Regressed" ⇔ (A − B)/n > tolerance and the upper end of the
 * bootstrap interval is below 0 ⇔ P*(A* ≤ B*) < α/2 (percentile interval, Efron & Tibshirani,
 * "An Introduction to the Bootstrap" (1993), §13.3). P* is computed exactly (trinomial sums) for
 * small counts, where the normal approximation fails (a handful of flipped items is the typical
 * temperature-0 regression), and by the normal approximation with continuity correction beyond.
 * A drop of the model's ability is a share of the population of items, so how many of *this*
 * dataset's items it hits is random: the power is taken over that, as a new dataset would see it.
 */
export function qualityPower(input: QualityPowerInput & { drop: number }): number {
  return powerFromThresholds(thresholdsFor(input), input.items, input.instability, input.drop);
}

interface Thresholds {
  /** For each count of improved items b (with its probability), the fewest worsened items a that regress. */
  rows: { b: number; weight: number; minA: number | null }[];
}

const thresholdCache = new Map<string, Thresholds>();

function thresholdsFor(input: QualityPowerInput): Thresholds {
  const key = `${input.items}|${input.tolerance}|${input.alpha}|${input.instability}`;
  const cached = thresholdCache.get(key);
  if (cached) return cached;
  const n = input.items;
  const pB = input.instability / 2;
  const rows: Thresholds['rows'] = [];
  for (let b = 0; b <= n; b++) {
    const weight = binomialPmf(b, n, pB);
    if (weight < 1e-12 && b > n * pB) break;
    if (weight < 1e-12) continue;
    rows.push({ b, weight, minA: smallestRegressingA(n, b, input.tolerance, input.alpha) });
  }
  if (thresholdCache.size > 2000) thresholdCache.clear();
  thresholdCache.set(key, { rows });
  return { rows };
}

function powerFromThresholds(t: Thresholds, n: number, instability: number, drop: number): number {
  const pA = Math.min(1, instability / 2 + Math.max(0, drop));
  let power = 0;
  for (const row of t.rows) if (row.minA !== null) power += row.weight * binomialSf(row.minA, n - row.b, pA);
  return Math.min(1, power);
}

/** The fewest worsened items that make the gate call a regression, given b improved ones; null if none do. */
function smallestRegressingA(n: number, b: number, tolerance: number, alpha: number): number | null {
  const regresses = (a: number): boolean => (a - b) / n > tolerance + 1e-12 && bootstrapUpperBelowZero(n, a, b, alpha);
  if (!regresses(n - b)) return null;
  let lo = b; // does not regress (mean difference 0)
  let hi = n - b;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (regresses(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * Whether the percentile-bootstrap interval of the mean of n differences, a of them −1 and b of
 * them +1, lies below 0 at two-sided level 1 − alpha: P*(A* ≤ B*) < alpha/2.
 */
export function bootstrapUpperBelowZero(n: number, a: number, b: number, alpha: number): boolean {
  if (a <= b) return false;
  return probNotWorse(n, a, b) < alpha / 2;
}

/** Counts up to this are summed exactly; above, the normal approximation is within a few 0.1% of it. */
const EXACT_BELOW = 40;

/** P(A* ≤ B*) for (A*, B*, rest) ~ Multinomial(n; a/n, b/n, 1 − (a+b)/n). */
function probNotWorse(n: number, a: number, b: number): number {
  if (a + b > EXACT_BELOW) {
    const variance = a + b - ((a - b) * (a - b)) / n;
    if (variance <= 0) return 0;
    return normalCdf((0.5 - (a - b)) / Math.sqrt(variance));
  }
  const pa = a / n;
  const pb = b / n;
  const p0 = 1 - pa - pb;
  const lpa = Math.log(pa);
  const lpb = b > 0 ? Math.log(pb) : Number.NEGATIVE_INFINITY;
  const lp0 = p0 > 0 ? Math.log(p0) : Number.NEGATIVE_INFINITY;
  const aMax = Math.min(n, Math.ceil(a + 8 * Math.sqrt(a) + 12));
  let total = 0;
  // Σ over a* ≤ b* of n!/(a*! b*! r!) pa^a* pb^b* p0^r, r = n − a* − b*.
  for (let bs = 0; bs <= Math.min(n, aMax); bs++) {
    if (b === 0 && bs > 0) break;
    const lb = bs === 0 ? 0 : bs * lpb;
    for (let as = 0; as <= bs && as + bs <= n; as++) {
      const r = n - as - bs;
      if (r > 0 && p0 <= 0) continue;
      const la = as === 0 ? 0 : as * lpa;
      const l0 = r === 0 ? 0 : r * lp0;
      total += Math.exp(logChoose(n, bs) + logChoose(n - bs, as) + la + lb + l0);
    }
  }
  return total;
}

/**
 * The smallest quality drop (score points, 0..1) the gate catches with probability `power`; null
 * when even a drop of every item would not be (too few items for the interval to exclude 0).
 * Bisection on the power, which grows with the drop. Resolution 0.001 points.
 */
export function qualityMde(input: QualityPowerInput & { power: number }): number | null {
  const t = thresholdsFor(input);
  const power = (drop: number): number => powerFromThresholds(t, input.items, input.instability, drop);
  const top = 1 - input.instability / 2;
  if (power(top) < input.power) return null;
  let lo = 0;
  let hi = top;
  while (hi - lo > 0.0005) {
    const mid = (lo + hi) / 2;
    if (power(mid) >= input.power) hi = mid;
    else lo = mid;
  }
  return Math.ceil(hi * 1000) / 1000;
}

/**
 * The fewest items a dimension needs for the gate to catch a drop of `drop` points with
 * probability `power`; null when no item count can (a drop within the tolerance is never a
 * regression), or more than `maxItems` would be needed. The power is not quite monotone in the
 * item count (the counts are whole numbers), so the answer is the smallest count from which on it
 * holds, found by doubling, bisection, and a scan upwards over one period of the wobble.
 */
export function itemsForDrop(
  input: Omit<QualityPowerInput, 'items'> & { drop: number; power: number; maxItems?: number },
): number | null {
  const maxItems = input.maxItems ?? 100_000;
  if (input.drop <= input.tolerance) return null;
  const ok = (items: number): boolean => qualityPower({ ...input, items }) >= input.power;
  let hi = 8;
  while (!ok(hi)) {
    if (hi >= maxItems) return null;
    hi = Math.min(maxItems, hi * 2);
  }
  let lo = Math.floor(hi / 2);
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  // Discreteness: the tolerance asks for one more lost item every 1/tolerance items, so the power
  // dips there (a sawtooth); the answer must hold over a whole period above it.
  const period = Math.min(200, Math.ceil(1 / Math.max(input.tolerance, 0.005)) + 8);
  for (let n = hi; n < Math.min(maxItems, hi + period); n++) {
    if (!ok(n)) hi = n + 1;
  }
  return hi <= maxItems ? hi : null;
}

// ---------------------------------------------------------------------------------------------
// Latency and throughput: ratios of quantiles (or of sums) between two runs

export interface RatioPowerInput {
  /**
   * Standard error of ln(candidate/baseline) for the statistic: √(sA² + sB²), each side's
   * sd of the log statistic (latencyStandardError).
   */
  standardError: number;
  /** Relative tolerance, e.g. 0.1 for 10%. */
  tolerance: number;
  alpha: number;
  /** 'lower-is-better' for latency (a rise is bad), 'higher-is-better' for throughput (a fall is). */
  direction: 'lower-is-better' | 'higher-is-better';
}

/** ln of the bad ratio for a relative change: +10% slower → ln 1.1; 10% less throughput → −ln 0.9. */
function badLog(change: number, direction: RatioPowerInput['direction']): number {
  return direction === 'lower-is-better' ? Math.log1p(change) : -Math.log1p(-Math.min(change, 1 - 1e-12));
}

function fromBadLog(x: number, direction: RatioPowerInput['direction']): number {
  return direction === 'lower-is-better' ? Math.expm1(x) : -Math.expm1(-x);
}

/**
 * Probability that the gate flags a relative change (0.1 = 10% worse) of a latency quantile or of
 * throughput. The log ratio of the two runs' statistics is ≈ normal (asymptotic normality of sample
 * quantiles, Serfling, "Approximation Theorems of Mathematical Statistics" (1980), §2.3.3; the delta
 * method for ratios of sums), and the gate flags when it clears both z·SE (the interval's lower end
 * above 1) and ln(1 + tolerance): power = Φ((ln(1+Δ) − max(ln(1+tol), z·SE)) / SE).
 */
export function ratioPower(input: RatioPowerInput & { change: number }): number {
  const z = normalQuantile(1 - input.alpha / 2);
  const se = input.standardError;
  const bar = Math.max(badLog(input.tolerance, input.direction), z * se);
  if (se <= 0) return badLog(input.change, input.direction) > bar ? 1 : 0;
  return normalCdf((badLog(input.change, input.direction) - bar) / se);
}

/** The smallest relative change the gate catches with probability `power`: the inverse of ratioPower. */
export function ratioMde(input: RatioPowerInput & { power: number }): number {
  const z = normalQuantile(1 - input.alpha / 2);
  const se = input.standardError;
  const x = Math.max(badLog(input.tolerance, input.direction), z * se) + normalQuantile(input.power) * se;
  return fromBadLog(x, input.direction);
}

/**
 * The largest standard error of the log ratio at which a change of `change` is caught with
 * probability `power`; 0 when none is (a change within the tolerance never regresses).
 */
export function maxStandardErrorFor(input: Omit<RatioPowerInput, 'standardError'> & { change: number; power: number }): number {
  const target = badLog(input.change, input.direction);
  const tol = badLog(input.tolerance, input.direction);
  const z = normalQuantile(1 - input.alpha / 2);
  const zb = normalQuantile(input.power);
  if (target <= tol) return 0;
  return Math.min(zb > 0 ? (target - tol) / zb : Number.POSITIVE_INFINITY, target / (z + zb));
}

/**
 * Standard deviation of the log of a sample q-quantile of n independent lognormal values with log
 * standard deviation σ: σ·√(q(1−q)/n)/φ(z_q) (the sample quantile's asymptotic variance
 * q(1−q)/(n·f(ξ_q)²), Serfling 1980, §2.3.3, for the normal ln X; the log is monotone, so the log
 * of the quantile is the quantile of the logs). Requests that run together share the server's
 * stalls; `designEffect` (Kish, "Survey Sampling" (1965), 1 + (c − 1)ρ) widens it for that.
 */
export function lognormalQuantileLogSd(sigma: number, q: number, n: number, designEffect = 1): number {
  const zq = normalQuantile(q);
  const density = Math.exp(-(zq * zq) / 2) / Math.sqrt(2 * Math.PI);
  return (sigma * Math.sqrt((q * (1 - q) * designEffect) / n)) / density;
}
