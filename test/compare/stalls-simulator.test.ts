import { afterEach, describe, expect, it } from 'vitest';
import { runStep } from '../../src/bench/load.ts';
import { syntheticBodies } from '../../src/bench/prompts.ts';
import { compareReports } from '../../src/compare/compare.ts';
import type { BenchRun } from '../../src/report/schema.ts';
import { startSimulator, type RunningSimulator, type SimulatorOptionsInput } from '../../src/sim/server.ts';
import { defaultCompareConfig, makeReport } from './fixtures.ts';

const servers: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

// Whole-server stalls of 100 ms at seeded random moments, every 500 ms on average, against requests of
// 20 ms + 63 tokens × 4 ms: about half the requests take a stall, in baseline and candidate alike.
const STALLING: SimulatorOptionsInput = {
  ttftMs: 20,
  decodeMsPerToken: 4,
  jitter: 0.05,
  slowdownPerActive: 0.02,
  faults: { stallEveryMs: 500, stallMs: 100 },
};

/** One gate's bench step (64 requests at concurrency 4, the defaults) against a fresh simulator. */
async function benchStep(sim: SimulatorOptionsInput, seed: number): Promise<BenchRun> {
  const server = await startSimulator({ ...sim, seed });
  servers.push(server);
  return runStep({
    baseURL: `${server.url}/v1`,
    shape: { mode: 'concurrency', concurrency: 4 },
    requests: 64,
    warmupRequests: 4,
    makeBody: syntheticBodies({ model: 'sim-model', inputWords: 64, outputTokens: 64, seed }),
    totalTimeoutMs: 60_000,
    idleTimeoutMs: 20_000,
    slo: {},
    seed,
    profile: 'c4',
  });
}

const regressed = (baseline: BenchRun, candidate: BenchRun): string[] =>
  Object.entries(compareReports(makeReport({ runs: [baseline] }), makeReport({ runs: [candidate] }), defaultCompareConfig).dimensions)
    .filter(([, d]) => d.regressed)
    .map(([name]) => name);

describe('the gate against a simulator that stalls at random moments', () => {
  it('fails a candidate that decodes 30% slower on tpot.p50, and passes the same server measured twice', async () => {
    // The three steps run side by side, so whatever else loads this machine slows them alike.
    const [baseline, same, slower] = await Promise.all([
      benchStep(STALLING, 11),
      benchStep(STALLING, 12),
      benchStep({ ...STALLING, decodeMsPerToken: 4 * 1.3 }, 13),
    ]);
    const paused = (run: BenchRun) => run.samples.filter((s) => s.itlMs.some((g) => g > 50)).length;
    // The noise is there: stalls hit a good share of the requests on every side.
    for (const run of [baseline, same, slower]) expect(paused(run)).toBeGreaterThan(8);
    expect(regressed(baseline, slower)).toContain('perf.c4.tpot.p50');
    expect(regressed(baseline, same)).toEqual([]);
  });
});
