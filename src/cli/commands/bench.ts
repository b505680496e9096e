import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { runBenchSweep, sweepShapes, UNBOUNDED_REQUESTS, type BenchConfig } from '../../bench/sweep.ts';
import { ConfigError, loadGateConfig } from '../../config/load.ts';
import { SweepProgress } from '../../bench/progress.ts';
import { tableHeader, tableRow } from '../../bench/table.ts';
import { benchConfigSchema } from '../../config/schema.ts';
import { settingFlagSchema } from '../../config/settings.ts';
import { ENGINE_NAMES, engineNameSchema, type EngineName } from '../../engines/registry.ts';
import { ENGINE_PRESETS } from '../../engines/presets.ts';
import { DatasetError } from '../../eval/dataset.ts';
import { apiBaseURL, describeRequestError, openaiClient } from '../../eval/transport.ts';
import { EXIT } from '../../exit-codes.ts';
import { stderrLogger } from '../../log.ts';
import { TOOL_VERSION } from '../../version.ts';
import { sloMisses, sloReasons } from '../../compare/verdict.ts';
import { loadBenchPrompts } from '../../gate/bench.ts';
import { colourEnabled, verdictWord } from '../colour.ts';
import { outFileProblem } from '../out-file.ts';
import { parseCommandFlags, usageError } from '../parse-flags.ts';
import type { Command } from './index.ts';

const help = `Usage: llm-gate bench --url URL [options]

Runs a TTFT/TPOT load benchmark against a running OpenAI-compatible server: a sweep of
concurrency levels (closed loop) or request rates (open loop, gamma arrivals), a warm-up
that is not counted, then per step TTFT, TPOT, ITL, E2E, throughput, errors by kind and
goodput. Scrapes the server's /metrics and nvidia-smi while it runs. Prints a table on
stdout (progress with ETA on stderr) and writes the performance section of report.json.
Exit: 0 done, 1 an SLO or the error budget was broken, 2 bad usage or dataset,
3 the server went away or no request succeeded.

Options:
  --url URL              server root or its /v1 base (required)
  --config FILE          take the bench section (and engine, model) of an llm-gate.yml; flags override it
  --model ID             model id (default: the first of /v1/models)
  --engine NAME          the server's engine (${ENGINE_NAMES.join(', ')}): its exact-length and
                         stream_options fields and its metrics path (default: vLLM's fields, /metrics)
  --concurrency LIST     closed-loop steps, e.g. 1,8,32 (default 4)
  --rate LIST            open-loop steps in requests/s, e.g. 2,4,8 (instead of --concurrency)
  --burstiness F         gamma shape of inter-arrivals: 1 Poisson, <1 burstier (default 1)
  --max-concurrency N    rate mode: at most N requests in flight
  --requests N           measured requests per step (default 64; with --duration only, unbounded)
  --duration S           seconds per step during which requests are sent (e.g. 30, 30s, 2m)
  --warmup N             warm-up requests per step, not counted: at least N (default 4), always as wide as the step's load
  --input-tokens N       synthetic prompt length in words (default 128)
  --output-tokens N      requested output tokens (default 64; a cap for dataset prompts)
  --prompts SRC          synthetic (default) or a dataset directory / dataset.yaml to replay
  --seed N               seeds prompts and arrival times (default 1)
  --timeout S            seconds per request (default 120)
  --idle-timeout S       seconds without a byte before a stream counts as stalled (default 30)
  --slo-ttft MS          per-request TTFT bound for goodput, checked on p99
  --slo-tpot MS          per-request TPOT bound for goodput, checked on p99
  --max-error-rate F     share of failed requests a step may have (default 0.01)
  --metrics-path PATH    Prometheus endpoint on the server (default /metrics)
  --no-metrics           do not scrape the server's metrics
  --no-gpu               do not sample nvidia-smi
  --out FILE             where to write the JSON (default llm-gate-out/bench.json)
  --help

Environment: LLM_GATE_API_KEY (server).`;

const options = {
  url: { type: 'string' },
  config: { type: 'string' },
  model: { type: 'string' },
  engine: { type: 'string' },
  concurrency: { type: 'string' },
  rate: { type: 'string' },
  burstiness: { type: 'string' },
  'max-concurrency': { type: 'string' },
  requests: { type: 'string' },
  duration: { type: 'string' },
  warmup: { type: 'string' },
  'input-tokens': { type: 'string' },
  'output-tokens': { type: 'string' },
  prompts: { type: 'string' },
  seed: { type: 'string' },
  timeout: { type: 'string' },
  'idle-timeout': { type: 'string' },
  'slo-ttft': { type: 'string' },
  'slo-tpot': { type: 'string' },
  'max-error-rate': { type: 'string' },
  'metrics-path': { type: 'string' },
  'no-metrics': { type: 'boolean' },
  'no-gpu': { type: 'boolean' },
  out: { type: 'string' },
  help: { type: 'boolean' },
} as const;

/** "1,8,32" as numbers; the message names the flag's expected form. */
const list = (what: string) =>
  z.string().transform((text, ctx) => {
    const values = text.split(',').map((p) => Number(p.trim()));
    if (values.some((v) => !Number.isFinite(v) || v <= 0)) {
      ctx.addIssue({ code: 'custom', message: `expected a comma-separated list of positive ${what}, e.g. 1,8,32; found "${text}"` });
      return z.NEVER;
    }
    return values;
  });

/** 30, 30s, 1.5m or 500ms, in seconds. */
const seconds = z.string().transform((text, ctx) => {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m || Number(m[1]) <= 0) {
    ctx.addIssue({ code: 'custom', message: `expected a duration such as 30, 30s, 2m or 500ms, found "${text}"` });
    return z.NEVER;
  }
  const unit = m[2] ?? 's';
  return Number(m[1]) * (unit === 'm' ? 60 : unit === 'ms' ? 0.001 : 1);
});

const flagsSchema = z
  .object({
    url: z.url({ message: 'expected a URL such as http://127.0.0.1:8000' }),
    config: z.string().min(1).optional(),
    model: z.string().min(1).optional(),
    engine: engineNameSchema.optional(),
    concurrency: settingFlagSchema('concurrency').optional(),
    rate: list('rates').optional(),
    burstiness: z.coerce.number().positive().optional(),
    'max-concurrency': z.coerce.number().int().min(1).optional(),
    requests: settingFlagSchema('requests').optional(),
    duration: seconds.optional(),
    warmup: z.coerce.number().int().min(0).optional(),
    'input-tokens': z.coerce.number().int().min(1).optional(),
    'output-tokens': z.coerce.number().int().min(1).optional(),
    prompts: z.string().min(1).optional(),
    seed: z.coerce.number().int().optional(),
    timeout: z.coerce.number().positive().optional(),
    'idle-timeout': z.coerce.number().positive().optional(),
    'slo-ttft': z.coerce.number().positive().optional(),
    'slo-tpot': z.coerce.number().positive().optional(),
    'max-error-rate': z.coerce.number().min(0).max(1).optional(),
    'metrics-path': z.string().startsWith('/').optional(),
    'no-metrics': z.boolean().optional(),
    'no-gpu': z.boolean().optional(),
    out: z.string().min(1).default('llm-gate-out/bench.json'),
  })
  .refine((f) => !(f.concurrency && f.rate), { message: 'give --concurrency or --rate, not both', path: ['rate'] })
  .refine((f) => f['max-concurrency'] === undefined || f.rate !== undefined, { message: 'only applies with --rate', path: ['max-concurrency'] });
type Flags = z.infer<typeof flagsSchema>;

/**
 * The flags over a bench config section (a config file's, or the defaults), validated by the same
 * schema, so the CLI and the gate run the same settings.
 */
export function benchConfigFromFlags(f: Flags, base: Partial<BenchConfig> = {}): BenchConfig {
  const slo = {
    ...(base.slo ?? { maxErrorRate: 0.01 }),
    ...(f['max-error-rate'] === undefined ? {} : { maxErrorRate: f['max-error-rate'] }),
    ...(f['slo-ttft'] === undefined ? {} : { ttftP99Ms: f['slo-ttft'] }),
    ...(f['slo-tpot'] === undefined ? {} : { tpotP99Ms: f['slo-tpot'] }),
  };
  // A sweep on the command line replaces the file's, whichever kind it is.
  const sweep = f.concurrency || f.rate ? { concurrency: f.concurrency ?? base.concurrency, rates: f.rate } : {};
  return benchConfigSchema.parse({
    ...base,
    ...sweep,
    ...(f.burstiness === undefined ? {} : { burstiness: f.burstiness }),
    ...(f['max-concurrency'] === undefined ? {} : { maxConcurrency: f['max-concurrency'] }),
    // A duration alone bounds the step by time: no request count cuts it short.
    ...(f.requests !== undefined ? { requests: f.requests } : f.duration !== undefined ? { requests: UNBOUNDED_REQUESTS } : {}),
    ...(f.duration === undefined ? {} : { durationS: f.duration }),
    ...(f.warmup === undefined ? {} : { warmupRequests: f.warmup }),
    ...(f['input-tokens'] === undefined ? {} : { inputTokens: f['input-tokens'] }),
    ...(f['output-tokens'] === undefined ? {} : { outputTokens: f['output-tokens'] }),
    ...(f.prompts === undefined ? {} : { prompts: f.prompts }),
    ...(f.seed === undefined ? {} : { seed: f.seed }),
    ...(f.timeout === undefined ? {} : { timeoutS: f.timeout }),
    ...(f['idle-timeout'] === undefined ? {} : { idleTimeoutS: f['idle-timeout'] }),
    ...(f['metrics-path'] !== undefined
      ? { metricsPath: f['metrics-path'] }
      : f.engine && ENGINE_PRESETS[f.engine].metrics && (base.metricsPath ?? '/metrics') === '/metrics'
        ? { metricsPath: ENGINE_PRESETS[f.engine].metrics!.path }
        : {}),
    ...(f['no-metrics'] ? { scrapeMetrics: false } : {}),
    ...(f['no-gpu'] ? { gpuMetrics: false } : {}),
    slo,
  });
}

export const benchCommand: Command = {
  summary: 'run a TTFT/TPOT load benchmark (concurrency or rate sweep) against a running server',
  async run(argv) {
    const parsed = parseCommandFlags(argv, options, flagsSchema, help);
    if (!parsed.ok) return parsed.exitCode;
    const flags = parsed.flags;
    const outProblem = await outFileProblem(flags.out);
    if (outProblem) {
      process.stderr.write(`error: ${outProblem}\n`);
      return EXIT.usage;
    }
    let fromFile: { bench: BenchConfig; engine?: EngineName; model?: string } | undefined;
    if (flags.config !== undefined) {
      try {
        const gate = await loadGateConfig({ env: process.env, path: flags.config, overrides: { url: flags.url } });
        fromFile = { bench: gate.bench, engine: gate.engine, model: gate.target.model };
      } catch (err) {
        if (err instanceof ConfigError) {
          process.stderr.write(`error: ${err.message}\n`);
          return EXIT.usage;
        }
        throw err;
      }
    }
    const engine = flags.engine ?? fromFile?.engine;
    const config = benchConfigFromFlags({ ...flags, engine }, fromFile?.bench);
    const baseURL = apiBaseURL(flags.url);
    const rootURL = baseURL.replace(/\/v1$/, '');
    const apiKey = process.env.LLM_GATE_API_KEY;

    let model = flags.model ?? fromFile?.model;
    if (!model) {
      try {
        model = (await openaiClient(baseURL, apiKey, config.timeoutS).models.list()).data[0]?.id;
      } catch (err) {
        process.stderr.write(`error: could not list models at ${baseURL}: ${describeRequestError(err)}\n`);
        return EXIT.error;
      }
      if (!model) return usageError(`${baseURL}/models lists no model; give --model`, help);
      stderrLogger.info(`bench: model ${model} (from /v1/models)`);
    }

    const tty = process.stderr.isTTY === true;
    let lastProgress = 0;
    const progress = new SweepProgress(sweepShapes(config).length);
    const startedAt = new Date().toISOString();
    process.stdout.write(`${tableHeader()}\n`);
    let result;
    try {
      const prompts = await loadBenchPrompts(config);
      result = await runBenchSweep({
        rootURL,
        apiKey,
        model,
        config,
        ...(engine ? { engine } : {}),
        ...(prompts ? { prompts } : {}),
        sloMisses: (run) => sloMisses(run, config.slo),
        logger: stderrLogger,
        onStepStart: (_profile, index) => {
          progress.stepStarted(index);
          lastProgress = 0;
        },
        onProgress: (profile, p) => {
          const now = Date.now();
          // A terminal gets a live line; a CI log gets one line every 5 s.
          if (now - lastProgress < (tty ? 200 : 5000)) return;
          lastProgress = now;
          process.stderr.write(tty ? `\r\x1b[K${progress.line(profile, p)}` : `${progress.line(profile, p)}\n`);
        },
        onStepEnd: (run) => {
          progress.stepEnded();
          if (tty) process.stderr.write('\r\x1b[K');
          process.stdout.write(`${tableRow(run)}\n`);
          if (run.stopped) process.stderr.write(`error: ${run.stopped.message}\n`);
        },
      });
    } catch (err) {
      if (err instanceof DatasetError) {
        process.stderr.write(`error: ${err.message}\n`);
        return EXIT.usage;
      }
      throw err;
    }

    if (result.server) {
      const s = result.server;
      process.stderr.write(
        s.available
          ? `server metrics: ${s.engine}, ${s.scrapes} scrapes of ${s.url}${s.failures ? `, ${s.failures} failed` : ''}\n`
          : `server metrics: none (${s.reason ?? 'unavailable'})\n`,
      );
    }
    if (result.gpu && !result.gpu.available) process.stderr.write(`gpu metrics: none (${result.gpu.reason ?? 'unavailable'})\n`);

    const out = {
      tool: { name: 'llm-gate', version: TOOL_VERSION },
      url: rootURL,
      model,
      startedAt,
      finishedAt: new Date().toISOString(),
      config,
      performance: result,
    };
    await mkdir(path.dirname(path.resolve(flags.out)), { recursive: true });
    await writeFile(flags.out, `${JSON.stringify(out, null, 2)}\n`);
    process.stdout.write(`wrote ${flags.out}\n`);

    if (result.runs.some((r) => r.stopped) || result.runs.every((r) => r.ok === 0)) return EXIT.error;
    const reasons = sloReasons(result.runs, config.slo);
    const colour = colourEnabled(process.stdout);
    for (const r of reasons) process.stdout.write(`${verdictWord('fail', colour)} ${r.dimension}: ${r.message}\n`);
    return reasons.length > 0 ? EXIT.fail : EXIT.pass;
  },
};
