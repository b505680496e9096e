import { z } from 'zod';
import { includes } from './contains.ts';
import { defineScorer, quote, verdict } from './types.ts';

export const notContains = defineScorer({
  description: 'output contains none of `value` (a string or a list), e.g. leaked system prompts or banned phrases',
  settings: z.strictObject({
    value: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    caseSensitive: z.boolean().default(false),
  }),
  needsReference: () => false,
  score({ output }, s) {
    const present = [s.value].flat().filter((v) => includes(output, v, s.caseSensitive));
    return verdict(
      present.length === 0,
      present.length === 0 ? 'none present' : `found ${present.map((p) => quote(p)).join(', ')}`,
    );
  },
});
