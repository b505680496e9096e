import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/cli/free-port.ts';
import { parseGateConfig } from '../../src/config/load.ts';
import { runGate } from '../../src/gate.ts';
import { silentLogger } from '../../src/log.ts';
import { reportSchema } from '../../src/report/schema.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** One gate run against the simulator as a spawned server process, eval off: the bench is what is tested. */
async function gate(simFlags: string[], extra: Record<string, unknown>) {
  const out = await mkdtemp(path.join(os.tmpdir(), 'llm-gate-seq-'));
  const port = await freePort();
  const parts = [process.execPath, path.join(ROOT, 'src/cli/main.ts'), 'simulate', '--port', String(port), '--ttft-ms', '20', '--tpot-ms', '2', ...simFlags];
  const config = parseGateConfig(
    {
      target: { command: parts.map((p) => `'${p}'`).join(' '), port },
      readiness: { intervalS: 0.2 },
      eval: { enabled: false },
      compare: { baseline: 'none' },
      out,
      ...extra,
    },
    'test',
  );
  const result = await runGate(config, { logger: silentLogger });
  const report = reportSchema.parse(JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')));
  return { result, report, reportPath: path.join(out, 'report.json') };
}

describe('runGate with sequential sampling against a baseline', () => {
  it('samples one round without a baseline, and stops early when the same server is clearly unchanged', async () => {
    const bench = { concurrency: [4], requests: 24, warmupRequests: 2, sequential: { maxRequests: 96 } };
    const flags = ['--jitter', '0', '--slowdown', '0'];
    const first = await gate(flags, { bench });
    expect(first.result.exitCode).toBe(0);
    expect(first.report.performance?.runs[0]?.requests).toBe(24);
    expect(first.report.performance?.runs[0]?.sequential).toBeUndefined();

    const second = await gate(flags, { bench, compare: { baseline: first.reportPath } });
    const run = second.report.performance!.runs[0]!;
    expect(second.result.exitCode).toBe(0);
    expect(run.sequential?.stoppedBecause).toBe('decided');
    expect(run.requests).toBeLessThan(96);
    expect(run.sequential?.plannedLooks).toBe(4);
    expect(second.report.comparison?.dimensions['perf.concurrency=4.tpot.p50']?.confidence).toBeGreaterThan(1 - 0.05 / 4);
  });

  it('keeps sampling up to maxRequests while noisy latencies leave the comparison undecided', async () => {
    const bench = { concurrency: [4], requests: 24, warmupRequests: 2, sequential: { maxRequests: 48 } };
    const flags = ['--jitter', '0.9'];
    const first = await gate(flags, { bench });
    const second = await gate(flags, { bench, compare: { baseline: first.reportPath } });
    const run = second.report.performance!.runs[0]!;
    expect(run.sequential).toEqual({ rounds: 2, plannedLooks: 2, stoppedBecause: 'max-requests' });
    expect(run.requests).toBe(48);
    expect(run.samples).toHaveLength(48);
  });
});
