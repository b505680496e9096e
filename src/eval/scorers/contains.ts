import { z } from 'zod';
import { defineScorer, quote } from './types.ts';

const needles = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

export function includes(haystack: string, needle: string, caseSensitive: boolean): boolean {
  return caseSensitive ? haystack.includes(needle) : haystack.toLowerCase().includes(needle.toLowerCase());
}

export const contains = defineScorer({
  description:
    'output contains the reference (or each of `value`); score is the share found, `any: true` passes on one',
  settings: z.strictObject({
    value: needles.optional(),
    caseSensitive: z.boolean().default(false),
    any: z.boolean().default(false),
  }),
  needsReference: (s) => s.value === undefined,
  score({ output, reference }, s) {
    const wanted = s.value === undefined ? [reference ?? ''] : [s.value].flat();
    const missing = wanted.filter((w) => !includes(output, w, s.caseSensitive));
    const found = wanted.length - missing.length;
    if (s.any) {
      const pass = found > 0;
      return { score: pass ? 1 : 0, pass, reason: pass ? 'found' : `none of ${quote(wanted.join(' | '))} in ${quote(output)}` };
    }
    return {
      score: found / wanted.length,
      pass: missing.length === 0,
      reason: missing.length === 0 ? 'all found' : `missing ${missing.map((m) => quote(m)).join(', ')} in ${quote(output)}`,
    };
  },
});
