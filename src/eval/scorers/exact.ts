import { z } from 'zod';
import { defineScorer, quote, verdict } from './types.ts';

export const exact = defineScorer({
  description: 'output equals the reference (or `value`) character for character; surrounding whitespace ignored unless trim is false',
  settings: z.strictObject({ value: z.string().optional(), trim: z.boolean().default(true) }),
  needsReference: (s) => s.value === undefined,
  score({ output, reference }, s) {
    const expected = s.value ?? reference ?? '';
    const [a, b] = s.trim ? [output.trim(), expected.trim()] : [output, expected];
    return verdict(a === b, a === b ? 'exact match' : `expected ${quote(b)}, found ${quote(a)}`);
  },
});
