import type { BenchRun, RequestSample } from '../report/schema.ts';
import type { StreamResult } from '../client/stream.ts';
import { latencyStats } from './percentiles.ts';

export interface Slo {
  ttftP50Ms?: number;
  ttftP99Ms?: number;
  tpotP50Ms?: number;
  tpotP99Ms?: number;
  e2eP99Ms?: number;
  maxErrorRate?: number;
}

/** Turns one raw stream result into a report sample, with DESIGN.md's metric definitions. */
export function sampleFromResult(r: StreamResult, stepStart: number): RequestSample {
  const outputTokens = r.usageOutputTokens ?? r.contentChunks;
  const itl: number[] = [];
  for (let i = 1; i < r.chunkTimesMs.length; i++) itl.push(r.chunkTimesMs[i]! - r.chunkTimesMs[i - 1]!);
  // TPOT = (E2E - TTFT) / (output tokens - 1): undefined for one-token answers.
  const tpot = r.ttftMs !== null && outputTokens > 1 ? (r.e2eMs - r.ttftMs) / (outputTokens - 1) : null;
  const sample: RequestSample = {
    ok: r.ok,
    startMs: r.sentAt - stepStart,
    ttftMs: r.ttftMs,
    e2eMs: r.e2eMs,
    tpotMs: r.ok ? tpot : null,
    itlMs: r.ok ? itl : [],
    inputTokens: r.usageInputTokens,
    outputTokens: r.ok ? outputTokens : 0,
  };
  if (r.error) sample.error = r.error;
  return sample;
}

/** Per-request SLO check for goodput: a request counts when it succeeded within every per-request bound. */
function meetsSlo(s: RequestSample, slo: Slo): boolean {
  if (!s.ok) return false;
  const ttftBound = slo.ttftP99Ms ?? slo.ttftP50Ms;
  const tpotBound = slo.tpotP99Ms ?? slo.tpotP50Ms;
  if (ttftBound !== undefined && (s.ttftMs ?? Infinity) > ttftBound) return false;
  if (tpotBound !== undefined && s.tpotMs !== null && s.tpotMs > tpotBound) return false;
  if (slo.e2eP99Ms !== undefined && s.e2eMs > slo.e2eP99Ms) return false;
  return true;
}

/** How a step was driven; copied onto its BenchRun. */
export type StepShape = Pick<BenchRun, 'profile' | 'mode' | 'concurrency' | 'rate' | 'burstiness' | 'maxConcurrency' | 'warmupRequests'>;

function range(values: number[]): { mean: number; min: number; max: number } | null {
  if (values.length === 0) return null;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { mean: sum / values.length, min, max };
}

/** Aggregates raw samples of one load step (pure; vLLM's calculate_metrics in spirit). */
export function summarizeRun(shape: StepShape, samples: RequestSample[], durationS: number, slo: Slo, usageSeen: boolean): BenchRun {
  const ok = samples.filter((s) => s.ok);
  const errorsByKind: Record<string, number> = {};
  for (const s of samples) if (s.error) errorsByKind[s.error.kind] = (errorsByKind[s.error.kind] ?? 0) + 1;
  const outputTokens = ok.reduce((n, s) => n + s.outputTokens, 0);
  const run: BenchRun = {
    ...shape,
    requests: samples.length,
    ok: ok.length,
    errors: samples.length - ok.length,
    errorsByKind,
    durationS,
    ttftMs: latencyStats(ok.map((s) => s.ttftMs ?? 0)),
    tpotMs: latencyStats(ok.flatMap((s) => (s.tpotMs === null ? [] : [s.tpotMs]))),
    itlMs: latencyStats(ok.flatMap((s) => s.itlMs)),
    e2eMs: latencyStats(ok.map((s) => s.e2eMs)),
    outputTokensPerSec: durationS > 0 ? outputTokens / durationS : 0,
    requestsPerSec: durationS > 0 ? ok.length / durationS : 0,
    tokenSource: usageSeen ? 'usage' : 'counted',
    samples,
    lengths: {
      inputTokens: range(ok.flatMap((s) => (s.inputTokens === null ? [] : [s.inputTokens]))),
      outputTokens: range(ok.map((s) => s.outputTokens)),
    },
  };
  const perRequestBounds = [slo.ttftP50Ms, slo.ttftP99Ms, slo.tpotP50Ms, slo.tpotP99Ms, slo.e2eP99Ms].some((v) => v !== undefined);
  if (perRequestBounds && samples.length > 0) {
    const good = samples.filter((s) => meetsSlo(s, slo)).length;
    const bounds: Record<string, number> = {};
    for (const [k, v] of Object.entries(slo)) if (typeof v === 'number' && k !== 'maxErrorRate') bounds[k] = v;
    run.goodput = { ratio: good / samples.length, requestsPerSec: durationS > 0 ? good / durationS : 0, slo: bounds };
  }
  return run;
}
