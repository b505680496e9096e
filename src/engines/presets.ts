/**
 * Engine presets: what the gate needs to know to boot, probe, load and scrape an engine, in one shape, made
 * from the engine's file: the observable wire facts (readiness phase, framing, exact-length fields, metric
 * names) from its personality, which the simulator plays too, so the simulator plays exactly what the gate
 * expects; the rest (health path meaning, timeouts, docker arguments, token variables) from its own facts.
 */
import type { DockerFacts, EngineDefinition, ReadinessFacts } from './engine.ts';
import type { EnginePersonality, ReadinessMode } from './personality.ts';
import { ENGINES, type EngineName } from './registry.ts';

export type ReadinessPreset = ReadinessFacts & { mode: ReadinessMode };

export interface MetricNames {
  path: string;
  /** First name present wins: engines renamed gauges across versions. */
  running: readonly string[];
  waiting: readonly string[];
  /** A 0..1 share of the KV cache in use; empty where the engine exposes none. */
  kvCacheUsage: readonly string[];
}

export interface EnginePreset {
  engine: EngineName;
  title: string;
  /** The port the engine's official image listens on. */
  defaultPort: number;
  readiness: ReadinessPreset;
  /** Model ids: every engine lists them at /v1/models; `native` is the engine's own listing. */
  models: { path: '/v1/models'; native?: string };
  exactLength: {
    /** The engine produces exactly max_tokens tokens when asked (with the fields below). */
    honoured: boolean;
    ignoreEos: boolean;
    minTokens: boolean;
  };
  /** stream_options.include_usage is accepted (none of these engines rejects it). */
  streamOptions: boolean;
  /** Where token usage arrives in a stream: a last chunk with `choices: []`, or inside the finish chunk. */
  usage: { placement: EnginePersonality['stream']['usage']; sentUnasked: boolean };
  metrics: MetricNames | null;
  docker: DockerFacts;
}

function metricNames(definition: EngineDefinition): MetricNames | null {
  const m = definition.personality.metrics;
  if (!m) return null;
  const also = definition.metricsAlsoSeen ?? {};
  return {
    path: m.path,
    running: [m.running, ...(also.running ?? [])],
    waiting: [m.waiting, ...(also.waiting ?? [])],
    kvCacheUsage: [...(m.kvCache ? [m.kvCache] : []), ...(also.kvCacheUsage ?? [])],
  };
}

function preset(definition: EngineDefinition<EngineName>): EnginePreset {
  const p = definition.personality;
  return {
    engine: definition.name,
    title: definition.title,
    readiness: { mode: p.readiness, ...definition.readiness },
    models: definition.models,
    docker: definition.docker,
    defaultPort: p.defaultPort,
    exactLength: { honoured: p.exactLength.ignoreEos || p.exactLength.minTokens, ...p.exactLength },
    streamOptions: true,
    usage: { placement: p.stream.usage, sentUnasked: p.stream.usageUnasked },
    metrics: metricNames(definition),
  };
}

export const ENGINE_PRESETS: Readonly<Record<EngineName, EnginePreset>> = Object.fromEntries(ENGINES.map((e) => [e.name, preset(e)])) as Record<
  EngineName,
  EnginePreset
>;

export function enginePreset(engine: EngineName): EnginePreset {
  return ENGINE_PRESETS[engine];
}

/**
 * Request fields that ask for exactly `outputTokens` tokens, as far as the engine allows: vLLM, SGLang
 * and NIM honour ignore_eos and min_tokens, llama.cpp only ignore_eos (min_tokens is silently ignored
 * there, so it is not sent); TGI and Ollama have no such field on their OpenAI API, so max_tokens is
 * only a cap and the report records the real lengths.
 */
export function exactLengthFields(p: EnginePreset, outputTokens: number): Record<string, unknown> {
  return {
    max_tokens: outputTokens,
    ...(p.exactLength.ignoreEos ? { ignore_eos: true } : {}),
    ...(p.exactLength.minTokens ? { min_tokens: outputTokens } : {}),
  };
}

/** `stream_options` asking for usage in the stream, where the engine accepts the option. */
export function streamOptions(p: EnginePreset): Record<string, unknown> {
  return p.streamOptions ? { stream_options: { include_usage: true } } : {};
}

/** What the bench adds to each synthetic request for `engine`: exact-length fields and stream_options. */
export function benchRequestFields(engine: EngineName, outputTokens: number): Record<string, unknown> {
  const p = enginePreset(engine);
  return { ...exactLengthFields(p, outputTokens), ...streamOptions(p) };
}
