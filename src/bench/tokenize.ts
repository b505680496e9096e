import { z } from 'zod';

/** vLLM (and NIM, SGLang's vLLM-compatible route) answer `{count, tokens}`; llama.cpp's server `{tokens}`. */
const tokenizeSchema = z.object({ count: z.number().int().min(0).optional(), tokens: z.array(z.unknown()).optional() });

export interface TokenizeOptions {
  /** The server's root, e.g. http://127.0.0.1:8000 (/tokenize is served there, beside /v1). */
  rootURL: string;
  model: string;
  apiKey?: string;
  timeoutMs?: number;
  /** Requests in flight at once; the step is over, so this only bounds the time taken. */
  width?: number;
}

/**
 * Counts the tokens of each text with the model's own tokenizer, through the engine's `/tokenize`:
 * vLLM `POST /tokenize {model, prompt, add_special_tokens}` (entrypoints/serve/tokenize), llama.cpp
 * `POST /tokenize {content, add_special}` (tools/server/README.md). One body carries both spellings; each
 * engine ignores the other's fields. Special tokens are not added: an answer has no BOS of its own.
 * Returns null when the engine exposes no tokenizer (the first answer is not a count); a text whose own
 * request failed later gets null. Never throws.
 */
export async function countTokensWithServer(texts: string[], o: TokenizeOptions): Promise<(number | null)[] | null> {
  const url = `${o.rootURL.replace(/\/+$/, '').replace(/\/v1$/, '')}/tokenize`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (o.apiKey) headers.authorization = `Bearer ${o.apiKey}`;
  const one = async (text: string): Promise<number | null> => {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model: o.model, prompt: text, content: text, add_special_tokens: false, add_special: false }),
        signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
      });
      if (res.status !== 200) return null;
      const parsed = tokenizeSchema.safeParse(await res.json());
      if (!parsed.success) return null;
      return parsed.data.count ?? parsed.data.tokens?.length ?? null;
    } catch {
      return null;
    }
  };
  if (texts.length === 0) return [];
  const first = await one(texts[0]!);
  if (first === null) return null;
  const out: (number | null)[] = [first];
  let next = 1;
  const worker = async (): Promise<void> => {
    while (next < texts.length) {
      const i = next++;
      out[i] = await one(texts[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.width ?? 8, texts.length) }, worker));
  return out;
}
