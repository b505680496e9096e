import { z } from 'zod';
import { ENGINE_NAMES } from '../engines/registry.ts';

export const simulatedAnswerSchema = z.object({
  /** Matched against the last user message: equal first, else the longest prompt it contains. */
  prompt: z.string().min(1),
  reference: z.string(),
});
export type SimulatedAnswer = z.infer<typeof simulatedAnswerSchema>;

export const hangModeSchema = z.enum(['off', 'no-response', 'after-first-chunk']);
export type HangMode = z.infer<typeof hangModeSchema>;

export const simulatorFaultsSchema = z.object({
  /** The server dies when inference request number N+1 arrives (only /v1 requests count). */
  crashAfterRequests: z.number().int().min(0).optional(),
  /** The server dies this long after it started, whatever it is doing (a crash during loading). */
  crashAfterMs: z.number().min(0).optional(),
  /** 'no-response': accept and never answer; 'after-first-chunk': a stream stalls after its first token. */
  hang: hangModeSchema.default('off'),
  /** Emit one data line that is not JSON in the middle of every stream. */
  malformedSse: z.boolean().default(false),
  /** Probability that an inference request is answered with HTTP 500 (seeded per request number). */
  httpErrorRate: z.number().min(0).max(1).default(0),
  /**
   * Probability that a stream fails halfway, the HTTP status already 200: an in-band `data: {"error":…}` event and
   * the stream ends with no finish chunk, usage or [DONE]; as llama.cpp, an SSE `error:` field and then
   * `data: [DONE]` (the personality's stream.errorEvent).
   */
  streamErrorRate: z.number().min(0).max(1).default(0),
  /**
   * Server-wide stalls at random moments (a GC pause, a noisy neighbour, a scheduler hiccup): every running
   * stream pauses for stallMs. Starts are a seeded Poisson process with this mean gap; 0 turns stalls off.
   */
  stallEveryMs: z.number().min(0).default(0),
  stallMs: z.number().min(0).default(0),
  /** hang, malformedSse, httpErrorRate and streamErrorRate spare the first N inference requests (so readiness can pass). */
  afterRequests: z.number().int().min(0).default(0),
});
export type SimulatorFaults = z.infer<typeof simulatorFaultsSchema>;

export const simulatorOptionsSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  /** 0 picks a free port. */
  port: z.number().int().min(0).max(65535).default(0),
  model: z.string().min(1).default('sim-model'),
  /**
   * Reproduce an engine's observable behaviour (its personality in the engine registry, src/engines/). Without
   * it: the port opens at once and /health and the API answer 503 until loaded, with vLLM's framing and metric names.
   */
  engine: z.enum(ENGINE_NAMES).optional(),
  /** Time to load the model: how the server behaves meanwhile depends on the engine's readiness mode. */
  loadTimeMs: z.number().min(0).default(0),
  /** Base time to first token, plus prefillMsPerToken for each prompt token. */
  ttftMs: z.number().min(0).default(40),
  prefillMsPerToken: z.number().min(0).default(0.02),
  /** Time per output token after the first (TPOT). */
  decodeMsPerToken: z.number().min(0).default(8),
  /** Latency factor = 1 + slowdownPerActive * (running requests - 1), re-read at every token. */
  slowdownPerActive: z.number().min(0).default(0.02),
  /** Relative jitter: each delay is multiplied by a seeded uniform factor in [1 - jitter, 1 + jitter]. */
  jitter: z.number().min(0).max(1).default(0.05),
  seed: z.number().int().default(1),
  /** Requests beyond this many running ones wait in a queue; default: the engine's (256, llama.cpp 4, Ollama 1). */
  maxRunning: z.number().int().min(1).optional(),
  /** Context length: the default max_tokens is what the prompt leaves of it. */
  maxModelLen: z.number().int().min(1).default(8192),
  /** KV-cache capacity in tokens, for the cache-usage gauge. */
  kvCacheTokens: z.number().int().min(1).default(262_144),
  /** Length of the filler answer to prompts without a known reference. */
  fillerTokens: z.number().int().min(1).default(32),
  answers: z.array(simulatedAnswerSchema).default([]),
  /** Probability that an answered prompt gets a wrong answer; drawn once per prompt, so stable across runs. */
  errorRate: z.number().min(0).max(1).default(0),
  faults: simulatorFaultsSchema.prefault({}),
  /** Keep per-request send times of every content chunk (see RunningSimulator.sendTimes). */
  recordSendTimes: z.boolean().default(false),
});
export type SimulatorOptionsInput = z.input<typeof simulatorOptionsSchema>;
export type SimulatorOptions = z.output<typeof simulatorOptionsSchema>;
