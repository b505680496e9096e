/**
 * Discrete distributions for the power calculations (src/compare/power.ts). All in log space so
 * that thousands of items do not underflow.
 */

/**
 * ln Γ(x) for x > 0: Stirling's series to x⁻⁷ (Abramowitz & Stegun 6.1.41), after shifting x to at
 * least 20 with Γ(x) = Γ(x + 1)/x, where the series' truncation error is under 1e-14.
 */
export function logGamma(x: number): number {
  let shift = 0;
  let y = x;
  while (y < 20) {
    shift += Math.log(y);
    y += 1;
  }
  const inv = 1 / y;
  const inv2 = inv * inv;
  const series = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 / 1680)));
  return (y - 0.5) * Math.log(y) - y + 0.5 * Math.log(2 * Math.PI) + series - shift;
}

const logFactorials: number[] = [0];

/** ln k! for a whole k ≥ 0, from a table grown on demand (power calculations call it millions of times). */
export function logFactorial(k: number): number {
  if (k > 1_000_000) return logGamma(k + 1);
  for (let j = logFactorials.length; j <= k; j++) logFactorials.push(logFactorials[j - 1]! + Math.log(j));
  return logFactorials[k]!;
}

/** ln C(n, k) for whole n ≥ k ≥ 0. */
export function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

/** P(X = k) for X ~ Binomial(n, p). */
export function binomialPmf(k: number, n: number, p: number): number {
  if (k < 0 || k > n) return 0;
  if (p <= 0) return k === 0 ? 1 : 0;
  if (p >= 1) return k === n ? 1 : 0;
  return Math.exp(logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p));
}

/**
 * P(X ≥ k) for X ~ Binomial(n, p), summed from k towards the far tail until the terms vanish
 * (the terms fall geometrically past the mode), so it costs O(√n) terms, not O(n).
 */
export function binomialSf(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  const mode = Math.floor((n + 1) * p);
  if (k > mode) return sumWhileSignificant(k, n, 1, (j) => binomialPmf(j, n, p));
  return Math.max(0, 1 - sumWhileSignificant(k - 1, 0, -1, (j) => binomialPmf(j, n, p)));
}

function sumWhileSignificant(from: number, to: number, step: 1 | -1, term: (j: number) => number): number {
  let sum = 0;
  for (let j = from; step > 0 ? j <= to : j >= to; j += step) {
    const t = term(j);
    sum += t;
    if (t < 1e-17 * sum || (t === 0 && sum > 0)) break;
  }
  return Math.min(1, sum);
}
