import { z } from 'zod';
import { defineScorer, quote, verdict } from './types.ts';

// Signed decimals with optional thousands separators and exponent: "-1,234.5", "3e8". A minus right after a
// letter or digit is a hyphen ("2024-01-05", "GPT-4"), not a sign.
const NUMBER = /(?:(?<![\p{L}\p{N}])[-−])?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?/gu;

/** Every number in the text, in order; thousands separators and the unicode minus understood. */
export function extractNumbers(text: string): number[] {
  return [...text.matchAll(NUMBER)].map((m) => Number(m[0].replace(/,/g, '').replace('−', '-')));
}

export const numeric = defineScorer({
  description:
    'the number in the output is within `tolerance` (absolute) or `relativeTolerance` of the reference (or `value`)',
  settings: z.strictObject({
    value: z.number().optional(),
    tolerance: z.number().min(0).default(0),
    relativeTolerance: z.number().min(0).optional(),
    /** Which number to take when the answer holds several; `last` suits worked answers ("12 × 7 = 84"). */
    pick: z.enum(['last', 'first', 'only']).default('last'),
  }),
  needsReference: (s) => s.value === undefined,
  score({ output, reference }, s) {
    const expected = s.value ?? extractNumbers(reference ?? '')[0];
    if (expected === undefined) return verdict(false, `reference ${quote(reference ?? '')} holds no number`);
    const found = extractNumbers(output);
    if (found.length === 0) return verdict(false, `no number in ${quote(output)}`);
    if (s.pick === 'only' && found.length > 1) return verdict(false, `expected one number, found ${found.length} in ${quote(output)}`);
    const actual = s.pick === 'first' ? found[0]! : found[found.length - 1]!;
    const allowed = Math.max(s.tolerance, (s.relativeTolerance ?? 0) * Math.abs(expected));
    const diff = Math.abs(actual - expected);
    return verdict(diff <= allowed, `expected ${expected}${allowed > 0 ? ` ± ${allowed}` : ''}, found ${actual}`);
  },
});
