import { performance } from 'node:perf_hooks';
import type { z } from 'zod';
import type { benchConfigSchema } from '../config/schema.ts';
import type { EngineName } from '../engines/registry.ts';
import { benchRequestFields, enginePreset, streamOptions } from '../engines/presets.ts';
import type { Logger } from '../log.ts';
import type { BenchRun, Capacity, GpuMetrics, ServerMetrics } from '../report/schema.ts';
import { startMetricsScraper, type StepWindow } from './engine-metrics.ts';
import { startGpuSampler } from './gpu.ts';
import { plannedLooks, runStep, stepProfile, type LoadShape, type SequentialSampling, type StepProgress } from './load.ts';
import { datasetBodies, syntheticBodies } from './prompts.ts';
import type { StreamResult } from '../client/stream.ts';
import { countTokensWithServer } from './tokenize.ts';
import { assertLatencySlo, searchCapacity } from './saturation.ts';

export type BenchConfig = z.infer<typeof benchConfigSchema>;

/** A request count that means "no count bound": the step's duration bounds it alone. */
export const UNBOUNDED_REQUESTS = Number.MAX_SAFE_INTEGER;

export interface SweepOptions {
  /** The server's root, e.g. http://127.0.0.1:8000 (the OpenAI API is under /v1). */
  rootURL: string;
  apiKey?: string;
  model: string;
  config: BenchConfig;
  /** The engine's preset decides the exact-length and stream_options fields; absent, vLLM's are sent. */
  engine?: EngineName;
  logger: Logger;
  /** Aborting (the target died) stops the current step from sending and skips the rest. */
  signal?: AbortSignal;
  onStepStart?: (profile: string, index: number, total: number) => void;
  onProgress?: (profile: string, p: StepProgress) => void;
  onStepEnd?: (run: BenchRun) => void;
  /** Every request's raw result as it ends, warm-up included. */
  onRequestEnd?: (r: StreamResult) => void;
  /** The conversations to replay when config.prompts names a dataset, loaded by the caller. */
  prompts?: PromptSet;
  /**
   * With bench.sequential.enabled: for a step's profile, the judge that says from the step's samples so
   * far whether its comparison with the baseline is decided; null when the baseline has no such step
   * (it is then sampled as usual). Absent: no step is sampled sequentially.
   */
  decide?: (profile: string) => StepDecider | null;
  /** Which SLOs a run missed, as messages (the verdict's rule): saturation probes are judged with it. Needed with bench.saturation. */
  sloMisses?: (run: BenchRun) => string[];
}

/** A dataset's prompts for the bench: its items' conversations in file order, and `name@version` for the record. */
export interface PromptSet {
  conversations: { role: string; content: string }[][];
  dataset: string;
}

/** One look at a step sampled so far: why sampling can stop (null: sample more), and the dimensions still undecided. */
export interface StepLook {
  stop: 'decided' | 'regressed' | null;
  undecided: string[];
}

/** Judges a step's samples so far against the baseline, at a level spread over `looks` planned looks. */
export type StepDecider = (runSoFar: BenchRun, looks: number) => StepLook;

export interface BenchResult {
  runs: BenchRun[];
  /** With bench.saturation: the highest request rate at which the SLOs held. */
  capacity?: Capacity;
  server?: ServerMetrics;
  gpu?: GpuMetrics;
}

/** The steps a config asks for: its rates when set (open loop), else its concurrency levels. */
export function sweepShapes(c: BenchConfig): LoadShape[] {
  if (c.rates) {
    return c.rates.map((rate) => ({
      mode: 'rate',
      rate,
      burstiness: c.burstiness,
      ...(c.maxConcurrency === undefined ? {} : { maxConcurrency: c.maxConcurrency }),
    }));
  }
  return c.concurrency.map((concurrency) => ({ mode: 'concurrency', concurrency }));
}

function promptSource(o: SweepOptions): { makeBody: (i: number) => Record<string, unknown>; prompts: NonNullable<BenchRun['prompts']> } {
  const c = o.config;
  if (c.prompts === 'synthetic') {
    return {
      makeBody: syntheticBodies({
        model: o.model,
        inputWords: c.inputTokens,
        outputTokens: c.outputTokens,
        seed: c.seed,
        ...(o.engine ? { engineFields: benchRequestFields(o.engine, c.outputTokens) } : {}),
      }),
      prompts: { source: 'synthetic', seed: c.seed, requestedInputTokens: c.inputTokens, requestedOutputTokens: c.outputTokens },
    };
  }
  if (!o.prompts) throw new Error(`bench.prompts names the dataset ${c.prompts}: its conversations were not handed to the bench`);
  return {
    makeBody: datasetBodies({
      model: o.model,
      conversations: o.prompts.conversations,
      maxOutputTokens: c.outputTokens,
      seed: c.seed,
      ...(o.engine ? { streamFields: streamOptions(enginePreset(o.engine)) } : {}),
    }),
    prompts: { source: 'dataset', dataset: o.prompts.dataset, seed: c.seed, requestedOutputTokens: c.outputTokens },
  };
}

/** Sequential sampling for one step, when the config allows it and the caller can judge that step against its baseline. */
function sequentialFor(o: SweepOptions, profile: string): { sequential: SequentialSampling } | Record<string, never> {
  const seq = o.config.sequential;
  const judge = seq.enabled ? o.decide?.(profile) : null;
  if (!judge) return {};
  const plan = { roundRequests: seq.roundRequests ?? o.config.requests, maxRequests: Math.max(seq.maxRequests, o.config.requests) };
  const looks = plannedLooks(plan);
  // Said before sampling: --requests is the first round here, not the total.
  o.logger.info(
    `  ${profile}: sampled until the comparison with the baseline is decided: rounds of ${plan.roundRequests} requests, up to ${plan.maxRequests} requests (${looks} looks; bench.sequential in llm-gate.yml)`,
  );
  return {
    sequential: {
      ...plan,
      decide: (run, round) => {
        const look = judge(run, looks);
        if (look.stop === null) o.logger.info(`  round ${round}: ${run.requests} requests, undecided: ${look.undecided.join(', ')}; sampling more`);
        return look.stop;
      },
    },
  };
}

/**
 * Runs every step of the configured sweep against one server while scraping its /metrics and
 * sampling nvidia-smi; both recorders are stopped before returning, whatever happened.
 */
export async function runBenchSweep(o: SweepOptions): Promise<BenchResult> {
  const c = o.config;
  // Before any request: a saturation search without a latency SLO has nothing to find.
  if (c.saturation?.enabled) assertLatencySlo(c.slo);
  const misses = o.sloMisses;
  if (c.saturation?.enabled && !misses) throw new Error('bench.saturation: the SLO judge (sloMisses) was not handed to the bench');
  const { makeBody, prompts } = promptSource(o);
  const shapes = sweepShapes(c);
  const origin = performance.now();
  const root = o.rootURL.replace(/\/$/, '');
  const scraper = c.scrapeMetrics ? startMetricsScraper({ url: `${root}${c.metricsPath}`, intervalMs: c.scrapeIntervalS * 1000, origin, logger: o.logger }) : undefined;
  const gpu = c.gpuMetrics ? startGpuSampler({ intervalMs: 1000, origin }) : undefined;
  const runs: BenchRun[] = [];
  const windows: StepWindow[] = [];
  let server: ServerMetrics | undefined;
  let gpuMetrics: GpuMetrics | undefined;
  let capacity: Capacity | undefined;
  try {
    for (const [index, shape] of shapes.entries()) {
      if (o.signal?.aborted) break;
      const profile = stepProfile(shape);
      o.onStepStart?.(profile, index, shapes.length);
      const startMs = performance.now() - origin;
      const run = await runStep({
        baseURL: `${root}/v1`,
        apiKey: o.apiKey,
        shape,
        requests: c.requests >= UNBOUNDED_REQUESTS ? undefined : c.requests,
        durationS: c.durationS,
        warmupRequests: c.warmupRequests,
        makeBody,
        // Servers that send no usage: count answers with the engine's own tokenizer where it exposes one.
        countTokens: (texts) => countTokensWithServer(texts, { rootURL: root, model: o.model, ...(o.apiKey ? { apiKey: o.apiKey } : {}) }),
        totalTimeoutMs: c.timeoutS * 1000,
        idleTimeoutMs: c.idleTimeoutS * 1000,
        slo: c.slo,
        // Each step draws its own arrival schedule, still fixed by the seed.
        seed: c.seed + index,
        signal: o.signal,
        profile,
        onProgress: (p) => o.onProgress?.(profile, p),
        ...(o.onRequestEnd ? { onSettled: o.onRequestEnd } : {}),
        ...sequentialFor(o, profile),
      });
      run.prompts = prompts;
      if (run.sequential) {
        o.logger.info(`  sequential: ${run.requests} requests in ${run.sequential.rounds} of at most ${run.sequential.plannedLooks} rounds, stopped: ${run.sequential.stoppedBecause}`);
      }
      windows.push({ profile: run.profile, startMs, endMs: performance.now() - origin });
      runs.push(run);
      o.onStepEnd?.(run);
      // A server that went away ends the sweep: the remaining steps would only measure refusals.
      if (run.stopped) break;
    }
    if (c.saturation?.enabled && misses && !o.signal?.aborted && !runs.some((r) => r.stopped)) {
      const sat = c.saturation;
      o.logger.info(`saturation: the highest request rate within the SLOs (up to ${sat.maxConcurrency} streams, ${sat.steps} bisection steps)`);
      let probeIndex = 0;
      capacity = await searchCapacity({
        slo: c.slo,
        misses,
        maxConcurrency: sat.maxConcurrency,
        steps: sat.steps,
        requests: sat.requests ?? c.requests,
        burstiness: c.burstiness,
        probe: async (shape, requests) => {
          const run = await runStep({
            baseURL: `${root}/v1`,
            apiKey: o.apiKey,
            shape,
            requests,
            warmupRequests: probeIndex === 0 ? c.warmupRequests : 0,
            makeBody,
            totalTimeoutMs: c.timeoutS * 1000,
            idleTimeoutMs: c.idleTimeoutS * 1000,
            slo: c.slo,
            seed: c.seed + 1000 + probeIndex++,
            ...(o.signal ? { signal: o.signal } : {}),
          });
          o.logger.info(`  ${run.profile}: ${run.requestsPerSec.toFixed(2)} req/s, TTFT p99 ${run.ttftMs.p99.toFixed(1)} ms, TPOT p99 ${run.tpotMs.p99.toFixed(2)} ms, ${run.errors} errors`);
          return run;
        },
      });
      o.logger.info(`  capacity: ${capacity.bound === 'at-least' ? 'at least ' : ''}${capacity.rate} req/s${capacity.bracket ? ` (between ${capacity.bracket[0]} and ${capacity.bracket[1]})` : ''}`);
    }
  } finally {
    server = await scraper?.stop(windows);
    gpuMetrics = await gpu?.stop();
  }
  return { runs, ...(server ? { server } : {}), ...(gpuMetrics ? { gpu: gpuMetrics } : {}), ...(capacity ? { capacity } : {}) };
}
