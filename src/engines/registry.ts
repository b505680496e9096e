/**
 * The engine registry: every engine the gate knows, one file each. Adding an engine is one new file in this
 * folder (see docs/engines/README.md) and one entry below, with its import.
 */
import { z } from 'zod';
import { choiceError } from '../suggest.ts';
import type { EngineDefinition } from './engine.ts';
import { llamacpp } from './llamacpp.ts';
import { nim } from './nim.ts';
import { ollama } from './ollama.ts';
import { openai } from './openai.ts';
import { sglang } from './sglang.ts';
import { tgi } from './tgi.ts';
import { vllm } from './vllm.ts';

/** In the order help texts list them; `openai`, the generic fallback, last. */
export const ENGINES = [vllm, tgi, sglang, llamacpp, ollama, nim, openai] as const;

export type EngineName = (typeof ENGINES)[number]['name'];

type Names<T extends readonly EngineDefinition[]> = { readonly [K in keyof T]: T[K] extends EngineDefinition<infer N> ? N : never };
/** The engines' names, in registry order, as a tuple (z.enum needs one; `map` cannot say it keeps the length). */
export const ENGINE_NAMES = ENGINES.map((e) => e.name) as unknown as Names<typeof ENGINES>;

export const engineNameSchema = z.enum(ENGINE_NAMES, { error: choiceError(ENGINE_NAMES) });

export function isEngineName(value: unknown): value is EngineName {
  return typeof value === 'string' && (ENGINE_NAMES as readonly string[]).includes(value);
}

const BY_NAME = Object.fromEntries(ENGINES.map((e) => [e.name, e])) as Record<EngineName, EngineDefinition<EngineName>>;

/** Every fact about one engine. */
export function engineDefinition(name: EngineName): EngineDefinition<EngineName> {
  return BY_NAME[name];
}

/** The engine of an official image reference; undefined for any other image (a custom one says nothing). */
export function officialImageEngine(image: string | undefined): EngineName | undefined {
  return image ? ENGINES.find((e) => e.officialImage?.pattern.test(image))?.name : undefined;
}

/**
 * The arguments after the image that make an official image serve `model` on `port`; undefined for other
 * images and for engines that take no model argument (the user's own `args` are then the way).
 */
export function officialModelArgs(image: string | undefined, model: string, port: number): string[] | undefined {
  const found = image ? ENGINES.find((e) => e.officialImage?.pattern.test(image)) : undefined;
  return found?.officialImage?.modelArgs?.(model, port);
}
