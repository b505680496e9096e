import type { DimensionResult } from '../report/schema.ts';

export type Calibration = NonNullable<DimensionResult['calibration']>;

/** Agreement of two pass/fail raters: raw accuracy and Cohen's kappa (agreement beyond chance). */
export function agreement(pairs: ReadonlyArray<{ human: boolean; judge: boolean }>): {
  n: number;
  accuracy: number;
  kappa: number | null;
} {
  const n = pairs.length;
  if (n === 0) return { n, accuracy: 0, kappa: null };
  const agree = pairs.filter((p) => p.human === p.judge).length;
  const po = agree / n;
  const humanPass = pairs.filter((p) => p.human).length / n;
  const judgePass = pairs.filter((p) => p.judge).length / n;
  const pe = humanPass * judgePass + (1 - humanPass) * (1 - judgePass);
  // Both raters used one class only: chance agreement is 1 and kappa is undefined, not "perfect".
  const kappa = pe >= 1 ? null : (po - pe) / (1 - pe);
  return { n, accuracy: po, kappa };
}

/**
 * Whether a judge may gate: kappa at or above its floor (and accuracy at or above its floor when one is set).
 * An undefined kappa is not trusted, since labels of one class cannot show the judge tells good from bad.
 */
export function calibrate(
  pairs: ReadonlyArray<{ human: boolean; judge: boolean }>,
  floor: { kappa: number; accuracy?: number },
): Calibration {
  const a = agreement(pairs);
  const notes: string[] = [];
  if (a.n === 0) notes.push('no human labels could be graded');
  else if (a.kappa === null) notes.push('kappa is undefined: label outputs that should pass and outputs that should fail');
  else if (a.kappa < floor.kappa) notes.push(`kappa ${a.kappa.toFixed(2)} is below the floor ${floor.kappa}`);
  if (floor.accuracy !== undefined && a.accuracy < floor.accuracy) {
    notes.push(`accuracy ${a.accuracy.toFixed(2)} is below the floor ${floor.accuracy}`);
  }
  return { ...a, floor, trusted: notes.length === 0, ...(notes.length > 0 ? { note: notes.join('; ') } : {}) };
}
