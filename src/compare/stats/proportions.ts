import { normalQuantile } from './normal.ts';
import type { Interval } from './bootstrap.ts';

/** Wilson score interval of a proportion: sane at 0 and at small counts, unlike the Wald interval. */
export function wilsonInterval(successes: number, n: number, confidence: number): Interval {
  const p = n === 0 ? 0 : successes / n;
  if (n === 0) return { estimate: 0, lower: 0, upper: 1 };
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { estimate: p, lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}

/**
 * Newcombe's hybrid score interval (method 10) for the difference of two independent proportions
 * pB − pA. Error rates are counts, often zero; this interval keeps its coverage there, where a
 * bootstrap of a sample with no failures collapses to a point.
 */
export function proportionDifferenceCi(
  baseline: { events: number; n: number },
  candidate: { events: number; n: number },
  confidence: number,
): Interval {
  const a = wilsonInterval(baseline.events, baseline.n, confidence);
  const b = wilsonInterval(candidate.events, candidate.n, confidence);
  const d = b.estimate - a.estimate;
  return {
    estimate: d,
    lower: d - Math.sqrt((b.estimate - b.lower) ** 2 + (a.upper - a.estimate) ** 2),
    upper: d + Math.sqrt((b.upper - b.estimate) ** 2 + (a.estimate - a.lower) ** 2),
  };
}
