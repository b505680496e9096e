import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { parseGateConfig } from '../../src/config/load.ts';
import { runGate } from '../../src/gate/gate.ts';
import { silentLogger, type Logger } from '../../src/log.ts';
import { describeDocker } from '../helpers/docker.ts';
import { buildSimulatorImage } from '../helpers/sim-image.ts';

/** Not the default 8000: an image that listens where only its EXPOSE says. */
const IMAGE_PORT = 8123;

describeDocker(`an image whose server listens on the port it EXPOSEs (${IMAGE_PORT})`, () => {
  let image = '';
  beforeAll(async () => {
    image = await buildSimulatorImage(IMAGE_PORT);
  }, 300_000);

  async function gate(target: Record<string, unknown>, readiness: Record<string, unknown>) {
    const lines: string[] = [];
    const logger: Logger = { ...silentLogger, info: (m) => lines.push(m), warn: (m) => lines.push(`warning: ${m}`) };
    const config = parseGateConfig(
      {
        target: { image, ...target },
        readiness: { intervalS: 0.25, progressEveryS: 1, ...readiness },
        eval: { enabled: false },
        bench: { concurrency: [2], requests: 4, warmupRequests: 0 },
        compare: { baseline: 'none' },
        hygiene: { enabled: false },
        out: await mkdtemp(path.join(os.tmpdir(), 'llm-gate-port-')),
      },
      'test',
    );
    const result = await runGate(config, { logger, env: process.env });
    return { result, lines };
  }

  it('is gated on that port when no port is configured', async () => {
    const { result, lines } = await gate({}, { timeoutS: 60 });
    expect(result.report.readiness?.ready).toBe(true);
    expect(result.exitCode).toBe(0);
    expect(lines).toContain(`port: ${IMAGE_PORT}, the one port the image exposes (none configured)`);
  }, 120_000);

  it('says in the progress line that a configured port is not the exposed one', async () => {
    const { result, lines } = await gate({ port: 8000 }, { timeoutS: 4 });
    expect(result.report.readiness?.ready).toBe(false);
    expect(lines).toContain(`warning: port: the image exposes ${IMAGE_PORT}, not the configured port 8000: check --port / target.port`);
    expect(lines.some((l) => l.startsWith('waiting for readiness:') && l.endsWith(`(the image exposes ${IMAGE_PORT}, not the configured port 8000: check --port / target.port)`))).toBe(true);
  }, 120_000);
});
