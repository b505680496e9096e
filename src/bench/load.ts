import { performance } from 'node:perf_hooks';
import type { BenchRun, RequestSample } from '../report/schema.ts';
import { streamChatCompletion } from '../client/stream.ts';
import { sampleFromResult, summarizeRun, type Slo } from './metrics.ts';

export interface ConcurrencyStepOptions {
  baseURL: string;
  apiKey?: string;
  concurrency: number;
  requests: number;
  warmupRequests: number;
  makeBody: (index: number) => Record<string, unknown>;
  totalTimeoutMs: number;
  idleTimeoutMs: number;
  slo: Slo;
  profile?: string;
  /** Aborting stops sending new requests (the target died); in-flight ones still end and are counted. */
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, failed: number) => void;
}

/** Runs `count` requests with at most `concurrency` in flight; returns raw results in send order. */
async function closedLoop(
  o: ConcurrencyStepOptions,
  count: number,
  firstIndex: number,
  stepStart: number,
  onDone: (s: RequestSample, usageSeen: boolean) => void,
): Promise<RequestSample[]> {
  const samples: RequestSample[] = new Array<RequestSample>(count);
  let next = 0;
  const worker = async () => {
    while (next < count && !o.signal?.aborted) {
      const i = next++;
      const r = await streamChatCompletion({
        baseURL: o.baseURL,
        apiKey: o.apiKey,
        body: o.makeBody(firstIndex + i),
        totalTimeoutMs: o.totalTimeoutMs,
        idleTimeoutMs: o.idleTimeoutMs,
      });
      const s = sampleFromResult(r, stepStart);
      samples[i] = s;
      onDone(s, r.usageOutputTokens !== null);
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, count) }, worker));
  // Requests never sent (aborted) leave holes; only sent requests are accounted for.
  return samples.filter((s) => s !== undefined);
}

/** A fixed-concurrency step: warm-up first (not counted), then the measured requests. */
export async function runConcurrencyStep(o: ConcurrencyStepOptions): Promise<BenchRun> {
  if (o.warmupRequests > 0) {
    await closedLoop(o, o.warmupRequests, 1_000_000, performance.now(), () => undefined);
  }
  let done = 0;
  let failed = 0;
  let usageSeen = false;
  const start = performance.now();
  const samples = await closedLoop(o, o.requests, 0, start, (s, usage) => {
    done++;
    if (!s.ok) failed++;
    usageSeen ||= usage;
    o.onProgress?.(done, o.requests, failed);
  });
  const durationS = (performance.now() - start) / 1000;
  return summarizeRun(
    { profile: o.profile ?? `concurrency=${o.concurrency}`, concurrency: o.concurrency },
    samples,
    durationS,
    o.slo,
    usageSeen,
  );
}
