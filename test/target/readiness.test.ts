import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';
import { waitForReady, type ReadinessOptions } from '../../src/target/readiness.ts';
import { startProcess } from '../../src/target/process/start.ts';
import { startTarget } from '../../src/target/start.ts';
import { targetSchema } from '../../src/config/schema.ts';

const fast: ReadinessOptions = { timeoutS: 30, intervalS: 0.1, consecutive: 2, probeTimeoutS: 5, progressEveryS: 60 };

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('readiness', () => {
  it('keeps waiting while the port is open but the model is loading', async () => {
    sim = await startSimulator({ loadTimeMs: 1500, ttftMs: 1, decodeMsPerToken: 1 });
    const target = await startTarget(targetSchema.parse({ url: sim.url }), silentLogger, {}, process.env);
    const t0 = performance.now();
    const out = await waitForReady(target, fast, silentLogger);
    expect(out.readiness.ready).toBe(true);
    // Not before the load time: the port answered all along, but inference did not.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(1400);
    expect(out.readiness.secondsToReady).toBeGreaterThanOrEqual(1.4);
    expect(out.readiness.attempts).toBeGreaterThan(3);
    expect(out.model).toBe('sim-model');
  });

  it('needs the health path to answer 200 before the inference probe counts', async () => {
    sim = await startSimulator({ loadTimeMs: 300, ttftMs: 1, decodeMsPerToken: 1 });
    const target = await startTarget(targetSchema.parse({ url: `${sim.url}/v1` }), silentLogger, {}, process.env);
    const out = await waitForReady(target, { ...fast, timeoutS: 2, healthPath: '/no-such-health' }, silentLogger);
    expect(out.readiness.ready).toBe(false);
    expect(out.readiness.lastError).toMatch(/no-such-health answered 404/);
  });

  it('gives up after its timeout and says what the last probe saw', async () => {
    sim = await startSimulator({ loadTimeMs: 60_000 });
    const target = await startTarget(targetSchema.parse({ url: sim.url }), silentLogger, {}, process.env);
    const out = await waitForReady(target, { ...fast, timeoutS: 1 }, silentLogger);
    expect(out.readiness.ready).toBe(false);
    expect(out.readiness.lastError).toMatch(/not ready within 1 s; last probe: .*503/);
  });

  it('stops waiting at once when the process exits during loading, with its exit code and last lines', async () => {
    const command = 'echo loading weights; echo CUDA out of memory >&2; sleep 0.5; exit 7';
    const target = startProcess({ ...targetSchema.parse({ command, port: 1 }), command }, silentLogger);
    const t0 = performance.now();
    const out = await waitForReady(target, { ...fast, timeoutS: 600 }, silentLogger);
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(out.readiness.ready).toBe(false);
    expect(out.readiness.exit).toEqual({ code: 7, oomKilled: false });
    expect(out.readiness.logTail).toEqual(expect.arrayContaining(['loading weights', 'CUDA out of memory']));
    expect(out.readiness.lastError).toMatch(/exited with code 7 while loading/);
  });
});
