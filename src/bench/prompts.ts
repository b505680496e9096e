import { mulberry32 } from '../random.ts';

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
  /**
   * The engine's exact-length and stream_options fields (src/engines/presets.ts `exactLengthFields` and
   * `streamOptions`); absent, the fields vLLM and SGLang honour are sent.
   */
  engineFields?: Record<string, unknown>;
}

/**
 * Request bodies for a fixed-shape load: the exact-length fields (ignore_eos, min_tokens) are
 * the ones vLLM and SGLang honour; servers that ignore them answer shorter, and the real
 * lengths are recorded per request.
 */
export function syntheticBodies(o: SyntheticBodyOptions): (i: number) => Record<string, unknown> {
  return (i) => {
    const random = mulberry32(o.seed * 100_003 + i);
    return {
      model: o.model,
      messages: [{ role: 'user', content: syntheticPrompt(o.inputWords, random) }],
      ...(o.engineFields ?? { max_tokens: o.outputTokens, min_tokens: o.outputTokens, ignore_eos: true, stream_options: { include_usage: true } }),
      temperature: 0,
    };
  };
}

export interface DatasetBodyOptions {
  model: string;
  /** The conversations to replay, in file order (a dataset's items' messages). */
  conversations: { role: string; content: string }[][];
  /** A cap, not a target: dataset answers end where the model ends them, and the report records the real lengths. */
  maxOutputTokens: number;
  seed: number;
  /** The engine's stream_options field (src/engines/presets.ts `streamOptions`); absent, include_usage is asked for. */
  streamFields?: Record<string, unknown>;
}

/** Seeded Fisher-Yates: the same seed replays the dataset's prompts in the same order. */
export function seededPermutation(n: number, seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  const random = mulberry32(seed * 31 + 7);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** Request bodies that replay a dataset's prompts in a seeded order, cycling when a step needs more. */
export function datasetBodies(o: DatasetBodyOptions): (i: number) => Record<string, unknown> {
  if (o.conversations.length === 0) throw new Error('a dataset prompt source needs at least one item');
  const order = seededPermutation(o.conversations.length, o.seed);
  return (i) => ({
    model: o.model,
    messages: o.conversations[order[i % order.length]!],
    max_tokens: o.maxOutputTokens,
    temperature: 0,
    ...(o.streamFields ?? { stream_options: { include_usage: true } }),
  });
}
