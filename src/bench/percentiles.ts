import type { LatencyStats } from '../report/schema.ts';

/** Linear interpolation between closest ranks (numpy's default), on an ascending array. */
export function percentileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (rank - lo);
}

/** Summary of a latency sample; all zeros for an empty one (the run's error count says why). */
export function latencyStats(values: readonly number[]): LatencyStats {
  if (values.length === 0) return { mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 };
  const sorted = Float64Array.from(values).sort();
  const arr = Array.from(sorted);
  let sum = 0;
  for (const v of arr) sum += v;
  return {
    mean: sum / arr.length,
    p50: percentileSorted(arr, 50),
    p90: percentileSorted(arr, 90),
    p95: percentileSorted(arr, 95),
    p99: percentileSorted(arr, 99),
    max: arr[arr.length - 1]!,
  };
}
