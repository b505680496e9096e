import { z } from 'zod';
import { severitySchema } from '../report/schema.ts';
import { kubernetesTargetSchema } from './kubernetes.ts';
import { SETTINGS } from './settings.ts';

// The fields a flag and an Action input may override are declared in settings.ts, each used here as is.

export const targetSchema = z
  .strictObject({
    /** An image reference to run; with `build`, the tag to give the built image. */
    image: SETTINGS.image.value,
    build: SETTINGS.build.value,
    /** A shell command that starts a server listening on `port` on 127.0.0.1. */
    command: SETTINGS.command.value,
    /** A server that is already running. */
    url: SETTINGS.url.value,
    /** Port the server listens on (inside the container for images). Unset: the image's single EXPOSEd port, else 8000 (DEFAULT_PORT). */
    port: SETTINGS.port.value,
    /** Model id for requests; discovered from /v1/models when absent. */
    model: SETTINGS.model.value,
    /** `all`, a count, or `device=0,1`; omitted on machines without GPUs. */
    gpus: SETTINGS.gpus.value,
    shmSize: SETTINGS['shm-size'].value,
    env: z.record(z.string(), z.string()).default({}),
    /** Names of environment variables passed through from the gate's environment (tokens); never logged. */
    passEnv: SETTINGS.env.value,
    volumes: SETTINGS.volume.value,
    runArgs: z.array(z.string()).default([]),
    /** Extra arguments appended after the image (the engine's own flags). */
    args: z.array(z.string()).default([]),
    apiKey: z.string().optional(),
    /** Run `image` in a cluster with the team's manifests (src/target/kubernetes, docs/kubernetes.md). */
    kubernetes: kubernetesTargetSchema.optional(),
  })
  .superRefine((t, ctx) => {
    if (t.kubernetes !== undefined) {
      if (t.image === undefined || t.build !== undefined || t.command !== undefined || t.url !== undefined) {
        ctx.addIssue({ code: 'custom', message: 'a kubernetes target needs image (the candidate, as the cluster pulls it) and no build, command or url' });
      }
      return;
    }
    const kinds = [t.image !== undefined || t.build !== undefined, t.command !== undefined, t.url !== undefined];
    const count = kinds.filter(Boolean).length;
    if (count !== 1) {
      ctx.addIssue({
        code: 'custom',
        // A missing target names every way to supply one: the file's keys, the CLI flags, the Action inputs.
        message:
          count === 0
            ? 'expected exactly one of image (or build), command or url; found none (set target.image, target.build, target.command or target.url, or give --image, --build, --command or --url; in the Action the inputs of the same names)'
            : 'expected exactly one of image (or build), command or url; found several',
      });
    }
  });
export type TargetConfig = z.infer<typeof targetSchema>;

export const readinessConfigSchema = z.strictObject({
  /** Optional health path that must answer 200 before the inference probe is tried. */
  healthPath: z.string().startsWith('/').optional(),
  timeoutS: z.number().positive().default(1200),
  intervalS: z.number().positive().default(2),
  /** Successful one-token inferences in a row that count as ready. */
  consecutive: z.number().int().min(1).default(2),
  probeTimeoutS: z.number().positive().default(30),
  progressEveryS: z.number().positive().default(10),
});

export const evalConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Path of a dataset directory (holding dataset.yaml) or of its dataset.yaml. */
  dataset: SETTINGS.dataset.value,
  concurrency: z.number().int().min(1).default(4),
  timeoutS: z.number().positive().default(60),
  retries: z.number().int().min(0).default(1),
  maxTokens: z.number().int().positive().default(256),
  temperature: z.number().min(0).default(0),
  seed: z.number().int().optional(),
  /** The LLM judge for judge dimensions: any OpenAI-compatible endpoint; its key is read from the named variable. */
  judge: z
    .strictObject({
      baseURL: z.url().optional(),
      model: z.string().min(1).optional(),
      apiKeyEnv: z.string().default('LLM_GATE_JUDGE_API_KEY'),
    })
    .optional(),
});

export const sloSchema = z
  .strictObject({
    ttftP99Ms: z.number().positive(),
    ttftP50Ms: z.number().positive(),
    tpotP50Ms: z.number().positive(),
    tpotP99Ms: z.number().positive(),
    e2eP99Ms: z.number().positive(),
    /** Largest share of failed requests allowed in a step. */
    maxErrorRate: z.number().min(0).max(1),
  })
  .partial();

export const benchConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
  concurrency: SETTINGS.concurrency.value,
  requests: SETTINGS.requests.value,
  warmupRequests: z.number().int().min(0).default(4),
  inputTokens: z.number().int().min(1).default(128),
  outputTokens: z.number().int().min(1).default(64),
  timeoutS: z.number().positive().default(120),
  /** Seconds without a chunk before a stream counts as stalled. */
  idleTimeoutS: z.number().positive().default(30),
  seed: z.number().int().default(1),
  slo: sloSchema.default({ maxErrorRate: 0.01 }),
  /** Request rates (req/s) to sweep in open-loop mode; when set, they replace the concurrency sweep. */
  rates: z.array(z.number().positive()).min(1).optional(),
  /** Gamma shape of inter-arrival times in rate mode: 1 is Poisson, below 1 burstier, above 1 smoother. */
  burstiness: z.number().positive().default(1),
  /** Rate mode: at most this many requests in flight; arrivals beyond wait for a slot. */
  maxConcurrency: z.number().int().min(1).optional(),
  /** Seconds per step during which requests are sent; with `requests`, whichever bound comes first. */
  durationS: z.number().positive().optional(),
  /** `synthetic` prompts of inputTokens words, or a dataset directory (or its dataset.yaml) whose prompts are replayed. */
  prompts: z.string().min(1).default('synthetic'),
  /** Scrape the server's Prometheus endpoint during the bench (queue depth, running requests, KV cache). */
  scrapeMetrics: z.boolean().default(true),
  metricsPath: z.string().startsWith('/').default('/metrics'),
  scrapeIntervalS: z.number().positive().default(1),
  /** Sample nvidia-smi during the bench where it is installed. */
  gpuMetrics: z.boolean().default(true),
  /**
   * Sequential sampling, only when a baseline report is at hand (docs/compare.md): each step runs
   * in rounds of roundRequests (default: requests) and stops once the comparison with the
   * baseline's same profile is decided, or at maxRequests. Without a baseline: one round of requests.
   */
  sequential: z
    .strictObject({
      enabled: z.boolean().default(true),
      maxRequests: z.number().int().min(1).default(512),
      roundRequests: z.number().int().min(1).optional(),
      /** Stop as soon as one dimension regressed (the gate fails anyway); false: until every dimension is decided. */
      stopOnRegression: z.boolean().default(true),
      /**
       * Keep sampling until p99s are decided too (they need 500 requests a side). Off by default: a
       * passing run would then always cost maxRequests; p99s are still compared, and decided where
       * the samples suffice.
       */
      waitForTails: z.boolean().default(false),
    })
    .default({ enabled: true, maxRequests: 512, stopOnRegression: true, waitForTails: false }),
  /** Find the highest request rate at which the SLOs hold (src/bench/saturation.ts); compared as capacity.rate. */
  saturation: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Streams of the maximum-throughput probe, and the cap on requests in flight at a probed rate. */
      maxConcurrency: z.number().int().min(1).default(64),
      /** Bisection steps between the synchronous and the maximum rate. */
      steps: z.number().int().min(0).default(5),
      /** Requests per probe (default: bench.requests). */
      requests: z.number().int().min(1).optional(),
    })
    .optional(),
});

export const compareConfigSchema = z.strictObject({
  /** `auto` (the previous tag's report from the store), `none`, or a path to a report.json. */
  baseline: SETTINGS.baseline.value,
  /** Fail when a baseline was asked for and cannot be found. */
  requireBaseline: z.boolean().default(false),
  /** Practical tolerances: relative for latency, absolute (score points, 0..1) for quality. */
  latencyTolerance: z.number().min(0).default(0.1),
  qualityTolerance: z.number().min(0).default(0.03),
  confidence: z.number().gt(0.5).lt(1).default(0.95),
  storeDir: z.string().default('.llm-gate/baselines'),
  /**
   * Per-dimension tolerances by dimension name or `*` pattern (`perf.*.tpot.*`, `quality.exact`),
   * over the built-in ones in src/compare/tolerance.ts: any entry here beats every built-in; among them the most specific pattern wins.
   */
  tolerances: z.record(z.string(), z.number().min(0)).default({}),
  /** Compare quality on the item ids both reports share when the dataset's sha256 changed, instead of refusing. */
  allowDatasetChange: z.boolean().default(false),
  /** Latency metrics compared per bench profile (see docs/compare.md). */
  latencyMetrics: z
    .array(z.enum(['ttft.p50', 'ttft.p90', 'ttft.p99', 'tpot.p50', 'tpot.p90', 'tpot.p99', 'itl.p50', 'itl.p99', 'e2e.p50', 'e2e.p90', 'e2e.p99']))
    .default(['ttft.p50', 'ttft.p90', 'ttft.p99', 'tpot.p50', 'tpot.p99', 'e2e.p50']),
  /** Seconds to ready may grow by this much before the relative tolerance applies (probe-interval jitter). */
  readinessSlackS: z.number().min(0).default(10),
  /** Bootstrap resamples per dimension. */
  resamples: z.number().int().min(500).default(4000),
  /** Where baselines live: a local directory, a git branch of the repository, or earlier runs' workflow artifacts. */
  store: SETTINGS.store.value,
  gitBranch: z.string().default('llm-gate-baselines'),
  /** The branch a pull request targets: with `auto` and no semver tag, that branch's latest report is the baseline. */
  branch: z.string().optional(),
  /** Store a passing report as a baseline (per tag, or per branch on pushes); never from pull requests. */
  publish: z.boolean().default(true),
  /** Identity fields (model, engine, gpu, dataset) whose difference from the baseline is compared anyway instead of refused. */
  allowChange: SETTINGS['allow-change'].value,
  /** Regressions accepted on purpose, each with its reason (see docs/compare.md); what nobody accepted still fails. */
  accept: SETTINGS.accept.value,
});

export const hygieneConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Finding severities that fail the gate; the rest are reported only. */
  failOn: z.array(severitySchema).default(['critical']),
});

export const gateConfigSchema = z.strictObject({
  target: targetSchema,
  /** The inference engine (src/engines/presets.ts): its defaults fill what the file leaves unset; detected when absent. */
  engine: SETTINGS.engine.value,
  readiness: readinessConfigSchema.default(readinessConfigSchema.parse({})),
  eval: evalConfigSchema.default(evalConfigSchema.parse({})),
  bench: benchConfigSchema.default(benchConfigSchema.parse({})),
  compare: compareConfigSchema.default(compareConfigSchema.parse({})),
  hygiene: hygieneConfigSchema.default(hygieneConfigSchema.parse({})),
  /** Absolute floors per quality dimension (0..1), checked with or without a baseline. */
  thresholds: z.record(z.string(), z.number().min(0).max(1)).default({}),
  out: SETTINGS.out.value,
  /** Tag of the subject, used to find the previous tag's baseline and to store this one. */
  tag: SETTINGS.tag.value,
  /** A Deployment/StatefulSet (or Helm-rendered) manifest whose probes are checked against the measured startup. */
  k8sManifest: SETTINGS['k8s-manifest'].value,
});
export type GateConfig = z.infer<typeof gateConfigSchema>;
export type GateConfigInput = z.input<typeof gateConfigSchema>;
