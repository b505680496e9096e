/** Small seeded PRNG (mulberry32): the same seed gives the same prompts on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the of and to in is for on that with as was by at from it an be this are or his which but not have had ' +
  'model server token latency cache batch queue memory engine weights request stream answer prompt image ' +
  'river mountain signal garden window planet market letter engine harbor winter silver forest castle'
).split(' ');

/**
 * A synthetic user prompt of about `words` words. Real token counts depend on the engine's
 * tokenizer; the server's usage reports them and the report records those.
 */
export function syntheticPrompt(words: number, random: () => number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(random() * WORDS.length)]!);
  return `${out.join(' ')}. Continue this text.`;
}

export interface SyntheticBodyOptions {
  model: string;
  inputWords: number;
  outputTokens: number;
  seed: number;
}

/**
 * Request bodies for a fixed-shape load: the exact-length fields (ignore_eos, min_tokens) are
 * the ones vLLM and SGLang honour; servers that ignore them answer shorter, and the real
 * lengths are recorded per request.
 */
export function syntheticBodies(o: SyntheticBodyOptions): (i: number) => Record<string, unknown> {
  return (i) => {
    const random = seededRandom(o.seed * 100_003 + i);
    return {
      model: o.model,
      messages: [{ role: 'user', content: syntheticPrompt(o.inputWords, random) }],
      max_tokens: o.outputTokens,
      min_tokens: o.outputTokens,
      ignore_eos: true,
      temperature: 0,
      stream_options: { include_usage: true },
    };
  };
}
