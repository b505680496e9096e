import { percentileSorted } from './percentiles.ts';

/** One request as a client measured it, on the shared epoch clock (performance.timeOrigin + now). */
export interface ClientTiming {
  sentAtEpochMs: number;
  /** Content-chunk arrivals, ms after sentAt. */
  chunkTimesMs: number[];
  ttftMs: number;
  /** The client's TPOT as it reports it, (E2E - TTFT) / (tokens - 1); null for one-token answers. */
  tpotMs: number | null;
}

/** One request as the server sent it: the epoch time each content chunk was handed to the socket. */
export interface ServerTiming {
  chunks: number[];
}

export interface RequestTimingError {
  /** Client TTFT minus the true TTFT (first server send minus the client's send time). */
  ttftErrMs: number;
  trueTtftMs: number;
  tpotErrMs: number | null;
  trueTpotMs: number | null;
  /** Arrival minus send for every content chunk. */
  chunkErrMs: number[];
}

/**
 * Client-measured minus server-sent timing of one request. `serverClockOffsetMs` is the server's
 * clock minus the client's (measured, not assumed, when they are different processes).
 */
export function requestTimingError(c: ClientTiming, s: ServerTiming, serverClockOffsetMs: number): RequestTimingError | null {
  const n = Math.min(c.chunkTimesMs.length, s.chunks.length);
  if (n === 0 || c.chunkTimesMs.length !== s.chunks.length) return null;
  const serverAt = (i: number) => s.chunks[i]! - serverClockOffsetMs;
  const trueTtftMs = serverAt(0) - c.sentAtEpochMs;
  const trueTpotMs = n > 1 ? (serverAt(n - 1) - serverAt(0)) / (n - 1) : null;
  const chunkErrMs: number[] = [];
  for (let i = 0; i < n; i++) chunkErrMs.push(c.sentAtEpochMs + c.chunkTimesMs[i]! - serverAt(i));
  return {
    ttftErrMs: c.ttftMs - trueTtftMs,
    trueTtftMs,
    tpotErrMs: c.tpotMs === null || trueTpotMs === null ? null : c.tpotMs - trueTpotMs,
    trueTpotMs,
    chunkErrMs,
  };
}

export interface ErrorSummary {
  n: number;
  /** Percentiles of the absolute error, ms. */
  p50: number;
  p99: number;
  max: number;
  /** Mean signed error: positive means the client reads late. */
  bias: number;
  /** Median of the true value, for the relative target. */
  trueP50: number;
}

function summarize(errors: number[], truths: number[]): ErrorSummary {
  const abs = errors.map(Math.abs).sort((a, b) => a - b);
  const t = [...truths].sort((a, b) => a - b);
  return {
    n: errors.length,
    p50: percentileSorted(abs, 50),
    p99: percentileSorted(abs, 99),
    max: abs.at(-1) ?? 0,
    bias: errors.length === 0 ? 0 : errors.reduce((a, b) => a + b, 0) / errors.length,
    trueP50: percentileSorted(t, 50),
  };
}

export interface TimingErrorSummary {
  ttft: ErrorSummary;
  tpot: ErrorSummary;
  chunk: ErrorSummary;
}

export function summarizeTimingErrors(errors: RequestTimingError[]): TimingErrorSummary {
  const tpot = errors.filter((e) => e.tpotErrMs !== null);
  return {
    ttft: summarize(
      errors.map((e) => e.ttftErrMs),
      errors.map((e) => e.trueTtftMs),
    ),
    tpot: summarize(
      tpot.map((e) => e.tpotErrMs!),
      tpot.map((e) => e.trueTpotMs!),
    ),
    chunk: summarize(
      errors.flatMap((e) => e.chunkErrMs),
      [],
    ),
  };
}

/** The target: p99 error under 1% of the typical true value or 0.5 ms, whichever is larger. */
export function withinTarget(e: ErrorSummary): boolean {
  return e.p99 < Math.max(0.5, 0.01 * e.trueP50);
}

/**
 * Server clock minus client clock from ping exchanges (NTP's midpoint rule), keeping the exchange
 * with the shortest round trip, whose midpoint is the tightest.
 */
export function clockOffset(pings: { sentAt: number; serverAt: number; receivedAt: number }[]): { offsetMs: number; rttMs: number } {
  let best = { offsetMs: 0, rttMs: Infinity };
  for (const p of pings) {
    const rtt = p.receivedAt - p.sentAt;
    if (rtt < best.rttMs) best = { offsetMs: p.serverAt - (p.sentAt + p.receivedAt) / 2, rttMs: rtt };
  }
  return best;
}
