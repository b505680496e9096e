/**
 * Quantiles with linear interpolation between order statistics (Hyndman & Fan type 7, the
 * default of numpy and R), the definition the bench stage's percentiles use too.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo]!;
  return a + (h - lo) * (sorted[hi]! - a);
}

export function quantile(values: ArrayLike<number>, q: number): number {
  return quantileSorted(Float64Array.from(values).sort(), q);
}

export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) return Number.NaN;
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s / values.length;
}

/**
 * The same type-7 quantile, computed in place by selection: O(n) instead of a sort, which is
 * what makes thousands of bootstrap resamples of a few thousand ITL gaps affordable.
 * Reorders `buf[0..n)`.
 */
export function quantileInPlace(buf: Float64Array, n: number, q: number): number {
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const a = select(buf, n, lo);
  if (h === lo || lo + 1 >= n) return a;
  // After selecting `lo`, the next order statistic is the minimum of the right part.
  let b = Number.POSITIVE_INFINITY;
  for (let i = lo + 1; i < n; i++) if (buf[i]! < b) b = buf[i]!;
  return a + (h - lo) * (b - a);
}

/** Hoare's quickselect with median-of-three pivots: places the k-th smallest at index k. */
function select(buf: Float64Array, n: number, k: number): number {
  let left = 0;
  let right = n - 1;
  while (right > left) {
    const mid = (left + right) >>> 1;
    const pivot = median3(buf[left]!, buf[mid]!, buf[right]!);
    let i = left;
    let j = right;
    while (i <= j) {
      while (buf[i]! < pivot) i++;
      while (buf[j]! > pivot) j--;
      if (i <= j) {
        const t = buf[i]!;
        buf[i] = buf[j]!;
        buf[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return buf[k]!;
}

function median3(a: number, b: number, c: number): number {
  return a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
}
