import { afterEach, describe, expect, it } from 'vitest';
import type { LoadShape } from '../../src/bench/load.ts';
import { searchCapacity } from '../../src/bench/saturation.ts';
import { runBenchSweep } from '../../src/bench/sweep.ts';
import { compareReports } from '../../src/compare/compare.ts';
import { sloMisses, type Slo } from '../../src/compare/verdict.ts';
import { benchConfigSchema } from '../../src/config/schema.ts';
import { silentLogger } from '../../src/log.ts';
import { capacityMarkdown } from '../../src/report/capacity-summary.ts';
import type { BenchRun, Report } from '../../src/report/schema.ts';
import { startSimulator, type RunningSimulator, type SimulatorOptionsInput } from '../../src/sim/server.ts';
import { benchRun, defaultCompareConfig, makeReport } from '../compare/fixtures.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

/**
 * A server as queueing theory has it (M/M/c-like): TTFT stays near its base below capacity and grows
 * without bound as the offered rate nears it; closed-loop probes run at the rate their streams allow.
 */
function queueingServer(capacity: number, baseTtft: number) {
  const shapes: LoadShape[] = [];
  return {
    shapes,
    probe: async (shape: LoadShape, requests: number) => {
      shapes.push(shape);
      const rate = shape.mode === 'rate' ? shape.rate : Math.min(capacity, shape.concurrency * (1000 / (baseTtft + 100)));
      const load = Math.min(rate / capacity, 0.999);
      const ttft = baseTtft / (1 - load);
      const run = benchRun(shape.mode === 'rate' ? `rate=${shape.rate}` : `concurrency=${shape.concurrency}`, {
        ttft: Array.from({ length: requests }, () => ttft),
        tpot: Array.from({ length: requests }, () => 5),
      });
      return { ...run, requestsPerSec: rate, ...(shape.mode === 'rate' ? { rate: shape.rate } : {}) };
    },
  };
}

/** The SLOs and the verdict's rule for what a probe missed, as the gate hands them to the search. */
function judgedBy(slo: Slo): { slo: Slo; misses: (run: BenchRun) => string[] } {
  return { slo, misses: (run) => sloMisses(run, slo) };
}

describe('searchCapacity', () => {
  it('brackets the highest rate within the SLO between the synchronous and the maximum rate', async () => {
    // TTFT p99 ≤ 100 ms with a 20 ms base holds up to 80% of the 100 req/s capacity: 80 req/s.
    const server = queueingServer(100, 20);
    const c = await searchCapacity({ probe: server.probe, ...judgedBy({ ttftP99Ms: 100 }), maxConcurrency: 64, steps: 6, requests: 20, burstiness: 1 });
    expect(c.bound).toBe('bracketed');
    expect(c.rate).toBeLessThanOrEqual(80);
    expect(c.rate).toBeGreaterThan(72);
    expect(c.bracket![1]).toBeGreaterThan(80);
    // Synchronous, maximum throughput, the maximum rate open-loop, then the bisection steps.
    expect(server.shapes.slice(0, 2)).toEqual([
      { mode: 'concurrency', concurrency: 1 },
      { mode: 'concurrency', concurrency: 64 },
    ]);
    expect(c.probes).toHaveLength(3 + 6);
  });

  it('says "at least" when the maximum throughput meets the SLOs, and 0 when one request at a time misses them', async () => {
    const easy = await searchCapacity({ probe: queueingServer(100, 20).probe, ...judgedBy({ ttftP99Ms: 10_000 }), maxConcurrency: 8, steps: 3, requests: 10, burstiness: 1 });
    expect(easy.bound).toBe('at-least');
    const hard = await searchCapacity({ probe: queueingServer(100, 20).probe, ...judgedBy({ ttftP99Ms: 5 }), maxConcurrency: 8, steps: 3, requests: 10, burstiness: 1 });
    expect(hard).toMatchObject({ bound: 'none', rate: 0 });
  });

  it('refuses to search without a latency SLO, since any rate would "hold"', async () => {
    await expect(searchCapacity({ probe: queueingServer(100, 20).probe, ...judgedBy({ maxErrorRate: 0.01 }), maxConcurrency: 8, steps: 3, requests: 10, burstiness: 1 })).rejects.toThrow(
      /needs a latency SLO/,
    );
  });
});

describe('saturation against the simulator', () => {
  async function sim(options: SimulatorOptionsInput): Promise<RunningSimulator> {
    const s = await startSimulator({ ttftMs: 30, decodeMsPerToken: 5, jitter: 0.05, ...options });
    cleanups.push(() => s.close());
    return s;
  }
  const config = benchConfigSchema.parse({
    concurrency: [1],
    requests: 8,
    warmupRequests: 2,
    inputTokens: 16,
    outputTokens: 8,
    scrapeMetrics: false,
    gpuMetrics: false,
    slo: { ttftP99Ms: 150, maxErrorRate: 0.01 },
    saturation: { maxConcurrency: 8, steps: 2, requests: 24 },
  });
  async function capacityReport(maxRunning: number): Promise<Report> {
    const s = await sim({ maxRunning });
    const result = await runBenchSweep({ rootURL: s.url, model: 'sim-model', config, logger: silentLogger, sloMisses: (run) => sloMisses(run, config.slo) });
    return { ...makeReport({}), extras: { capacity: result.capacity } };
  }

  it('finds less capacity on a server with fewer batch slots, and the comparison flags it', async () => {
    // ~65 ms a request: one slot serves ~15 req/s, four ~60 (less on a loaded machine).
    const four = await capacityReport(4);
    const one = await capacityReport(1);
    const c4 = four.extras!.capacity!.rate;
    const c1 = one.extras!.capacity!.rate;
    expect(c1).toBeGreaterThan(0);
    expect(c1).toBeLessThan(0.6 * c4);
    const dim = compareReports(four, one, defaultCompareConfig).dimensions['capacity.rate']!;
    expect(dim.regressed).toBe(true);
    expect(dim.direction).toBe('higher-is-better');
    expect(compareReports(four, four, defaultCompareConfig).dimensions['capacity.rate']!.regressed).toBe(false);
    expect(capacityMarkdown(four.extras!.capacity!)).toMatch(/### Saturation[\s\S]*concurrency=8/);
  }, 60_000);
});
