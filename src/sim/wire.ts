import { z } from 'zod';
import type { ErrorShape, StreamFraming } from '../engines/personality.ts';

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

/** The legacy completions request: a prompt string (or a list, of which the simulator answers the first). */
export const completionRequestSchema = z
  .object({
    model: z.string().optional(),
    prompt: z.union([z.string(), z.array(z.string()).min(1)]),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().nullish() }).loose().nullish(),
    max_tokens: z.number().int().min(1).nullish(),
    min_tokens: z.number().int().min(0).nullish(),
    ignore_eos: z.boolean().nullish(),
  })
  .loose();
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

/** An error body in the engine's own shape. */
export function errorBody(shape: ErrorShape, message: string, type: string, status: number): string {
  switch (shape) {
    case 'openai':
      return JSON.stringify({ error: { message, type, param: null, code: status } });
    case 'openai-null-code':
      return JSON.stringify({ error: { message, type, param: null, code: null } });
    case 'llamacpp':
      return JSON.stringify({ error: { code: status, message, type } });
    case 'tgi':
      return JSON.stringify({ error: message, error_type: type });
    case 'object-error':
      return JSON.stringify({ object: 'error', message, type, param: null, code: status });
  }
}

export type FinishReason = 'stop' | 'length';

/** Which API a stream answers: chat deltas or legacy text completions. */
export type StreamKind = 'chat' | 'text';

/**
 * Pre-serialized SSE frames for one stream in an engine's framing: the per-token path is a few string
 * concatenations and one write, because 256 streams share two cores with the client that measures them.
 */
export class Framer {
  readonly #head: string;
  readonly #usageHead: string;
  readonly #framing: StreamFraming;
  readonly #tail: string;
  readonly #chat: boolean;

  constructor(framing: StreamFraming, kind: StreamKind, id: string, model: string, created: number) {
    this.#chat = kind === 'chat';
    const object = this.#chat ? 'chat.completion.chunk' : 'text_completion';
    const common = `"object":"${object}","created":${created},"model":${JSON.stringify(model)},${framing.chunkFields}`;
    this.#framing = framing;
    this.#head = `{"id":${JSON.stringify(id)},${common}"choices":[{"index":0,${this.#chat ? '"delta"' : '"text"'}:`;
    this.#usageHead = `{"id":${JSON.stringify(framing.usageChunkId ?? id)},${common}"choices":[],"usage":`;
    this.#tail = this.#chat ? `,${framing.choiceFields}"finish_reason":` : ',"logprobs":null,"finish_reason":';
  }

  /** The frame(s) for visible token k, with the role chunk before the first where the engine sends one. */
  token(text: string, k: number, finish: FinishReason | null): string {
    if (!this.#chat) return this.#frame(JSON.stringify(text), finish);
    const f = this.#framing;
    let out = '';
    if (k === 0 && f.role === 'own-chunk') out = this.#frame(`{"role":"assistant","content":""}`, null);
    else if (k === 0 && f.role === 'own-chunk-null') out = this.#frame(`{"role":"assistant","content":null}`, null);
    const withRole = f.role === 'every-chunk' || (f.role === 'first-token' && k === 0);
    return out + this.#frame(`{${withRole ? '"role":"assistant",' : ''}"content":${JSON.stringify(text)}}`, finish);
  }

  /** Whether this stream sends usage even when the request did not ask for it. */
  get usageAlways(): boolean {
    return this.#chat ? this.#framing.usageUnasked : this.#framing.textUsageAlways;
  }

  /** Everything after the last token: finish chunk, usage, the engine's final fields, [DONE]. */
  end(finish: FinishReason, usage: Usage | null): string {
    const f = this.#framing;
    const bodies: string[] = [];
    const usageJson = usage === null ? null : JSON.stringify(usage);
    const usageInFinish = usageJson !== null && (f.usage === 'finish-chunk' || (!this.#chat && f.textUsageAlways));
    if (f.finish === 'own-chunk') {
      bodies.push(`${this.#head}${this.#chat ? '{}' : '""'}${this.#tail}"${finish}"}]${usageInFinish ? `,"usage":${usageJson}` : ''}}`);
    }
    if (usageJson !== null && !(usageInFinish && f.finish === 'own-chunk')) bodies.push(`${this.#usageHead}${usageJson}}`);
    let out = '';
    for (const [i, body] of bodies.entries()) {
      const last = i === bodies.length - 1 && f.finalFields !== '';
      out += `data: ${last ? `${body.slice(0, -1)}${f.finalFields}}` : body}\n\n`;
    }
    return `${out}data: [DONE]\n\n`;
  }

  /** A data line cut off mid-object, as a buggy proxy or engine would emit. */
  malformed(): string {
    return `data: ${this.#head}{"content":\n\n`;
  }

  #frame(delta: string, finish: FinishReason | null): string {
    return `data: ${this.#head}${delta}${this.#tail}${finish === null ? 'null' : `"${finish}"`}}]}\n\n`;
  }
}
