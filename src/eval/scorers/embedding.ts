import { z } from 'zod';
import { defineScorer } from './types.ts';

export function cosine(a: number[], b: number[]): number {
  if (a.length !== b.length) throw new Error(`embedding sizes differ: ${a.length} vs ${b.length}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

export const embedding = defineScorer({
  description:
    'cosine similarity of output and reference embeddings from /v1/embeddings (the server under test, or `baseURL`); passes at `threshold`',
  settings: z.strictObject({
    threshold: z.number().min(0).max(1).default(0.8),
    /** An OpenAI-compatible base URL ending in /v1; defaults to the server under test. */
    baseURL: z.url().optional(),
    model: z.string().min(1).optional(),
  }),
  needsReference: () => true,
  async score({ output, reference, services, signal }, s) {
    const [a, b] = await services.embed([output, reference ?? ''], { baseURL: s.baseURL, model: s.model }, signal);
    if (!a || !b) throw new Error('the embeddings endpoint returned fewer than two vectors');
    const score = Math.max(0, cosine(a, b));
    return { score, pass: score >= s.threshold, reason: `cosine similarity ${score.toFixed(3)} (pass at ${s.threshold})` };
  },
});
