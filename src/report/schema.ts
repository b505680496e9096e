import { z } from 'zod';

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

/** A capacity probe is a bench step summed up: its counts from the run, its tail latencies, the SLOs it missed. */
export const capacityProbeSchema = benchRunSchema.pick({ profile: true, concurrency: true, rate: true, requests: true, ok: true, errors: true, requestsPerSec: true }).extend({
  ttftP99Ms: z.number(),
  tpotP99Ms: z.number(),
  meets: z.boolean(),
  /** The SLOs the probe missed. */
  misses: z.array(z.string()),
});
export type CapacityProbe = z.infer<typeof capacityProbeSchema>;

/** The saturation search's result (`extras.capacity`): the highest request rate within the SLOs. */
export const capacitySchema = z.object({
  unit: z.literal('req/s'),
  /** Highest offered rate that met every SLO; 0 when even one request at a time missed them. */
  rate: z.number(),
  /**
   * exact-bracket: the capacity lies in `bracket` (met at its low end, missed at its high end);
   * at-least: the maximum throughput met the SLOs, so the SLOs do not bound it; none: the
   * synchronous probe already missed them.
   */
  bound: z.enum(['bracketed', 'at-least', 'none']),
  bracket: z.tuple([z.number(), z.number()]).nullable(),
  syncRate: z.number(),
  maxRate: z.number(),
  slo: z.record(z.string(), z.number()),
  probes: z.array(capacityProbeSchema),
});
export type Capacity = z.infer<typeof capacitySchema>;

/** The engine's own view of the bench (`performance.server`), from its Prometheus gauges. */
const serverStatSchema = z.object({ mean: z.number(), max: z.number() }).nullable();
export const serverPointSchema = z.object({
  /** ms since the bench started. */
  tMs: z.number(),
  running: z.number().nullable(),
  waiting: z.number().nullable(),
  /** 0..1 */
  kvCacheUsage: z.number().nullable(),
  /** Unknown engines: every gauge (summed over label sets), by name. */
  gauges: z.record(z.string(), z.number()).optional(),
});
export type ServerPoint = z.infer<typeof serverPointSchema>;

export const serverMetricsSchema = z.object({
  url: z.string(),
  available: z.boolean(),
  /** Why nothing was recorded (no /metrics endpoint, scraping off). */
  reason: z.string().optional(),
  /** The engine whose metric names were found (`unknown`: gauges recorded as they are). */
  engine: z.string(),
  intervalMs: z.number(),
  scrapes: z.number().int(),
  failures: z.number().int(),
  lastError: z.string().optional(),
  series: z.array(serverPointSchema),
  steps: z.array(
    z.object({ profile: z.string(), startMs: z.number(), endMs: z.number(), running: serverStatSchema, waiting: serverStatSchema, kvCacheUsage: serverStatSchema }),
  ),
});
export type ServerMetrics = z.infer<typeof serverMetricsSchema>;

/** One nvidia-smi reading of one GPU; null where it says `[N/A]`. */
export const gpuReadingSchema = z.object({ index: z.number().int(), utilizationPct: z.number().nullable(), memoryUsedMiB: z.number().nullable(), memoryTotalMiB: z.number().nullable() });
export type GpuReading = z.infer<typeof gpuReadingSchema>;

/** nvidia-smi samples over the bench (`performance.gpu`). */
export const gpuMetricsSchema = z.object({
  available: z.boolean(),
  reason: z.string().optional(),
  intervalMs: z.number(),
  series: z.array(z.object({ tMs: z.number(), gpus: z.array(gpuReadingSchema) })),
  /** Per GPU over the whole bench. */
  summary: z.array(
    z.object({
      index: z.number().int(),
      utilizationPct: z.object({ mean: z.number(), max: z.number() }).nullable(),
      memoryUsedMiB: z.object({ max: z.number() }).nullable(),
      memoryTotalMiB: z.number().nullable(),
    }),
  ),
});
export type GpuMetrics = z.infer<typeof gpuMetricsSchema>;

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

/**
 * What was measured, so a report is only ever compared with a report of the same thing. Every field is
 * optional: a field the gate could not learn (no GPU, an engine that does not tell its version) is
 * absent, and an absent field never makes two reports differ.
 */
export const identitySchema = z.object({
  /** The model id the server answered under. */
  model: z.string().optional(),
  /** Digest of the weights where the engine tells it (Ollama's model digest, TGI's model_sha). */
  weightsDigest: z.string().optional(),
  engine: z.string().optional(),
  /** The engine's own version string (vLLM /version, TGI /info, SGLang /get_server_info, Ollama /api/version). */
  engineVersion: z.string().optional(),
  image: z.string().optional(),
  imageDigest: z.string().optional(),
  /** `name@version` and the content hash of the eval dataset. */
  dataset: z.string().optional(),
  datasetSha256: z.string().optional(),
  /** What nvidia-smi listed; count 0 when it is not installed (no GPU). Absent: not looked at (older reports). */
  gpu: z.object({ name: z.string(), count: z.number().int().min(0), driver: z.string().optional() }).optional(),
  runner: z.object({ os: z.string().optional(), arch: z.string().optional(), name: z.string().optional(), labels: z.array(z.string()).optional() }).optional(),
  /**
   * The baseline line this report belongs to: model and GPU type and count. A matrix over models or GPU
   * types keeps one line per cell, and `baseline: auto` only looks in the candidate's own line.
   */
  line: z.string(),
});
export type Identity = z.infer<typeof identitySchema>;

/** One reviewed decision to promote despite regressions of the named dimensions. */
export const acceptEntrySchema = z.strictObject({
  /** Dimension names or patterns: `quality.json_format`, `json_format`, `tpot.p50`, `perf.*.tpot.*`. */
  dimensions: z.array(z.string().min(1)).min(1),
  reason: z.string().min(1, 'an acceptance needs a reason: "DIMENSIONS: why this trade-off is intended"'),
  /** Where it came from: the `accept` input, a flag, a pull-request label. */
  source: z.string().optional(),
});
export type AcceptEntry = z.infer<typeof acceptEntrySchema>;

/** What report.json records: every acceptance given, what it covered, and what matched nothing. */
export const acceptanceSchema = z.object({
  entries: z.array(acceptEntrySchema),
  /** Regressed dimensions turned into accepted ones, each with the entry's reason. */
  accepted: z.array(z.object({ dimension: z.string(), reason: z.string(), source: z.string().optional() })),
  /** Patterns that matched no regressed dimension: said aloud, so a typo is seen. */
  unmatched: z.array(z.string()),
});
export type Acceptance = z.infer<typeof acceptanceSchema>;

/** Ordered from worst to mildest; the config's `failOn` picks which of them fail the gate. */
export const severitySchema = z.enum(['critical', 'high', 'medium', 'low', 'info']);
export type Severity = z.infer<typeof severitySchema>;

/** One finding of the image hygiene checks or the manifest lint. */
export const findingSchema = z.object({
  /** Stable identifier of the check, e.g. `runs-as-root`, `secret-in-env`. */
  id: z.string(),
  severity: severitySchema,
  message: z.string(),
  /** Where it was seen; secret values in it are masked, never written whole. */
  evidence: z.string().optional(),
});
export type Finding = z.infer<typeof findingSchema>;

/** The image hygiene section (`extras.hygiene`): what the image is and what the checks found. */
export const hygieneReportSchema = z.object({
  image: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  layers: z.number().int().nonnegative(),
  /** The image's `Config.User`; empty means the container runs as root. */
  user: z.string(),
  findings: z.array(findingSchema),
});
export type HygieneReport = z.infer<typeof hygieneReportSchema>;

/** The subset of a Kubernetes probe that the advice writes and the lint reads. */
export const probeSchema = z.object({
  httpGet: z.object({ path: z.string(), port: z.union([z.number(), z.string()]) }).optional(),
  tcpSocket: z.object({ port: z.union([z.number(), z.string()]) }).optional(),
  exec: z.object({ command: z.array(z.string()) }).optional(),
  initialDelaySeconds: z.number().int().nonnegative().optional(),
  periodSeconds: z.number().int().positive(),
  timeoutSeconds: z.number().int().positive(),
  failureThreshold: z.number().int().positive(),
  successThreshold: z.number().int().positive().optional(),
});
export type Probe = z.infer<typeof probeSchema>;

export const startupMeasurementSchema = z.object({
  /** Seconds from container start to the first successful one-token inference; the first is the cold boot. */
  secondsToReady: z.array(z.number().positive()).min(1),
  /** From the benchmark, when it ran: sizes the readiness timeout and the termination grace period. */
  ttftP99Ms: z.number().positive().optional(),
  e2eP99Ms: z.number().positive().optional(),
});
export type StartupMeasurement = z.infer<typeof startupMeasurementSchema>;

export const probeAdviceSchema = z.object({
  engine: z.string(),
  containerName: z.string(),
  measurement: z.object({
    coldSeconds: z.number(),
    worstSeconds: z.number(),
    /** Slowest minus fastest boot; 0 with one boot. */
    spreadSeconds: z.number(),
    boots: z.number().int(),
  }),
  /** Seconds the startup probe tolerates before Kubernetes restarts the container. */
  startupBudgetSeconds: z.number().int(),
  startupProbe: probeSchema,
  readinessProbe: probeSchema,
  livenessProbe: probeSchema,
  terminationGracePeriodSeconds: z.number().int(),
  minReadySeconds: z.number().int(),
  /** Why each number is what it is, for the summary and the YAML comments. */
  notes: z.array(z.string()),
});
export type ProbeAdvice = z.infer<typeof probeAdviceSchema>;

/** A manifest lint finding, with where in the manifest it is. */
export const manifestFindingSchema = findingSchema.extend({
  /** `Kind/name` of the workload, e.g. `Deployment/inference-server`. */
  resource: z.string(),
  /** Field path inside the resource, e.g. `spec.template.spec.containers[0].livenessProbe`. */
  field: z.string(),
  file: z.string(),
  /** 1-based line of the field (or of its container when the field is missing). */
  line: z.number().int().optional(),
});
export type ManifestFinding = z.infer<typeof manifestFindingSchema>;

/** The `probes` section (`extras.probes`): the advice, its YAML, and the manifest lint. */
export const probesSectionSchema = z.object({
  advice: probeAdviceSchema,
  yaml: z.string(),
  manifest: z.object({ file: z.string(), findings: z.array(manifestFindingSchema) }).nullable(),
});
export type ProbesSection = z.infer<typeof probesSectionSchema>;

/** Which engine's preset applied and why (`extras.engine`). */
export const engineSectionSchema = z.object({
  engine: z.string(),
  source: z.enum(['config', 'detected']),
  /** The server's clues, one line each, e.g. `GET /v1/models: owned_by "vllm"`. */
  evidence: z.array(z.string()),
  /** What the server listed at /v1/models: the record of what answered on the port. */
  models: z.array(z.string()).optional(),
});
export type EngineSection = z.infer<typeof engineSectionSchema>;

/**
 * What a suite and a bench can see (minimum detectable effects), per dimension (`extras.detectable`),
 * also printed by `llm-gate plan` before any GPU time is spent.
 */
export const detectableRowSchema = z.object({
  dimension: z.string(),
  kind: z.enum(['quality', 'latency', 'throughput']),
  /** Items (quality) or requests per side (latency, throughput) the figure is for. */
  units: z.number().int(),
  /** Score points (quality) or relative change (others). */
  tolerance: z.number(),
  /** Smallest regression caught with probability `power`: points (quality) or relative change; null when none is. */
  mde: z.number().nullable(),
  /** Why there is no figure, or how it was obtained. */
  note: z.string().optional(),
  /** The run-to-run spread the figure assumes. */
  spread: z.object({
    /** Quality: share of items whose score differs between two runs; others: sd of the log statistic per block of requests. */
    value: z.number(),
    source: z.enum(['measured', 'assumed']),
  }),
  /** Items or requests a side needed to catch the target regression; null: no count can (within tolerance). */
  needed: z.object({ change: z.number(), units: z.number().int().nullable() }).optional(),
});
export type DetectableRow = z.infer<typeof detectableRowSchema>;

export const detectableSectionSchema = z.object({
  confidence: z.number(),
  power: z.number(),
  /** Dimensions in the Bonferroni family. */
  tests: z.number().int(),
  rows: z.array(detectableRowSchema),
});
export type DetectableSection = z.infer<typeof detectableSectionSchema>;

/** A Kubernetes target's own record (`extras.kubernetes`): where it ran, the rollout timeline, the pods. */
export const kubernetesSectionSchema = z.object({
  context: z.string(),
  namespace: z.string(),
  /** The gate created the namespace for this run (and deleted it after). */
  ephemeral: z.boolean(),
  /** `Deployment/vllm`. */
  workload: z.string(),
  container: z.string(),
  access: z.enum(['service', 'port-forward']),
  /** The container's GPU requests by resource name (`nvidia.com/gpu`). */
  gpuRequests: z.record(z.string(), z.string()),
  /** Seconds from the start of the apply to each step. */
  timeline: z.object({ scheduledS: z.number().nullable(), runningS: z.number().nullable(), rolloutS: z.number().nullable() }),
  pods: z.array(
    z.object({
      name: z.string(),
      node: z.string().optional(),
      nodeGpus: z.object({ capacity: z.record(z.string(), z.string()), allocatable: z.record(z.string(), z.string()) }).optional(),
      restarts: z.number().int(),
      scheduledS: z.number().optional(),
      runningS: z.number().optional(),
    }),
  ),
  restarts: z.number().int(),
  /** Why the rollout failed, in Kubernetes' words (FailedScheduling, CrashLoopBackOff, OOMKilled…). */
  failure: z
    .object({
      reason: z.string(),
      message: z.string(),
      pod: z.string().optional(),
      restarts: z.number().int(),
      exitCode: z.number().int().optional(),
      previousLogs: z.boolean(),
    })
    .optional(),
});
export type KubernetesSection = z.infer<typeof kubernetesSectionSchema>;

/**
 * Findings of stages beyond eval and bench, one optional section each, under the report's `extras` key
 * (where reports have always kept them). The key order is the order they are rendered in.
 */
export const extrasSchema = z.object({
  hygiene: hygieneReportSchema.optional(),
  probes: probesSectionSchema.optional(),
  kubernetes: kubernetesSectionSchema.optional(),
  engine: engineSectionSchema.optional(),
  capacity: capacitySchema.optional(),
  detectable: detectableSectionSchema.optional(),
});
export type Extras = z.infer<typeof extrasSchema>;

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
      server: serverMetricsSchema.optional(),
      gpu: gpuMetricsSchema.optional(),
    })
    .nullable(),
  comparison: comparisonSchema.nullable(),
  /** What was measured (model, engine, GPU, dataset, runner): a baseline of another identity is refused. */
  identity: identitySchema.optional(),
  /** Regressions accepted on purpose, with their reasons; absent when nobody accepted anything. */
  acceptance: acceptanceSchema.optional(),
  /** Findings of later stages (image hygiene, probe advice, capacity…), one section each. */
  extras: extrasSchema.optional(),
});
export type Report = z.infer<typeof reportSchema>;
