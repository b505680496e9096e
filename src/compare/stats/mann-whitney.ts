import { normalCdf } from './normal.ts';

export interface MannWhitneyResult {
  /** U of the candidate sample: the number of (baseline, candidate) pairs where the candidate is larger. */
  u: number;
  /** P(candidate > baseline) + ½·P(tie): 0.5 means no shift. */
  probabilityOfSuperiority: number;
  /** Two-sided p-value, normal approximation with tie and continuity corrections. */
  pValue: number;
}

/**
 * Mann-Whitney U (Wilcoxon rank-sum), the rank test automated canary analysis uses: a second
 * opinion on a location shift that ignores how far the tail reaches.
 */
export function mannWhitneyU(baseline: ArrayLike<number>, candidate: ArrayLike<number>): MannWhitneyResult {
  const n1 = baseline.length;
  const n2 = candidate.length;
  const all: { v: number; fromCandidate: boolean }[] = [];
  for (let i = 0; i < n1; i++) all.push({ v: baseline[i]!, fromCandidate: false });
  for (let i = 0; i < n2; i++) all.push({ v: candidate[i]!, fromCandidate: true });
  all.sort((x, y) => x.v - y.v);
  let rankSumCandidate = 0;
  let tieTerm = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]!.v === all[i]!.v) j++;
    const rank = (i + j) / 2 + 1;
    const t = j - i + 1;
    tieTerm += t ** 3 - t;
    for (let k = i; k <= j; k++) if (all[k]!.fromCandidate) rankSumCandidate += rank;
    i = j + 1;
  }
  const u = rankSumCandidate - (n2 * (n2 + 1)) / 2;
  const mu = (n1 * n2) / 2;
  const n = n1 + n2;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  const z = sigma === 0 ? 0 : (Math.abs(u - mu) - 0.5) / sigma;
  return {
    u,
    probabilityOfSuperiority: n1 * n2 === 0 ? 0.5 : u / (n1 * n2),
    pValue: sigma === 0 ? 1 : Math.min(1, 2 * (1 - normalCdf(Math.max(0, z)))),
  };
}
