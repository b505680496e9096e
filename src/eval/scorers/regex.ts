import { z } from 'zod';
import { defineScorer, quote, verdict } from './types.ts';

export const regex = defineScorer({
  description: 'output matches `pattern` (JavaScript syntax); `expect: no-match` inverts',
  settings: z
    .strictObject({
      pattern: z.string().min(1),
      flags: z.string().regex(/^[dgimsuvy]*$/, 'expected JavaScript regex flags (dgimsuvy)').default(''),
      expect: z.enum(['match', 'no-match']).default('match'),
    })
    .superRefine((s, ctx) => {
      try {
        new RegExp(s.pattern, s.flags);
      } catch (e) {
        ctx.addIssue({ code: 'custom', path: ['pattern'], message: `not a valid regular expression: ${(e as Error).message}` });
      }
    }),
  needsReference: () => false,
  score({ output }, s) {
    const matched = new RegExp(s.pattern, s.flags).test(output);
    const pass = matched === (s.expect === 'match');
    return verdict(pass, `${matched ? 'matched' : 'did not match'} /${s.pattern}/${s.flags} in ${quote(output)}`);
  },
});
