import { afterEach, describe, expect, it } from 'vitest';
import { runStep, type StepOptions } from '../../src/bench/load.ts';
import { syntheticBodies } from '../../src/bench/prompts.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';

const sims: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

async function sim(): Promise<RunningSimulator> {
  const s = await startSimulator({ ttftMs: 5, prefillMsPerToken: 0, decodeMsPerToken: 1, jitter: 0, slowdownPerActive: 0 });
  sims.push(s);
  return s;
}

function step(s: RunningSimulator, over: Partial<StepOptions>): StepOptions {
  return {
    baseURL: `${s.url}/v1`,
    shape: { mode: 'concurrency', concurrency: 4 },
    warmupRequests: 3,
    makeBody: syntheticBodies({ model: 'sim-model', inputWords: 16, outputTokens: 8, seed: 1 }),
    totalTimeoutMs: 10_000,
    idleTimeoutMs: 5_000,
    slo: {},
    seed: 1,
    ...over,
  };
}

describe('runStep with sequential sampling', () => {
  it('samples round after round while undecided and stops at maxRequests, warming up once', async () => {
    const s = await sim();
    const seen: number[] = [];
    const run = await runStep(
      step(s, {
        sequential: {
          roundRequests: 8,
          maxRequests: 20,
          decide: (soFar) => {
            seen.push(soFar.requests);
            return null;
          },
        },
      }),
    );
    expect(seen).toEqual([8, 16, 20]);
    expect(run.requests).toBe(20);
    expect(run.sequential).toEqual({ rounds: 3, plannedLooks: 3, stoppedBecause: 'max-requests' });
    // One warm-up, as wide as the step's concurrency (4).
    expect(s.stats().inferenceRequests).toBe(20 + 4);
    // Measured indices continue across rounds: the samples are one timeline.
    expect(run.samples.map((x) => x.startMs)).toEqual([...run.samples.map((x) => x.startMs)].sort((a, b) => a - b));
  });

  it('stops after the round whose look is decided', async () => {
    const s = await sim();
    const run = await runStep(step(s, { sequential: { roundRequests: 8, maxRequests: 64, decide: (_run, round) => (round === 2 ? 'decided' : null) } }));
    expect(run.requests).toBe(16);
    expect(run.sequential).toEqual({ rounds: 2, plannedLooks: 8, stoppedBecause: 'decided' });
  });
});
