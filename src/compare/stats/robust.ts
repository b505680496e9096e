/**
 * The γ-trimmed mean: the mean of the values left when the lowest and the highest ⌊γn⌋ are set
 * aside (Tukey & McLaughlin 1963, Sankhyā A 25:331-352; γ = 0.2 is the default Wilcox recommends,
 * "Introduction to Robust Estimation and Hypothesis Testing", Academic Press). Robust to a fifth of the
 * values at either end being wild, and unlike the median it still averages the middle three fifths.
 * NaN for no values.
 */
export function trimmedMean(values: ArrayLike<number>, trim = 0.2): number {
  const sorted = Float64Array.from(values).sort();
  const cut = Math.floor(sorted.length * trim);
  const n = sorted.length - 2 * cut;
  if (n <= 0) return Number.NaN;
  let sum = 0;
  for (let i = cut; i < sorted.length - cut; i++) sum += sorted[i]!;
  return sum / n;
}

/**
 * The sum of the values with each clipped from above at `fence` (a one-sided winsorization, as
 * Huber's ψ clips residuals beyond k times a robust scale: Huber 1964, "Robust estimation of a
 * location parameter", Ann. Math. Statist. 35(1):73-101). Values at or below the fence count as
 * they are.
 */
export function clippedSum(values: ArrayLike<number>, fence: number): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.min(values[i]!, fence);
  return sum;
}
