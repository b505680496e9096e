import type { BenchRun, RequestSample } from '../../src/report/schema.ts';
import { createRng } from '../../src/compare/stats/prng.ts';
import { quantile } from '../../src/compare/stats/quantile.ts';

/** A closed-loop load step against a server that stalls at random moments, computed, not timed. */
export interface StalledServerSpec {
  seed: number;
  requests: number;
  concurrency?: number;
  /** Time to first token before any stall (ms). */
  ttftMs?: number;
  /** Time per output token after the first (ms). */
  decodeMs?: number;
  outputTokens?: number;
  /** Relative jitter of every delay, uniform in [1 - jitter, 1 + jitter]. */
  jitter?: number;
  /** Mean gap between stall starts (a Poisson process over the whole run); 0: no stalls. */
  stallEveryMs?: number;
  stallMs?: number;
}

/**
 * The simulator's stall model (src/sim/server.ts) as a discrete-event computation: `concurrency`
 * streams run back to back; the server pauses every stream at seeded Poisson moments, and a token
 * due during a pause is sent when the pause ends. Deterministic, so tests do not depend on the
 * clock or the machine's load.
 */
export function stalledServerRun(spec: StalledServerSpec): BenchRun {
  const concurrency = spec.concurrency ?? 4;
  const ttftMs = spec.ttftMs ?? 20;
  const decodeMs = spec.decodeMs ?? 2;
  const tokens = spec.outputTokens ?? 64;
  const jitter = spec.jitter ?? 0.05;
  const every = spec.stallEveryMs ?? 400;
  const stallMs = spec.stallMs ?? 100;
  const rng = createRng(spec.seed);
  const stallRng = createRng(spec.seed ^ 0x5a17);
  // Pauses as merged [start, end) intervals, drawn lazily in time order (overlapping pauses join).
  const pauses: [number, number][] = [];
  let nextStall = every > 0 ? -Math.log(1 - stallRng()) * every : Number.POSITIVE_INFINITY;
  /** When a token due at `t` is sent: at `t`, or at the end of the pause under way at `t`. */
  const sendAt = (t: number): number => {
    while (nextStall <= t) {
      const last = pauses[pauses.length - 1];
      if (last && nextStall < last[1]) last[1] = Math.max(last[1], nextStall + stallMs);
      else pauses.push([nextStall, nextStall + stallMs]);
      nextStall += -Math.log(1 - stallRng()) * every;
    }
    let lo = 0;
    let hi = pauses.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (pauses[mid]![0] <= t) lo = mid;
      else hi = mid - 1;
    }
    const p = pauses[lo];
    return p && p[0] <= t && t < p[1] ? p[1] : t;
  };
  const wobble = () => 1 + jitter * (2 * rng() - 1);
  const free = Array.from({ length: concurrency }, () => 0);
  const samples: RequestSample[] = [];
  for (let i = 0; i < spec.requests; i++) {
    const slot = free.indexOf(Math.min(...free));
    const start = free[slot]!;
    let t = sendAt(start + ttftMs * wobble());
    const first = t;
    const itl: number[] = [];
    for (let k = 1; k < tokens; k++) {
      const next = sendAt(t + decodeMs * wobble());
      itl.push(next - t);
      t = next;
    }
    free[slot] = t;
    samples.push({
      ok: true,
      startMs: start,
      ttftMs: first - start,
      e2eMs: t - start,
      tpotMs: (t - first) / (tokens - 1),
      itlMs: itl,
      inputTokens: 128,
      outputTokens: tokens,
    });
  }
  samples.sort((a, b) => a.startMs - b.startMs);
  const durationS = Math.max(...free) / 1000;
  const stats = (v: number[]): BenchRun['ttftMs'] => ({
    mean: v.reduce((s, x) => s + x, 0) / v.length,
    p50: quantile(v, 0.5),
    p90: quantile(v, 0.9),
    p95: quantile(v, 0.95),
    p99: quantile(v, 0.99),
    max: Math.max(...v),
  });
  return {
    profile: `c${concurrency}`,
    concurrency,
    requests: samples.length,
    ok: samples.length,
    errors: 0,
    errorsByKind: {},
    durationS,
    ttftMs: stats(samples.map((s) => s.ttftMs!)),
    tpotMs: stats(samples.map((s) => s.tpotMs!)),
    itlMs: stats(samples.flatMap((s) => s.itlMs)),
    e2eMs: stats(samples.map((s) => s.e2eMs)),
    outputTokensPerSec: (samples.length * tokens) / durationS,
    requestsPerSec: samples.length / durationS,
    tokenSource: 'usage',
    samples,
  };
}
