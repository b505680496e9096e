import { z } from 'zod';
import { defineScorer } from './types.ts';

export const judgeSettingsSchema = z.strictObject({
  /** What a good answer looks like; the judge sees it with the conversation, the reference and the answer. */
  rubric: z.string().min(1),
  mode: z.enum(['score', 'pass-fail']).default('score'),
  passAt: z.number().min(0).max(1).default(0.5),
  includeReference: z.boolean().default(true),
});

export const llmJudge = defineScorer({
  description: 'an LLM judge (any OpenAI-compatible endpoint) grades the answer against `rubric`, 0..1 or pass/fail',
  settings: judgeSettingsSchema,
  needsReference: () => false,
  async score({ output, reference, messages, services, signal }, s) {
    const v = await services.judge({ messages, reference, output }, s, signal);
    return { score: v.score, pass: v.pass, reason: v.reason };
  },
});
