import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { parseGateConfig } from '../../src/config/load.ts';
import { runGate } from '../../src/gate/gate.ts';
import { silentLogger } from '../../src/log.ts';
import { reportSchema } from '../../src/report/schema.ts';
import { describeDocker } from '../helpers/docker.ts';
import { buildSimulatorImage } from '../helpers/sim-image.ts';

function containerExists(id: string): boolean {
  try {
    execFileSync('docker', ['inspect', id], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describeDocker('gating a container image built here with the simulator inside', () => {
  let image = '';
  beforeAll(async () => {
    image = await buildSimulatorImage();
  }, 300_000);

  async function gate(target: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    const out = await mkdtemp(path.join(os.tmpdir(), 'llm-gate-docker-'));
    const config = parseGateConfig(
      {
        target: { image, port: 8000, ...target },
        readiness: { intervalS: 0.25, timeoutS: 120 },
        eval: { dataset: 'datasets/starter/v1' },
        bench: { concurrency: [4], requests: 16, warmupRequests: 2 },
        compare: { baseline: 'none' },
        out,
        ...extra,
      },
      'test',
    );
    const started: string[] = [];
    const result = await runGate(config, {
      logger: silentLogger,
      env: process.env,
      hooks: {
        onCleanupState: (s) => {
          if (s.kind === 'image') started.push(s.container);
        },
      },
    });
    return { result, started, out };
  }

  it('boots the image, waits for a real inference past its load time, measures it and removes it', async () => {
    const { result, started, out } = await gate({ args: ['--load-time', '2s', '--dataset', '/app/datasets/starter/v1'] });
    expect(result.report.reasons).toEqual([]);
    expect(result.exitCode).toBe(0);
    const report = reportSchema.parse(JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')));
    expect(report.subject.image).toBe(image);
    expect(report.subject.digest).toMatch(/^sha256:/);
    expect(report.readiness?.ready).toBe(true);
    expect(report.readiness?.secondsToReady).toBeGreaterThanOrEqual(2);
    expect(report.quality?.dataset.name).toBe('starter');
    expect(report.performance?.runs[0]?.ok).toBe(16);
    expect(started).toHaveLength(1);
    expect(containerExists(started[0]!)).toBe(false);
  });

  it('ends the wait within seconds when the container dies while loading, with exit code 3 and its exit status', async () => {
    const t0 = performance.now();
    const { result, started } = await gate({ args: ['--load-time', '60s', '--crash-after-ms', '1500'] });
    expect(performance.now() - t0).toBeLessThan(20_000);
    expect(result.exitCode).toBe(3);
    expect(result.report.verdict).toBe('error');
    expect(result.report.readiness?.ready).toBe(false);
    expect(result.report.readiness?.exit?.code).not.toBe(0);
    expect(result.report.readiness?.exit?.oomKilled).toBe(false);
    expect(result.report.reasons[0]?.dimension).toBe('readiness');
    expect(containerExists(started[0]!)).toBe(false);
  });
});
