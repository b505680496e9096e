import { z } from 'zod';
import { defineScorer, verdict } from './types.ts';

export const latency = defineScorer({
  description:
    'the item\'s end-to-end latency is within `budgetMs`; the dimension score is the share of items within budget',
  settings: z.strictObject({ budgetMs: z.number().positive() }),
  needsReference: () => false,
  score({ latencyMs }, s) {
    const ms = Math.round(latencyMs);
    return verdict(latencyMs <= s.budgetMs, `${ms} ms against a budget of ${s.budgetMs} ms`);
  },
});
