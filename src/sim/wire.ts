import { z } from 'zod';

/** The part of an OpenAI chat request the simulator acts on; other fields are accepted and ignored. */
const contentPartSchema = z.object({ type: z.string(), text: z.string().optional() }).loose();
export const chatRequestSchema = z
  .object({
    model: z.string().optional(),
    messages: z
      .array(
        z.object({ role: z.string(), content: z.union([z.string(), z.array(contentPartSchema), z.null()]).optional() }).loose(),
      )
      .min(1),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().nullish() }).loose().nullish(),
    max_tokens: z.number().int().min(1).nullish(),
    max_completion_tokens: z.number().int().min(1).nullish(),
    min_tokens: z.number().int().min(0).nullish(),
    ignore_eos: z.boolean().nullish(),
  })
  .loose();
export type ChatRequest = z.infer<typeof chatRequestSchema>;
type Message = ChatRequest['messages'][number];

export function messageText(m: Message): string {
  if (typeof m.content === 'string') return m.content;
  if (Array.isArray(m.content)) return m.content.map((p) => p.text ?? '').join('');
  return '';
}

/** The prompt the answer book is asked about: the last user message. */
export function lastUserText(messages: Message[]): string {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === 'user') return messageText(messages[i]!);
  return '';
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export const usageOf = (prompt: number, completion: number): Usage => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion,
});

/** OpenAI's error body, which vLLM's OpenAI server also returns. */
export function errorBody(message: string, type: string, code: number): string {
  return JSON.stringify({ error: { message, type, param: null, code } });
}

/**
 * Pre-serialized SSE frames for one stream: the per-token path is two string concatenations and one
 * write, because 256 streams share two cores with the client that measures them.
 */
export class ChunkWriter {
  readonly #head: string;
  readonly #created: number;
  readonly #id: string;
  readonly #model: string;

  constructor(id: string, model: string, created: number) {
    this.#id = id;
    this.#model = model;
    this.#created = created;
    this.#head = `data: {"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},"choices":[{"index":0,"delta":`;
  }

  /** vLLM sends the assistant role in its own chunk with empty content, just before the first token. */
  role(): string {
    return `${this.#head}{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}\n\n`;
  }

  token(text: string, finishReason: 'stop' | 'length' | null): string {
    const finish = finishReason === null ? 'null' : `"${finishReason}"`;
    return `${this.#head}{"content":${JSON.stringify(text)}},"logprobs":null,"finish_reason":${finish}}]}\n\n`;
  }

  usage(u: Usage): string {
    return `data: ${JSON.stringify({ id: this.#id, object: 'chat.completion.chunk', created: this.#created, model: this.#model, choices: [], usage: u })}\n\n`;
  }

  /** A data line cut off mid-object, as a buggy proxy or engine would emit. */
  malformed(): string {
    return `${this.#head}{"content":\n\n`;
  }

  done(): string {
    return 'data: [DONE]\n\n';
  }
}
