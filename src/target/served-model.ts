import { z } from 'zod';
import { httpFetch } from '../client/http-fetch.ts';
import { errorMessageOf } from '../client/chunk.ts';
import { errorText } from '../log.ts';

const modelsSchema = z.object({ data: z.array(z.object({ id: z.string() })) });

/**
 * The model ids the server lists at /v1/models, or why it listed none (a string). What answered is
 * recorded in the report whatever the target: a port can be answered by another server than the
 * one the gate meant to measure.
 */
export async function servedModels(rootURL: string, apiKey: string | undefined, timeoutMs: number): Promise<string[] | string> {
  try {
    const res = await httpFetch(`${rootURL}/v1/models`, {
      headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
      signal: AbortSignal.timeout(Math.ceil(timeoutMs)),
    });
    const body = await res.text();
    if (res.status !== 200) return `/v1/models answered ${res.status}: ${errorMessageOf(body)}`;
    const parsed = modelsSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data.data.map((m) => m.id) : '/v1/models answered without data[].id';
  } catch (err) {
    return `/v1/models: ${errorText(err)}`;
  }
}

/** `qwen2.5:latest` and `qwen2.5`, `/models/Qwen-0.5B.gguf` and `Qwen-0.5B`: one model under two spellings. */
function spellings(id: string): string[] {
  const base = id.split('/').at(-1) ?? id;
  return [id, id.replace(/:latest$/, ''), base, base.replace(/\.gguf$/i, '')].map((s) => s.toLowerCase());
}

/**
 * Why the configured model is not what the server serves, or null when it is (or nothing is listed
 * to compare with). llama.cpp answers any model name with 200 (PITFALLS.md), so a successful
 * inference proves nothing: only the listed ids do. Its ids are the `-m` path or `--alias`; Ollama's
 * carry a `:latest` tag. Pure.
 */
export function modelMismatch(configured: string, served: readonly string[]): string | null {
  if (served.length === 0) return null;
  const wanted = new Set(spellings(configured));
  if (served.some((id) => spellings(id).some((s) => wanted.has(s)))) return null;
  return `the server serves ${served.map((s) => `"${s}"`).join(', ')}, not the configured model "${configured}": another server may be answering on that port. If it is the right server, set target.model (--model) to the id it lists (llama.cpp: or start it with --alias)`;
}
