import type { BenchRun, Capacity, CapacityProbe } from '../report/schema.ts';
import type { LoadShape } from './load.ts';
import type { Slo } from './metrics.ts';

/**
 * Saturation: the highest request rate at which the SLOs still hold, the server's capacity.
 * GuideLLM's sweep finds the synchronous rate (one request at a time) and the maximum throughput
 * (as many streams as the cap allows), then probes constant rates between them
 * (guidellm/benchmark/profile.py, SweepProfile); here the rates between are bisected on a
 * geometric scale instead of spaced evenly, so k probes bracket the capacity within a factor
 * (max/sync)^(1/2^k): 5 probes over a 20× range give ±5%.
 */

export interface CapacitySearch {
  /** Runs one probe (a closed-loop or open-loop step of `requests` requests) against the server. */
  probe: (shape: LoadShape, requests: number) => Promise<BenchRun>;
  slo: Slo;
  /** Which SLOs a probe missed, as messages: the verdict's rule, handed in by the caller (empty: it met them). */
  misses: (run: BenchRun) => string[];
  /** Streams of the maximum-throughput probe, and the cap on in-flight requests of rate probes. */
  maxConcurrency: number;
  /** Bisection steps between the synchronous and maximum rates. */
  steps: number;
  requests: number;
  burstiness: number;
}

function summarize(run: BenchRun, misses: string[]): CapacityProbe {
  return {
    profile: run.profile,
    ...(run.concurrency === undefined ? {} : { concurrency: run.concurrency }),
    ...(run.rate === undefined ? {} : { rate: run.rate }),
    requests: run.requests,
    ok: run.ok,
    errors: run.errors,
    requestsPerSec: run.requestsPerSec,
    ttftP99Ms: run.ttftMs.p99,
    tpotP99Ms: run.tpotMs.p99,
    meets: misses.length === 0,
    misses,
  };
}

/**
 * A capacity needs a latency bound to mean anything: without one, any rate "holds" until requests
 * fail. Throws with what to set.
 */
export function assertLatencySlo(slo: Slo): void {
  if (slo.ttftP50Ms === undefined && slo.ttftP99Ms === undefined && slo.tpotP50Ms === undefined && slo.tpotP99Ms === undefined && slo.e2eP99Ms === undefined) {
    throw new Error('bench.saturation needs a latency SLO to define capacity: set bench.slo.ttftP99Ms (or ttftP50Ms, tpotP50Ms, tpotP99Ms, e2eP99Ms)');
  }
}

/**
 * Finds the highest open-loop request rate (req/s) whose probe meets every SLO. Probes, in order:
 * one stream (synchronous rate), maxConcurrency streams (maximum throughput), the maximum rate
 * offered open-loop, then `steps` bisections between the last rate that met and the first that
 * missed. Throws when no latency SLO is set (assertLatencySlo).
 */
export async function searchCapacity(s: CapacitySearch): Promise<Capacity> {
  assertLatencySlo(s.slo);
  const probes: CapacityProbe[] = [];
  const run = async (shape: LoadShape): Promise<CapacityProbe> => {
    const probed = await s.probe(shape, s.requests);
    const p = summarize(probed, s.misses(probed));
    probes.push(p);
    return p;
  };
  const slo = Object.fromEntries(Object.entries(s.slo).filter(([, v]) => v !== undefined)) as Record<string, number>;
  const rateShape = (rate: number): LoadShape => ({ mode: 'rate', rate: round(rate), burstiness: s.burstiness, maxConcurrency: s.maxConcurrency });
  const sync = await run({ mode: 'concurrency', concurrency: 1 });
  const max = await run({ mode: 'concurrency', concurrency: s.maxConcurrency });
  const result = (rate: number, bound: Capacity['bound'], bracket: [number, number] | null): Capacity => ({
    unit: 'req/s',
    rate: round(rate),
    bound,
    bracket: bracket ? [round(bracket[0]), round(bracket[1])] : null,
    syncRate: round(sync.requestsPerSec),
    maxRate: round(max.requestsPerSec),
    slo,
    probes,
  });
  if (!sync.meets) return result(0, 'none', null);
  let lo = sync.requestsPerSec;
  let hi = Math.max(max.requestsPerSec, lo);
  if ((await run(rateShape(hi))).meets) return result(hi, 'at-least', null);
  for (let i = 0; i < s.steps && hi / lo > 1.01; i++) {
    const mid = Math.sqrt(lo * hi);
    if ((await run(rateShape(mid))).meets) lo = mid;
    else hi = mid;
  }
  return result(lo, 'bracketed', [lo, hi]);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
