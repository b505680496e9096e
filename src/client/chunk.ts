import { z } from 'zod';
import { REASONING_FIELDS } from './reasoning.ts';

const text = z.string().nullish();

/**
 * What we need from one streamed chat-completion chunk. Loose on purpose: engines add their
 * own fields (timings, system_fingerprint), and usage may ride in the finish chunk (llama.cpp)
 * or in a final chunk with `choices: []` (vLLM, OpenAI with include_usage).
 */
export const chunkSchema = z.object({
  choices: z
    .array(
      z.object({
        delta: z
          .object({
            content: text,
            ...(Object.fromEntries(REASONING_FIELDS.map((f) => [f, text])) as Record<(typeof REASONING_FIELDS)[number], typeof text>),
            // Tool calls are generated output too: their name and argument pieces stream like content.
            tool_calls: z.array(z.object({ function: z.object({ name: text, arguments: text }).nullish() })).nullish(),
          })
          .nullish(),
        text: z.string().nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .default([]),
  // llama.cpp's server sends its own counters with each chunk: predicted_n is the tokens generated so far.
  timings: z.object({ predicted_n: z.number().int().nullish() }).nullish(),
  usage: z
    .object({
      prompt_tokens: z.number().int().nullish(),
      completion_tokens: z.number().int().nullish(),
    })
    .nullish(),
});
export type Chunk = z.infer<typeof chunkSchema>;

/** An OpenAI-style error body: `{error: {message}}`, or engines' `{error: "..."}` / `{message}`. */
export function errorMessageOf(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object') {
      const rec = parsed as Record<string, unknown>;
      const err = rec.error;
      if (typeof err === 'string') return err;
      if (err && typeof err === 'object' && typeof (err as Record<string, unknown>).message === 'string') {
        return (err as Record<string, string>).message!;
      }
      if (typeof rec.message === 'string') return rec.message;
      if (typeof rec.detail === 'string') return rec.detail;
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return body.trim().slice(0, 300);
}
