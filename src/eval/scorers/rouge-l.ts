import { z } from 'zod';
import { tokenize } from './text.ts';
import { defineScorer } from './types.ts';

/** Length of the longest common subsequence of two token lists, O(n·m) time, O(m) memory. */
function lcsLength(a: string[], b: string[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    const cur = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) cur[j] = x === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    prev = cur;
  }
  return prev[b.length]!;
}

/** ROUGE-L F1 between a candidate and a reference, on lower-cased word tokens. */
export function rougeL(candidate: string, reference: string): number {
  const c = tokenize(candidate);
  const r = tokenize(reference);
  if (c.length === 0 || r.length === 0) return c.length === r.length ? 1 : 0;
  const lcs = lcsLength(c, r);
  if (lcs === 0) return 0;
  const precision = lcs / c.length;
  const recall = lcs / r.length;
  return (2 * precision * recall) / (precision + recall);
}

export const rougeLScorer = defineScorer({
  description: 'ROUGE-L F1 (longest common word subsequence) against the reference; passes at `threshold`',
  settings: z.strictObject({ threshold: z.number().min(0).max(1).default(0.5) }),
  needsReference: () => true,
  score({ output, reference }, s) {
    const score = rougeL(output, reference ?? '');
    return { score, pass: score >= s.threshold, reason: `ROUGE-L F1 ${score.toFixed(3)} (pass at ${s.threshold})` };
  },
});
