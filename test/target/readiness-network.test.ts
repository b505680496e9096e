import http from 'node:http';
import net from 'node:net';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseGateConfig } from '../../src/config/load.ts';
import { targetSchema } from '../../src/config/schema.ts';
import { runGate } from '../../src/gate/gate.ts';
import { silentLogger, type Logger } from '../../src/log.ts';
import { referenceAnswers } from '../../src/eval/reference-answers.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';
import { waitForReady, type ReadinessOptions } from '../../src/target/readiness.ts';
import { startTarget } from '../../src/target/start.ts';
import { closedPort, FETCH_BAD_PORTS, listen, silentServer } from '../helpers/misbehaving.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const fast: ReadinessOptions = { timeoutS: 30, intervalS: 0.2, consecutive: 2, probeTimeoutS: 5, progressEveryS: 60 };

function recordingLogger(): Logger & { warnings: Array<{ at: number; message: string }> } {
  const warnings: Array<{ at: number; message: string }> = [];
  return { ...silentLogger, warnings, warn: (m) => warnings.push({ at: performance.now(), message: m }) };
}

/** The first port of the fetch "bad ports" list free here, or null; decided once, before the tests are named. */
async function freeBadPort(): Promise<number | null> {
  for (const port of FETCH_BAD_PORTS) {
    const free = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
  return null;
}
const badPort = await freeBadPort();

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('readiness deadline', () => {
  it('ends at the deadline even when the last probe would wait out a much longer probe timeout', async () => {
    const port = await listen(silentServer());
    const target = await startTarget(targetSchema.parse({ url: `http://127.0.0.1:${port}` }), silentLogger, {}, process.env);
    const t0 = performance.now();
    const out = await waitForReady(target, { ...fast, timeoutS: 2, probeTimeoutS: 60 }, silentLogger);
    const elapsedS = (performance.now() - t0) / 1000;
    expect(out.readiness.ready).toBe(false);
    expect(out.readiness.lastError).toMatch(/not ready within 2 s; last probe: no answer within/);
    // A probe cut at the deadline: not the 60 s of the probe timeout (margin for a loaded machine).
    expect(elapsedS).toBeLessThan(5);
  }, 30_000);
});

describe('a URL target that answers 200 with an HTML page (a proxy, a login wall)', () => {
  it('is not ready, and the last error names the content type', async () => {
    const port = await listen(http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Please sign in</html>')));
    const target = await startTarget(targetSchema.parse({ url: `http://127.0.0.1:${port}` }), silentLogger, {}, process.env);
    const discovering = await waitForReady(target, { ...fast, timeoutS: 1 }, silentLogger);
    expect(discovering.readiness.lastError).toMatch(/\/v1\/models answered 200 with content-type text\/html and a body that is not JSON: <html>Please sign in<\/html>/);
    const out = await waitForReady(target, { ...fast, timeoutS: 1, model: 'm' }, silentLogger);
    expect(out.readiness.ready).toBe(false);
    expect(out.readiness.lastError).toMatch(/one-token inference answered 200 with content-type text\/html and a body that is not JSON: <html>Please sign in<\/html>/);
  });
});

describe('a URL target that refuses every connection', () => {
  it('is warned about plainly within seconds, not after the whole wait', async () => {
    const port = await closedPort();
    const target = await startTarget(targetSchema.parse({ url: `http://127.0.0.1:${port}/v1` }), silentLogger, {}, process.env);
    const logger = recordingLogger();
    const t0 = performance.now();
    const out = await waitForReady(target, { ...fast, timeoutS: 10 }, logger);
    expect(out.readiness.ready).toBe(false);
    expect(out.readiness.lastError).toMatch(/ECONNREFUSED/);
    const warning = logger.warnings.find((w) => /refused every connection/.test(w.message));
    expect(warning?.message).toMatch(new RegExp(`127\\.0\\.0\\.1:${port} has refused every connection for \\d+ s: nothing listens there`));
    expect((warning!.at - t0) / 1000).toBeLessThan(8);
  }, 30_000);
});

describe.skipIf(badPort === null)(`a server on a port WHATWG fetch refuses (${badPort ?? 'skipped: every port of the fetch bad-ports list is busy here'})`, () => {
  it('is gated end to end: readiness, engine detection, eval and bench all reach it', async () => {
    const answers = await referenceAnswers(path.join(ROOT, 'datasets/starter/v1'));
    sim = await startSimulator({ port: badPort!, ttftMs: 2, decodeMsPerToken: 1, fillerTokens: 4, answers });
    const out = await mkdtemp(path.join(os.tmpdir(), 'llm-gate-badport-'));
    const config = parseGateConfig(
      {
        target: { url: `http://127.0.0.1:${badPort}/v1` },
        readiness: { intervalS: 0.2, timeoutS: 20 },
        bench: { concurrency: [2], requests: 6, warmupRequests: 1 },
        eval: { dataset: path.join(ROOT, 'datasets/starter/v1') },
        compare: { baseline: 'none' },
        out,
      },
      'test',
    );
    const { report, exitCode } = await runGate(config, { logger: silentLogger, env: process.env });
    expect(report.readiness?.ready).toBe(true);
    expect(report.quality?.requests?.failed).toBe(0);
    expect(report.performance?.runs[0]?.errors).toBe(0);
    expect(report.subject.engine).toBe('vllm');
    expect(exitCode).toBe(0);
  }, 60_000);
});
