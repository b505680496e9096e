import { performance } from 'node:perf_hooks';
import type { BenchRun, RequestSample } from '../report/schema.ts';
import { streamChatCompletion, type StreamResult } from '../client/stream.ts';
import { arrivalSchedule } from './arrivals.ts';
import { sampleFromResult, summarizeRun, type Slo } from './metrics.ts';

/** Closed loop (a fixed number of streams in flight) or open loop (arrivals at a rate, capped). */
export type LoadShape =
  | { mode: 'concurrency'; concurrency: number }
  | { mode: 'rate'; rate: number; burstiness: number; maxConcurrency?: number };

export interface StepProgress {
  /** Warm-up requests (not counted) come first; `requests` is then the warm-up count. */
  phase: 'warmup' | 'measure';
  sent: number;
  done: number;
  failed: number;
  inFlight: number;
  elapsedS: number;
  /** The step's bounds, for an ETA: a request count, a duration, or both (whichever comes first). */
  requests: number | null;
  durationS: number | null;
  /** Sampled until decided: `requests` is the most it may send, not what it will. */
  sequential?: boolean;
}

export type StepStop = NonNullable<BenchRun['stopped']>;

export interface StepOptions {
  baseURL: string;
  apiKey?: string;
  shape: LoadShape;
  /** Measured requests to send. With durationS as well, whichever bound is reached first ends the step. */
  requests?: number;
  /** Seconds during which new measured requests are sent; in-flight ones still finish and count. */
  durationS?: number;
  /**
   * Warm-up requests, not counted (connections, caches, JIT, the engine's one-time costs of a batch size):
   * at least this many, and always as wide as the step's own load (see warmUp).
   */
  warmupRequests: number;
  /** Request body by index; measured requests are 0.., warm-up ones 1_000_000.. */
  makeBody: (index: number) => Record<string, unknown>;
  /** Extra headers by index (the accuracy bench tags requests with x-request-id). */
  makeHeaders?: (index: number) => Record<string, string>;
  totalTimeoutMs: number;
  idleTimeoutMs: number;
  slo: Slo;
  /** Seeds the arrival schedule of rate mode. */
  seed: number;
  profile?: string;
  /** Aborting stops sending (the target died); in-flight requests still end and are counted. */
  signal?: AbortSignal;
  onProgress?: (p: StepProgress) => void;
  /** Every raw result of a measured request, in completion order. */
  onResult?: (index: number, r: StreamResult) => void;
  /** Sees how every request ended, warm-up included (a wedged server shows as timeouts in a row). */
  onSettled?: (r: StreamResult) => void;
  /** Connection failures in a row that end the step: the server is gone, sending more only adds noise. */
  unreachableAfter?: number;
  /**
   * Token counts of answers by the model's tokenizer, for requests the server sent no usage for; called after
   * the measured requests (never during them). Null when the engine has no tokenizer endpoint.
   */
  countTokens?: (texts: string[]) => Promise<(number | null)[] | null>;
  /**
   * Sequential sampling: measured requests go out in rounds of roundRequests (replacing `requests`)
   * until `decide` stops them or maxRequests were sent; warm-up runs once, before the first round.
   */
  sequential?: SequentialSampling;
}

export interface SequentialSampling {
  roundRequests: number;
  maxRequests: number;
  /** Looks at the step so far after each round; a reason ends sampling, null asks for another round. */
  decide: (runSoFar: BenchRun, round: number) => 'decided' | 'regressed' | null;
}

/** How many looks sequential sampling may take: what the comparison spends its error rate over. */
export function plannedLooks(s: Pick<SequentialSampling, 'roundRequests' | 'maxRequests'>): number {
  return Math.max(1, Math.ceil(s.maxRequests / s.roundRequests));
}

export const WARMUP_INDEX_BASE = 1_000_000;

interface Phase {
  count: number | undefined;
  /** Sending also stops once this says so (checked before each request). */
  enough?: (sent: number) => boolean;
  deadline: number | undefined;
  firstIndex: number;
  start: number;
  onSend?: () => void;
  onDone: (index: number, r: StreamResult) => void;
}

/**
 * Sends requests until a bound is reached, at most `cap` in flight, in rate mode on a seeded gamma
 * schedule. Every request sent resolves exactly once (the client never throws), so the caller's
 * onDone sees each one once. Returns why sending stopped early, if it did.
 */
async function drive(o: StepOptions, phase: Phase): Promise<StepStop | undefined> {
  const { shape } = o;
  const cap = shape.mode === 'concurrency' ? shape.concurrency : (shape.maxConcurrency ?? Infinity);
  const nextOffset = shape.mode === 'rate' ? arrivalSchedule(shape.rate, shape.burstiness, o.seed) : undefined;
  const unreachableAfter = o.unreachableAfter ?? 8;
  const inflight = new Set<Promise<void>>();
  let stop: StepStop | undefined;
  let connectionFailuresInARow = 0;
  let wake: (() => void) | undefined;
  // Resolved when a request ends; cheaper than Promise.race over hundreds of in-flight promises.
  let slotFreed: (() => void) | undefined;
  const onAbort = () => {
    stop ??= { reason: 'aborted', message: 'the step was aborted (the target stopped); requests in flight were still counted' };
    wake?.();
  };
  if (o.signal?.aborted) onAbort();
  o.signal?.addEventListener('abort', onAbort, { once: true });

  const more = (i: number) =>
    stop === undefined &&
    (phase.count === undefined || i < phase.count) &&
    (phase.deadline === undefined || performance.now() < phase.deadline) &&
    !(phase.enough?.(i) ?? false);
  const sleepUntil = (at: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        wake = undefined;
        resolve();
      }, Math.max(0, at - performance.now()));
      wake = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
    });

  const send = (index: number) => {
    phase.onSend?.();
    const p = streamChatCompletion({
      baseURL: o.baseURL,
      apiKey: o.apiKey,
      body: o.makeBody(index),
      headers: o.makeHeaders?.(index),
      totalTimeoutMs: o.totalTimeoutMs,
      idleTimeoutMs: o.idleTimeoutMs,
    }).then((r) => {
      inflight.delete(p);
      if (r.error?.kind === 'connection') {
        connectionFailuresInARow++;
        if (connectionFailuresInARow >= unreachableAfter && stop === undefined) {
          stop = {
            reason: 'server-unreachable',
            message: `${connectionFailuresInARow} requests in a row could not reach ${o.baseURL} (${r.error.message}); the server is down, so the step ended early`,
          };
          wake?.();
        }
      } else {
        connectionFailuresInARow = 0;
      }
      o.onSettled?.(r);
      phase.onDone(index, r);
      slotFreed?.();
    });
    inflight.add(p);
  };

  let i = 0;
  while (more(i)) {
    if (nextOffset) {
      const at = phase.start + nextOffset();
      if (phase.deadline !== undefined && at >= phase.deadline) break;
      await sleepUntil(at);
      if (!more(i)) break;
    }
    // Under a cap an arrival waits for a free slot, as vLLM's --max-concurrency does.
    while (inflight.size >= cap) {
      await new Promise<void>((resolve) => (slotFreed = resolve));
      slotFreed = undefined;
    }
    if (!more(i)) break;
    send(phase.firstIndex + i);
    i++;
  }
  await Promise.all(inflight);
  o.signal?.removeEventListener('abort', onAbort);
  return stop;
}

/**
 * Reports progress once the event loop has run the send loop: a closed loop sends the next request in
 * the microtasks after a completion, so reporting at the completion would show one request too few in
 * flight. A burst of completions makes one report; stop() reports what is pending at once.
 */
function progressReporter(emit: () => void): { soon(): void; stop(): void } {
  let pending: NodeJS.Immediate | undefined;
  return {
    soon: () => {
      pending ??= setImmediate(() => {
        pending = undefined;
        emit();
      });
    },
    // The last state (everything done) is reported at once when the phase ends.
    stop: () => {
      if (pending === undefined) return;
      clearImmediate(pending);
      pending = undefined;
      emit();
    },
  };
}

/** The step's name in reports and tables: `concurrency=8`, `rate=4,burstiness=0.5,max=32`. */
export function stepProfile(shape: LoadShape): string {
  if (shape.mode === 'concurrency') return `concurrency=${shape.concurrency}`;
  const cap = shape.maxConcurrency === undefined ? '' : `,max=${shape.maxConcurrency}`;
  const burst = shape.burstiness === 1 ? '' : `,burstiness=${shape.burstiness}`;
  return `rate=${shape.rate}${burst}${cap}`;
}

type Warmup = NonNullable<BenchRun['warmup']>;

/**
 * Warms the server up to the step's own load before measuring: an engine pays one-time costs per batch
 * size (CUDA graph capture, KV-cache blocks) and the client per connection, and a warm-up narrower than
 * the step leaves those costs in measured requests. A concurrency step sends at least `concurrency`
 * requests, that many at once; a rate step sends on its own arrival schedule (rate, burstiness, cap)
 * until at least `warmupRequests` were sent and the first of them has finished, so the requests in flight
 * have grown to the rate's steady state. Returns what the warm-up did, for the report.
 */
async function warmUp(o: StepOptions): Promise<Warmup> {
  const { shape } = o;
  const start = performance.now();
  let inFlight = 0;
  let peak = 0;
  let sent = 0;
  let firstDone = false;
  let failed = 0;
  const count = shape.mode === 'concurrency' ? Math.max(o.warmupRequests, shape.concurrency) : undefined;
  const report = progressReporter(() =>
    o.onProgress?.({
      phase: 'warmup',
      sent,
      done: sent - inFlight,
      failed,
      inFlight,
      elapsedS: (performance.now() - start) / 1000,
      requests: count ?? o.warmupRequests,
      durationS: null,
    }),
  );
  const phase: Phase = {
    count,
    deadline: undefined,
    firstIndex: WARMUP_INDEX_BASE,
    start,
    onSend: () => {
      sent++;
      peak = Math.max(peak, ++inFlight);
    },
    onDone: (_index, r) => {
      inFlight--;
      firstDone = true;
      if (r.error) failed++;
      report.soon();
    },
  };
  if (shape.mode === 'rate') phase.enough = (i) => i >= Math.max(1, o.warmupRequests) && firstDone;
  // The warm-up's own arrivals: a seed apart from every measured step's.
  await drive({ ...o, seed: o.seed + WARMUP_INDEX_BASE }, phase);
  report.stop();
  return {
    requests: sent,
    peakInFlight: peak,
    durationS: (performance.now() - start) / 1000,
    ...(shape.mode === 'concurrency' ? { concurrency: shape.concurrency } : { rate: shape.rate }),
  };
}

/** One load step: warm-up first (not counted), then measured requests until a bound is reached. */
export async function runStep(o: StepOptions): Promise<BenchRun> {
  if (o.requests === undefined && o.durationS === undefined && o.sequential === undefined) throw new Error('a load step needs a request count or a duration bound');
  const { shape } = o;
  const warmup = o.warmupRequests > 0 ? await warmUp(o) : undefined;
  const samples: RequestSample[] = [];
  let done = 0;
  let failed = 0;
  let sent = 0;
  let usageSeen = false;
  /** Results without usage, to count with the engine's tokenizer once the measured requests are done. */
  const uncounted: { sample: number; result: StreamResult }[] = [];
  const start = performance.now();
  const deadline = o.durationS === undefined ? undefined : start + o.durationS * 1000;
  const reporter = progressReporter(() =>
    o.onProgress?.({
      phase: 'measure',
      sent,
      done,
      failed,
      inFlight: sent - done,
      elapsedS: (performance.now() - start) / 1000,
      requests: o.sequential?.maxRequests ?? o.requests ?? null,
      durationS: o.durationS ?? null,
      ...(o.sequential ? { sequential: true } : {}),
    }),
  );
  const onDone = (index: number, r: StreamResult) => {
    const s = sampleFromResult(r, start);
    if (s.ok && r.usageOutputTokens === null && o.countTokens) uncounted.push({ sample: samples.length, result: r });
    samples.push(s);
    done++;
    if (!s.ok) failed++;
    usageSeen ||= r.usageOutputTokens !== null;
    o.onResult?.(index, r);
    reporter.soon();
  };
  let tokenizerMissing = false;
  /** Recounts answers the server sent no usage for with its tokenizer, after the requests (not under load). */
  const countUncounted = async (): Promise<void> => {
    const todo = uncounted.splice(0);
    if (todo.length === 0 || tokenizerMissing || !o.countTokens) return;
    const counts = await o.countTokens(todo.map((u) => u.result.reasoning + u.result.text));
    if (counts === null) {
      tokenizerMissing = true;
      return;
    }
    todo.forEach((u, i) => {
      const n = counts[i];
      if (n !== null && n !== undefined && n > 0) samples[u.sample] = sampleFromResult(u.result, start, n);
    });
  };
  const summary = async (): Promise<BenchRun> => {
    await countUncounted();
    // Completion order to send order: the report reads as a timeline (a copy: indices above stay valid).
    const timeline = [...samples].sort((a, b) => a.startMs - b.startMs);
    const run = summarizeRun(
      {
        profile: o.profile ?? stepProfile(shape),
        mode: shape.mode,
        ...(shape.mode === 'concurrency'
          ? { concurrency: shape.concurrency }
          : { rate: shape.rate, burstiness: shape.burstiness, ...(shape.maxConcurrency === undefined ? {} : { maxConcurrency: shape.maxConcurrency }) }),
        warmupRequests: warmup?.requests ?? 0,
      },
      timeline,
      (performance.now() - start) / 1000,
      o.slo,
      usageSeen,
    );
    if (warmup) run.warmup = warmup;
    return run;
  };
  const seq = o.sequential;
  if (!seq) {
    const stop = await drive(o, { count: o.requests, deadline, firstIndex: 0, start, onSend: () => sent++, onDone });
    const run = await summary();
    if (stop) run.stopped = stop;
    reporter.stop();
    return run;
  }
  const looks = plannedLooks(seq);
  for (let round = 1; ; round++) {
    const count = Math.min(seq.roundRequests, seq.maxRequests - sent);
    // A rate-mode round draws its own arrivals (seed + round), still fixed by the seed.
    const stop = await drive(
      { ...o, seed: o.seed + round - 1 },
      { count, deadline, firstIndex: sent, start: performance.now(), onSend: () => sent++, onDone },
    );
    const run = await summary();
    const because = stop
      ? 'stopped'
      : deadline !== undefined && performance.now() >= deadline
        ? 'duration'
        : (seq.decide(run, round) ?? (sent >= seq.maxRequests ? 'max-requests' : null));
    if (because !== null) {
      if (stop) run.stopped = stop;
      run.sequential = { rounds: round, plannedLooks: looks, stoppedBecause: because };
      reporter.stop();
      return run;
    }
  }
}
