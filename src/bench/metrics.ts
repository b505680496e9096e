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

export type ItlSource = NonNullable<RequestSample['itlFrom']>;

/**
 * Splits `total` tokens over chunks: every chunk carried at least one token, and the tokens beyond one a
 * chunk go in proportion to the characters each chunk carried (largest remainder, so the counts are whole
 * and sum to `total`). Characters stand in for tokens within one answer: a burst of four tokens carries
 * about four tokens' worth of text, and one token a chunk stays one token a chunk. With fewer tokens than
 * chunks, all go by characters. Pure; `chars` must be non-empty.
 */
export function spreadTokens(chars: number[], total: number): number[] {
  const base = total >= chars.length ? 1 : 0;
  const extra = total - base * chars.length;
  const sum = chars.reduce((a, b) => a + b, 0);
  const exact = chars.map((c) => (sum === 0 ? extra / chars.length : (extra * c) / sum));
  const counts = exact.map(Math.floor);
  let left = extra - counts.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((e, i) => [e - counts[i]!, i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of byRemainder) {
    if (left <= 0) break;
    counts[i]!++;
    left--;
  }
  return counts.map((c) => c + base);
}

/**
 * Inter-token latencies: each gap between chunks spread evenly over the tokens the later chunk carried
 * (a 4-token chunk 80 ms after the last gives four 20 ms values), as the server produced them. A chunk
 * that carried no token passes its gap on to the next. `tokens[i]` is chunk i's token count. Pure.
 */
export function perTokenItl(timesMs: number[], tokens: number[]): number[] {
  const itl: number[] = [];
  let carried = 0;
  for (let i = 1; i < timesMs.length; i++) {
    const gap = timesMs[i]! - timesMs[i - 1]! + carried;
    const n = tokens[i] ?? 1;
    if (n <= 0) {
      carried = gap;
      continue;
    }
    carried = 0;
    const each = gap / n;
    for (let k = 0; k < n; k++) itl.push(each);
  }
  return itl;
}

/** Tokens per chunk, and where they came from: the engine's per-chunk counts, usage, a tokenizer, or one per chunk. */
function chunkTokens(r: StreamResult, tokenized: number | null): { tokens: number[]; from: ItlSource } {
  if (r.chunkTokens && r.chunkTokens.length === r.chunkTimesMs.length) return { tokens: r.chunkTokens, from: 'engine-counts' };
  const total = r.usageOutputTokens ?? tokenized;
  if (total !== null && r.chunkChars.length === r.chunkTimesMs.length && r.chunkChars.length > 0) {
    return { tokens: spreadTokens(r.chunkChars, total), from: r.usageOutputTokens !== null ? 'usage' : 'tokenizer' };
  }
  return { tokens: r.chunkTimesMs.map(() => 1), from: 'chunks' };
}

/**
 * Turns one raw stream result into a report sample, with DESIGN.md's metric definitions. `tokenized` is
 * the output's length by the model's own tokenizer (the engine's /tokenize), for servers that send no usage.
 */
export function sampleFromResult(r: StreamResult, stepStart: number, tokenized: number | null = null): RequestSample {
  const outputTokens = r.usageOutputTokens ?? tokenized ?? r.contentChunks;
  const { tokens, from } = chunkTokens(r, tokenized);
  // TPOT = (E2E - TTFT) / (output tokens - 1): undefined for one-token answers.
  const tpot = r.ttftMs !== null && outputTokens > 1 ? (r.e2eMs - r.ttftMs) / (outputTokens - 1) : null;
  const sample: RequestSample = {
    ok: r.ok,
    startMs: r.sentAt - stepStart,
    ttftMs: r.ttftMs,
    e2eMs: r.e2eMs,
    tpotMs: r.ok ? tpot : null,
    itlMs: r.ok ? perTokenItl(r.chunkTimesMs, tokens) : [],
    inputTokens: r.usageInputTokens,
    outputTokens: r.ok ? outputTokens : 0,
  };
  if (r.ok) sample.itlFrom = from;
  // Only where reasoning came first: otherwise it equals TTFT and would double the report's samples.
  if (r.ok && r.answerTtftMs !== r.ttftMs) sample.answerTtftMs = r.answerTtftMs;
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
  const itlFrom = new Set(ok.map((s) => s.itlFrom ?? 'chunks'));
  const reasoned = ok.filter((s) => s.answerTtftMs !== undefined);
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
    tokenSource: usageSeen ? 'usage' : ok.some((s) => s.itlFrom === 'tokenizer') ? 'tokenizer' : 'counted',
    itlFrom: itlFrom.size === 1 ? [...itlFrom][0]! : itlFrom.size === 0 ? 'chunks' : 'mixed',
    samples,
    lengths: {
      inputTokens: range(ok.flatMap((s) => (s.inputTokens === null ? [] : [s.inputTokens]))),
      outputTokens: range(ok.map((s) => s.outputTokens)),
    },
  };
  // Time to the first answer token where reasoning came first; the others' answer began with their first token.
  if (reasoned.length > 0) run.answerTtftMs = latencyStats(ok.flatMap((s) => (s.answerTtftMs === undefined ? [s.ttftMs ?? 0] : s.answerTtftMs === null ? [] : [s.answerTtftMs])));
  const perRequestBounds = [slo.ttftP50Ms, slo.ttftP99Ms, slo.tpotP50Ms, slo.tpotP99Ms, slo.e2eP99Ms].some((v) => v !== undefined);
  if (perRequestBounds && samples.length > 0) {
    const good = samples.filter((s) => meetsSlo(s, slo)).length;
    const bounds: Record<string, number> = {};
    for (const [k, v] of Object.entries(slo)) if (typeof v === 'number' && k !== 'maxErrorRate') bounds[k] = v;
    run.goodput = { ratio: good / samples.length, requestsPerSec: durationS > 0 ? good / durationS : 0, slo: bounds };
  }
  return run;
}
