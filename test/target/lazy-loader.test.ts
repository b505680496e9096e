import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseGateConfig } from '../../src/config/load.ts';
import { engineReadinessOptions } from '../../src/target/engine-readiness.ts';
import { runGate } from '../../src/gate/gate.ts';
import { silentLogger } from '../../src/log.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';
import { waitForReady } from '../../src/target/readiness.ts';
import { startTarget } from '../../src/target/start.ts';

/** Ollama's 35 s load against a 30 s probe timeout, shrunk: a 2.5 s load, a 1 s probe timeout. */
const LOAD_MS = 2500;
const PROBE_TIMEOUT_S = 1;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function ollama(): Promise<RunningSimulator> {
  const s = await startSimulator({ engine: 'ollama', loadTimeMs: LOAD_MS, ttftMs: 1, decodeMsPerToken: 1, jitter: 0 });
  cleanups.push(() => s.close());
  return s;
}

const config = (url: string, extra: Record<string, unknown> = {}) =>
  parseGateConfig({ target: { url }, readiness: { intervalS: 0.1, probeTimeoutS: PROBE_TIMEOUT_S, timeoutS: 8 }, ...extra }, 'test');

describe('a lazy loader (Ollama) with a probe timeout shorter than its load', () => {
  it('never becomes ready when every probe hangs up on the load it started (the simulator abandons it, as Ollama does)', async () => {
    const s = await ollama();
    const c = config(s.url, { readiness: { intervalS: 0.1, probeTimeoutS: PROBE_TIMEOUT_S, timeoutS: 5 } });
    const out = await waitForReady(await startTarget(c.target, silentLogger, {}, process.env), { ...c.readiness }, silentLogger);
    expect(out.readiness.ready).toBe(false);
    expect(out.readiness.lastError).toMatch(/no answer within/);
  });

  it('is recognised before readiness from what answers at once, and its first inference is waited for', async () => {
    const s = await ollama();
    const c = config(s.url);
    const target = await startTarget(c.target, silentLogger, {}, process.env);
    const t0 = performance.now();
    const out = await waitForReady(target, { ...c.readiness, ...engineReadinessOptions(c, target.rootURL) }, silentLogger);
    expect(out.readiness.ready, out.readiness.lastError).toBe(true);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(LOAD_MS - 100);
    expect(out.engine).toMatchObject({ engine: 'ollama', loadLimitS: 300 });
    expect(out.engine!.evidence.join(' ')).toMatch(/api\/version/);
    // The user's probe timeout stands for everything but an inference that may be loading the model.
    expect(out.engine!.probeTimeoutS).toBe(PROBE_TIMEOUT_S);
  });

  it('passes the gate without engine: set', async () => {
    const s = await ollama();
    const out = await mkdtemp(path.join(os.tmpdir(), 'llm-gate-lazy-'));
    cleanups.push(() => rm(out, { recursive: true, force: true }));
    const result = await runGate(
      config(s.url, { eval: { enabled: false }, bench: { concurrency: [1], requests: 2, warmupRequests: 1 }, compare: { baseline: 'none' }, out }),
      { logger: silentLogger, env: process.env },
    );
    expect(result.report.readiness?.ready, result.report.readiness?.lastError).toBe(true);
    expect(result.report.subject.engine).toBe('ollama');
    expect(result.exitCode).toBe(0);
  });
});
