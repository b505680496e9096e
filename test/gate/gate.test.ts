import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/cli/free-port.ts';
import { parseGateConfig } from '../../src/config/load.ts';
import { runGate } from '../../src/gate/gate.ts';
import { silentLogger } from '../../src/log.ts';
import { reportSchema } from '../../src/report/schema.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The simulator as a server process, started by the gate the way it would start an engine. */
async function simulatorCommand(flags: string[]): Promise<{ command: string; port: number }> {
  const port = await freePort();
  const parts = [process.execPath, path.join(ROOT, 'src/cli/main.ts'), 'simulate', '--port', String(port), '--dataset', 'datasets/starter/v1', ...flags];
  return { command: parts.map((p) => `'${p}'`).join(' '), port };
}

async function gate(flags: string[], extra: Record<string, unknown> = {}) {
  const out = await mkdtemp(path.join(os.tmpdir(), 'llm-gate-gate-'));
  const { command, port } = await simulatorCommand(flags);
  const config = parseGateConfig(
    {
      target: { command, port },
      readiness: { intervalS: 0.2 },
      bench: { concurrency: [4], requests: 24, warmupRequests: 2 },
      compare: { baseline: 'none' },
      out,
      ...extra,
    },
    'test',
  );
  const result = await runGate(config, { logger: silentLogger, env: process.env });
  const onDisk = reportSchema.parse(JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')));
  return { result, onDisk, out };
}

describe('runGate on a spawned server process', () => {
  it('passes a healthy server and writes every report section DESIGN.md lists', async () => {
    const { result, onDisk } = await gate(['--load-time', '1s', '--ttft-ms', '20', '--tpot-ms', '4']);
    expect(result.exitCode).toBe(0);
    expect(onDisk.verdict).toBe('pass');
    expect(onDisk.readiness?.ready).toBe(true);
    expect(onDisk.readiness?.secondsToReady).toBeGreaterThanOrEqual(0.9);
    expect(onDisk.quality?.dataset.sha256).toMatch(/^[0-9a-f]{64}$/);
    for (const dim of Object.values(onDisk.quality?.dimensions ?? {})) expect(dim.score).toBe(1);
    const run = onDisk.performance!.runs[0]!;
    expect(run.requests).toBe(24);
    expect(run.ok + run.errors).toBe(run.requests);
    expect(run.samples).toHaveLength(24);
    expect(run.tpotMs.p50).toBeGreaterThan(3);
    expect(run.tokenSource).toBe('usage');
    expect(onDisk.subject.command).toContain('simulate');
  });

  it('fails a regressed server against the good one as baseline, with reasons per dimension', async () => {
    const good = await gate(['--ttft-ms', '20', '--tpot-ms', '4'], { bench: { concurrency: [4], requests: 48, warmupRequests: 2 } });
    expect(good.result.exitCode).toBe(0);
    const bad = await gate(['--ttft-ms', '20', '--tpot-ms', '6', '--error-rate', '0.5'], {
      bench: { concurrency: [4], requests: 48, warmupRequests: 2 },
      compare: { baseline: path.join(good.out, 'report.json') },
    });
    expect(bad.result.exitCode).toBe(1);
    expect(bad.onDisk.verdict).toBe('fail');
    const dims = bad.onDisk.reasons.map((r) => r.dimension).join(' ');
    expect(dims).toMatch(/tpot/);
    expect(dims).toMatch(/quality\./);
    expect(bad.onDisk.comparison?.baseline?.ref).toContain('report.json');
  });

  it('stores a passing tagged run in the local store and compares the next tag with it (baseline auto)', async () => {
    const storeDir = await mkdtemp(path.join(os.tmpdir(), 'llm-gate-store-'));
    // What is tested is the store: latencies large against a loaded machine's noise, a wide practical tolerance
    // and one round per run keep timing out of the outcome (sequential sampling has its own tests).
    const compare = { baseline: 'auto', storeDir, tolerances: { 'perf.*': 0.5 } };
    const bench = { concurrency: [4], requests: 24, warmupRequests: 2, sequential: { enabled: false } };
    const sim = ['--ttft-ms', '200', '--tpot-ms', '10', '--jitter', '0'];
    const first = await gate(sim, { compare, bench, tag: 'v1.0.0', eval: { enabled: false } });
    expect(first.result.exitCode).toBe(0);
    expect(first.onDisk.comparison?.baseline).toBeNull();
    expect(first.onDisk.comparison?.note).toMatch(/first run/);
    const second = await gate(sim, { compare, bench, tag: 'v1.1.0', eval: { enabled: false } });
    expect(second.onDisk.comparison?.baseline?.ref).toMatch(/v1\.0\.0/);
    expect(second.result.exitCode, JSON.stringify(second.onDisk.reasons)).toBe(0);
  }, 120_000);

  it('is an error, not a pass, when a required baseline is missing, found out before booting anything', async () => {
    const storeDir = await mkdtemp(path.join(os.tmpdir(), 'llm-gate-store-'));
    const { result, onDisk } = await gate(['--ttft-ms', '5'], { compare: { baseline: 'auto', storeDir, requireBaseline: true }, tag: 'v2.0.0', eval: { enabled: false } });
    expect(result.exitCode).toBe(3);
    expect(onDisk.reasons.map((r) => r.dimension)).toContain('baseline');
    expect(onDisk.readiness).toBeNull();
  });

  it('is a usage error when the baseline report named on purpose cannot be read, found out before booting anything', async () => {
    const missing = path.join(await mkdtemp(path.join(os.tmpdir(), 'llm-gate-nobase-')), 'report.json');
    const { result, onDisk } = await gate(['--ttft-ms', '5'], { compare: { baseline: missing }, eval: { enabled: false } });
    expect(result.exitCode).toBe(2);
    expect(onDisk.reasons.find((r) => r.dimension === 'baseline')?.message).toContain('--baseline none');
    expect(onDisk.readiness).toBeNull();
  });

  it('ends with verdict error when the server crashes in the middle of the benchmark', async () => {
    const { result, onDisk } = await gate(['--ttft-ms', '5', '--tpot-ms', '2', '--crash-after', '60']);
    expect(result.exitCode).toBe(3);
    expect(onDisk.verdict).toBe('error');
    expect(onDisk.reasons.some((r) => r.dimension === 'target' || r.dimension.startsWith('perf'))).toBe(true);
  });
});
