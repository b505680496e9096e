import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/cli/free-port.ts';
import { parseGateConfig } from '../../src/config/load.ts';
import { runGate } from '../../src/gate/gate.ts';
import { silentLogger } from '../../src/log.ts';
import { StallWatch } from '../../src/target/stall-watch.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TIMEOUT_S = 2;

/**
 * The simulator as a spawned server that answers the readiness probes (the first 2 inferences) and
 * then accepts every request and never answers: a wedged GPU or a deadlocked scheduler.
 */
async function wedgedGate(extra: Record<string, unknown>) {
  const port = await freePort();
  const parts = [process.execPath, path.join(ROOT, 'src/cli/main.ts'), 'simulate', '--port', String(port), '--hang', '--faults-after', '2'];
  const config = parseGateConfig(
    {
      target: { command: parts.map((p) => `'${p}'`).join(' '), port },
      readiness: { intervalS: 0.2, consecutive: 2, probeTimeoutS: TIMEOUT_S },
      compare: { baseline: 'none' },
      out: await mkdtemp(path.join(os.tmpdir(), 'llm-gate-wedged-')),
      ...extra,
    },
    'test',
  );
  const t0 = performance.now();
  const result = await runGate(config, { logger: silentLogger, env: process.env });
  const afterReadyS = (performance.now() - t0) / 1000 - (result.report.readiness?.secondsToReady ?? 0);
  return { ...result, afterReadyS };
}

describe('a server that stops answering after readiness', () => {
  it('ends the eval with a clear error within a few request timeouts, not items x retries x timeout', async () => {
    // 42 items, 1 retry, 4 at a time: waiting each one out would take 42 s here (21 min with defaults).
    const r = await wedgedGate({
      eval: { dataset: path.join(ROOT, 'datasets/starter/v1'), timeoutS: TIMEOUT_S, retries: 1, concurrency: 4 },
      bench: { concurrency: [4], requests: 64, timeoutS: TIMEOUT_S, idleTimeoutS: TIMEOUT_S },
    });
    expect(r.report.readiness?.ready).toBe(true);
    expect(r.exitCode).toBe(3);
    expect(r.report.verdict).toBe('error');
    const reason = r.report.reasons.find((x) => x.dimension === 'target');
    expect(reason?.message).toMatch(/stopped answering after readiness: \d+ eval requests in a row timed out, then a one-token inference failed too \(no answer within/);
    expect(r.report.performance).toBeNull();
    // Shutdown and spawn included; a loaded machine gets a margin of 3 more timeouts.
    expect(r.afterReadyS).toBeLessThan(8 * TIMEOUT_S);
  }, 90_000);

  it('ends the benchmark with a clear error within a few request timeouts, not every request', async () => {
    // 64 requests 4 at a time: waiting each one out would take 34 s here (8 min with defaults).
    const r = await wedgedGate({
      eval: { enabled: false },
      bench: { concurrency: [4], requests: 64, warmupRequests: 2, timeoutS: TIMEOUT_S, idleTimeoutS: TIMEOUT_S },
    });
    expect(r.exitCode).toBe(3);
    expect(r.report.reasons.find((x) => x.dimension === 'target')?.message).toMatch(/\d+ bench requests in a row timed out/);
    expect(r.report.performance?.runs[0]?.stopped?.reason).toBe('aborted');
    expect(r.afterReadyS).toBeLessThan(8 * TIMEOUT_S);
  }, 90_000);
});

describe('StallWatch', () => {
  it('keeps going when the server still answers the one-token inference: slow is not wedged', async () => {
    let probes = 0;
    const watch = new StallWatch({ after: 3, stage: () => 'bench', probe: () => Promise.resolve(probes++ >= 0 ? null : 'never') });
    for (let i = 0; i < 3; i++) watch.record(true);
    await new Promise((r) => setTimeout(r, 10));
    expect(probes).toBe(1);
    expect(watch.signal.aborted).toBe(false);
    // The count started over: two more timeouts do not ask again.
    watch.record(true);
    watch.record(true);
    await new Promise((r) => setTimeout(r, 10));
    expect(probes).toBe(1);
  });

  it('needs the timeouts in a row: any other ending starts the count over', async () => {
    let probes = 0;
    const watch = new StallWatch({ after: 3, stage: () => 'eval', probe: () => Promise.resolve(`probe ${++probes}`) });
    watch.record(true);
    watch.record(true);
    watch.record(false);
    watch.record(true);
    watch.record(true);
    await new Promise((r) => setTimeout(r, 10));
    expect(probes).toBe(0);
    watch.record(true);
    await new Promise((r) => setTimeout(r, 10));
    expect(watch.signal.aborted).toBe(true);
    expect(watch.reason).toMatch(/3 eval requests in a row timed out, then a one-token inference failed too \(probe 1\)/);
  });
});
