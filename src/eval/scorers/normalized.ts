import { z } from 'zod';
import { normalizeText } from './text.ts';
import { defineScorer, quote, verdict } from './types.ts';

export const normalized = defineScorer({
  description: 'output equals the reference after case folding, punctuation removal and whitespace collapsing',
  settings: z.strictObject({
    value: z.string().optional(),
    caseSensitive: z.boolean().default(false),
    /** Keep punctuation significant (e.g. for code answers). */
    punctuation: z.boolean().default(false),
  }),
  needsReference: (s) => s.value === undefined,
  score({ output, reference }, s) {
    const expected = normalizeText(s.value ?? reference ?? '', s);
    const found = normalizeText(output, s);
    return verdict(
      expected === found,
      expected === found ? 'normalized match' : `expected ${quote(expected)}, found ${quote(found)} (normalized)`,
    );
  },
});
