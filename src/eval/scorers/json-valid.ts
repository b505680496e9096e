import { z } from 'zod';
import { stripCodeFence } from './text.ts';
import { defineScorer, quote, verdict } from './types.ts';

export const jsonSettings = {
  /** Accept JSON wrapped in a markdown code fence; off by default since "answer with only JSON" excludes it. */
  allowCodeFence: z.boolean().default(false),
};

/** Parses the whole output as JSON, or says why it is not. */
export function parseJsonOutput(
  output: string,
  allowCodeFence: boolean,
): { ok: true; value: unknown } | { ok: false; reason: string } {
  const text = allowCodeFence ? stripCodeFence(output) : output;
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, reason: `not valid JSON (${(e as Error).message}): ${quote(output)}` };
  }
}

export const jsonValid = defineScorer({
  description: 'the whole output parses as JSON (optionally inside a code fence)',
  settings: z.strictObject({ ...jsonSettings }),
  needsReference: () => false,
  score({ output }, s) {
    const parsed = parseJsonOutput(output, s.allowCodeFence);
    return parsed.ok ? verdict(true, 'valid JSON') : verdict(false, parsed.reason);
  },
});
