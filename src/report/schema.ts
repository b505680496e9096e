import { z } from 'zod';
import { acceptanceSchema } from '../compare/acceptance.ts';
import { identitySchema } from '../identity/identity.ts';

/** Bumped on any change a stored baseline reader must know about. */
export const REPORT_SCHEMA_VERSION = 1;

export const latencyStatsSchema = z.object({
  mean: z.number(),
  p50: z.number(),
  p90: z.number(),
  p95: z.number(),
  p99: z.number(),
  max: z.number(),
});
export type LatencyStats = z.infer<typeof latencyStatsSchema>;

export const failureKindSchema = z.enum([
  'http', // non-2xx answer
  'timeout', // total or idle deadline passed
  'connection', // refused, reset, DNS
  'broken-stream', // the connection closed mid-response, or its HTTP framing broke
  'truncated', // the stream ended (even with [DONE]) without a finish_reason: generation did not finish
  'server-error', // the server signalled an error inside the stream (an error event, an `error:` field, an error object)
  'malformed-sse', // a data line that is not valid JSON or not a chunk
  'empty-output', // finished without any generated token (answer, reasoning or tool call)
]);
export type FailureKind = z.infer<typeof failureKindSchema>;

/** One request as the load generator saw it; raw, so the comparison can resample. */
export const requestSampleSchema = z.object({
  ok: z.boolean(),
  /** Milliseconds since the step started, when the request was sent. */
  startMs: z.number(),
  ttftMs: z.number().nullable(),
  e2eMs: z.number(),
  tpotMs: z.number().nullable(),
  /** Inter-token latencies: each gap between chunks spread over the tokens that chunk carried (see itlFrom). */
  itlMs: z.array(z.number()),
  /** Where the tokens per chunk came from: the engine's own per-chunk counts, usage, the engine's tokenizer, or one per chunk. */
  itlFrom: z.enum(['engine-counts', 'usage', 'tokenizer', 'chunks']).optional(),
  /** To the first answer token, where reasoning came first (null: the answer never began); absent when it equals TTFT. */
  answerTtftMs: z.number().nullable().optional(),
  inputTokens: z.number().int().nullable(),
  outputTokens: z.number().int(),
  error: z.object({ kind: failureKindSchema, message: z.string() }).optional(),
});
export type RequestSample = z.infer<typeof requestSampleSchema>;

export const benchRunSchema = z.object({
  profile: z.string(),
  concurrency: z.number().int().optional(),
  rate: z.number().optional(),
  requests: z.number().int(),
  ok: z.number().int(),
  errors: z.number().int(),
  errorsByKind: z.record(z.string(), z.number().int()),
  durationS: z.number(),
  ttftMs: latencyStatsSchema,
  tpotMs: latencyStatsSchema,
  itlMs: latencyStatsSchema,
  e2eMs: latencyStatsSchema,
  outputTokensPerSec: z.number(),
  requestsPerSec: z.number(),
  goodput: z
    .object({ ratio: z.number(), requestsPerSec: z.number(), slo: z.record(z.string(), z.number()) })
    .optional(),
  /** Where output token counts came from: the server's usage, the engine's tokenizer (/tokenize), or our own count of chunks. */
  tokenSource: z.enum(['usage', 'tokenizer', 'counted']),
  /** How ITL was derived: per-chunk gaps spread over tokens counted by the engine per chunk, from usage, the tokenizer, or one token a chunk. */
  itlFrom: z.enum(['engine-counts', 'usage', 'tokenizer', 'chunks', 'mixed']).optional(),
  /** Time to the first answer token (after reasoning), when some answers reasoned first; TTFT counts reasoning as output. */
  answerTtftMs: latencyStatsSchema.optional(),
  samples: z.array(requestSampleSchema),
  /** Load shape: closed loop at `concurrency`, or open loop at `rate` req/s (gamma arrivals, capped by maxConcurrency). */
  mode: z.enum(['concurrency', 'rate']).optional(),
  burstiness: z.number().optional(),
  maxConcurrency: z.number().int().optional(),
  /** Requests sent before the measured ones and not counted. */
  warmupRequests: z.number().int().optional(),
  /** What the warm-up did: requests, the most in flight at once, how long; it reaches the step's own concurrency or rate. */
  warmup: z
    .object({
      requests: z.number().int(),
      peakInFlight: z.number().int(),
      durationS: z.number(),
      concurrency: z.number().int().optional(),
      rate: z.number().optional(),
    })
    .optional(),
  /** Why the step stopped sending before its bound (the server went away); its samples still count. */
  stopped: z.object({ reason: z.enum(['aborted', 'server-unreachable']), message: z.string() }).optional(),
  /**
   * Sequential sampling against a baseline: rounds run, looks planned (the comparison spends its
   * error rate over them), and why sampling stopped.
   */
  sequential: z
    .object({
      rounds: z.number().int().min(1),
      plannedLooks: z.number().int().min(1),
      stoppedBecause: z.enum(['decided', 'regressed', 'max-requests', 'duration', 'stopped']),
    })
    .optional(),
  /** What was asked and what came back: requested lengths, the prompt source, real token counts of ok requests. */
  prompts: z
    .object({
      source: z.enum(['synthetic', 'dataset']),
      dataset: z.string().optional(),
      seed: z.number().int(),
      requestedInputTokens: z.number().int().optional(),
      requestedOutputTokens: z.number().int().optional(),
    })
    .optional(),
  lengths: z
    .object({
      inputTokens: z.object({ mean: z.number(), min: z.number(), max: z.number() }).nullable(),
      outputTokens: z.object({ mean: z.number(), min: z.number(), max: z.number() }).nullable(),
    })
    .optional(),
});
export type BenchRun = z.infer<typeof benchRunSchema>;

export const itemResultSchema = z.object({
  id: z.string(),
  score: z.number().min(0).max(1),
  output: z.string(),
  /** The answer's full length, when `output` holds only the first quality.outputCapChars of it. */
  outputChars: z.number().int().optional(),
  latencyMs: z.number().optional(),
  error: z.string().optional(),
  /** Why the scorer gave this score, for failing items. */
  reason: z.string().optional(),
  /** 1-based line in the dataset's items file, for annotations. */
  line: z.number().int().optional(),
  /** sha256 of the item's content (canonical JSON): across dataset versions, pair only items that did not change. */
  sha256: z.string().optional(),
});
export type ItemResult = z.infer<typeof itemResultSchema>;

export const dimensionResultSchema = z.object({
  score: z.number().min(0).max(1),
  n: z.number().int(),
  threshold: z.number().optional(),
  /** Score points the comparison may lose before this dimension counts as regressed (from the dataset). */
  tolerance: z.number().optional(),
  /** Judge-scored dimensions: which judge and prompt, so two reports can show they asked the same question. */
  judge: z.object({ model: z.string(), promptSha256: z.string() }).optional(),
  /** Judge agreement with the dataset's human labels; `trusted: false` means the verdict must not gate on it. */
  calibration: z
    .object({
      n: z.number().int(),
      accuracy: z.number(),
      /** Cohen's kappa; null when undefined (all labels in one class). */
      kappa: z.number().nullable(),
      floor: z.object({ kappa: z.number(), accuracy: z.number().optional() }),
      trusted: z.boolean(),
      note: z.string().optional(),
    })
    .optional(),
  items: z.array(itemResultSchema),
});
export type DimensionResult = z.infer<typeof dimensionResultSchema>;

export const datasetRefSchema = z.object({
  name: z.string(),
  version: z.string(),
  sha256: z.string(),
  items: z.number().int(),
  path: z.string().optional(),
});

export const qualitySchema = z.object({
  dataset: datasetRefSchema,
  dimensions: z.record(z.string(), dimensionResultSchema),
  /** Model requests of the eval: transport retries are counted here, failed items score 0 and say why. */
  requests: z
    .object({
      sent: z.number().int(),
      retries: z.number().int(),
      failed: z.number().int(),
      /** Answers that came without a finish_reason (cut off): failed items of their own kind. */
      truncated: z.number().int().optional(),
    })
    .optional(),
  /** Characters of each answer kept in the report (scorers saw it whole). */
  outputCapChars: z.number().int().optional(),
});
export type Quality = z.infer<typeof qualitySchema>;

export const readinessSchema = z.object({
  ready: z.boolean(),
  secondsToReady: z.number().nullable(),
  attempts: z.number().int(),
  /** What the last failed probe said, for a target that never became ready. */
  lastError: z.string().optional(),
  exit: z.object({ code: z.number().int().nullable(), oomKilled: z.boolean(), signal: z.string().optional() }).optional(),
  logTail: z.array(z.string()).optional(),
});
export type Readiness = z.infer<typeof readinessSchema>;

export const comparisonDimensionSchema = z.object({
  baseline: z.number(),
  candidate: z.number(),
  delta: z.number(),
  /** Relative change (candidate/baseline - 1) for latency-like dimensions. */
  relativeDelta: z.number().optional(),
  ci: z.tuple([z.number(), z.number()]).nullable(),
  regressed: z.boolean(),
  /** A regression someone accepted on purpose (report.acceptance says who and why): it does not fail the gate. */
  accepted: z.boolean().optional(),
  improved: z.boolean().optional(),
  direction: z.enum(['higher-is-better', 'lower-is-better']),
  tolerance: z.number().optional(),
  method: z.string().optional(),
  note: z.string().optional(),
  /** Two-sided coverage of `ci`, after the multiplicity adjustment. */
  confidence: z.number().optional(),
  /** Unit of baseline/candidate/delta (`ms`, `score`, `tok/s`, `share`, `s`); `ci` is relative when relativeDelta is set. */
  unit: z.string().optional(),
});
export type ComparisonDimension = z.infer<typeof comparisonDimensionSchema>;

export const comparisonSchema = z.object({
  /** `tag`: the baseline report's own tag, for a reader; `ref` says where it was found (file, store entry). */
  baseline: z.object({ ref: z.string(), tag: z.string().optional(), sha256: z.string().optional() }).nullable(),
  note: z.string().optional(),
  dimensions: z.record(z.string(), comparisonDimensionSchema),
  /** Family-wise confidence and the number of dimensions tested with an interval (Bonferroni divisor). */
  confidence: z.number().optional(),
  tests: z.number().int().optional(),
  /** What kept a part from being compared at all (dataset changed); the gate must not pass on it silently. */
  problems: z.array(z.object({ dimension: z.string(), message: z.string() })).optional(),
});
export type Comparison = z.infer<typeof comparisonSchema>;

export const reasonSchema = z.object({ dimension: z.string(), message: z.string() });
export type Reason = z.infer<typeof reasonSchema>;

export const verdictSchema = z.enum(['pass', 'fail', 'error']);
export type Verdict = z.infer<typeof verdictSchema>;

export const reportSchema = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  tool: z.object({ name: z.literal('llm-gate'), version: z.string() }),
  subject: z.object({
    image: z.string().optional(),
    digest: z.string().optional(),
    tag: z.string().optional(),
    gitSha: z.string().optional(),
    command: z.string().optional(),
    url: z.string().optional(),
    /** A kubernetes target: where the candidate ran. */
    kubernetes: z.object({ context: z.string(), namespace: z.string(), workload: z.string() }).optional(),
    model: z.string().optional(),
    engine: z.string().optional(),
    startedAt: z.string(),
    finishedAt: z.string(),
  }),
  verdict: verdictSchema,
  reasons: z.array(reasonSchema),
  readiness: readinessSchema.nullable(),
  quality: qualitySchema.nullable(),
  performance: z
    .object({
      runs: z.array(benchRunSchema),
      server: z.record(z.string(), z.unknown()).optional(),
      gpu: z.record(z.string(), z.unknown()).optional(),
    })
    .nullable(),
  comparison: comparisonSchema.nullable(),
  /** What was measured (model, engine, GPU, dataset, runner): a baseline of another identity is refused. */
  identity: identitySchema.optional(),
  /** Regressions accepted on purpose, with their reasons; absent when nobody accepted anything. */
  acceptance: acceptanceSchema.optional(),
  /** Findings of later stages (image hygiene, probe advice) keyed by section name. */
  extras: z.record(z.string(), z.unknown()).optional(),
});
export type Report = z.infer<typeof reportSchema>;
