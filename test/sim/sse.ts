import { z } from 'zod';

/** A minimal SSE reader for tests: the raw frames exactly as the server wrote them. */
export async function postChat(url: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal,
  });
}

export function frames(text: string): string[] {
  return text.split('\n\n').filter((f) => f !== '');
}

export const chunkSchema = z.object({
  id: z.string(),
  object: z.literal('chat.completion.chunk'),
  created: z.number(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.number(),
      delta: z.object({ role: z.string().optional(), content: z.string().nullable().optional() }),
      finish_reason: z.enum(['stop', 'length']).nullable(),
    }),
  ),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number(), total_tokens: z.number() }).nullish(),
});
export type Chunk = z.infer<typeof chunkSchema>;

/** Parses every frame but [DONE]; throws on a frame that is not `data: <chunk JSON>`. */
export function chunks(text: string): Chunk[] {
  const all = frames(text);
  if (all.at(-1) !== 'data: [DONE]') throw new Error(`stream does not end with [DONE]: ${all.at(-1)}`);
  return all.slice(0, -1).map((f) => {
    if (!f.startsWith('data: ')) throw new Error(`not a data frame: ${f}`);
    return chunkSchema.parse(JSON.parse(f.slice(6)));
  });
}

export const contentOf = (cs: Chunk[]): string[] =>
  cs.flatMap((c) => c.choices.map((ch) => ch.delta.content).filter((s): s is string => typeof s === 'string' && s !== ''));
