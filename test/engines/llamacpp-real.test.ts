import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePrometheus } from '../../src/bench/prometheus.ts';
import { freePort } from '../../src/cli/free-port.ts';
import { streamChatCompletion } from '../../src/client/stream.ts';
import { targetSchema } from '../../src/config/schema.ts';
import { detectEngine } from '../../src/engines/detect.ts';
import { ENGINE_PRESETS, exactLengthFields, streamOptions } from '../../src/engines/presets.ts';
import { silentLogger } from '../../src/log.ts';
import { cliRunner } from '../helpers/cli-process.ts';
import { reportSchema, type Report } from '../../src/report/schema.ts';
import { waitForReady } from '../../src/target/readiness.ts';
import { startTarget } from '../../src/target/start.ts';
import { dockerUnavailableReason } from '../helpers/docker.ts';

/**
 * A real llama.cpp server (llama-server) serving the tiny random-weight GGUF model from ../shared/models.
 * LLAMA_SERVER_BIN: the binary, gated as a process; LLAMA_SERVER_IMAGE: an image built from local files
 * whose entrypoint is llama-server, gated as a container. CI has neither, so these are skipped there.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const MODEL = path.resolve(ROOT, '../shared/models/tiny-random-llama.gguf');
const BIN = process.env.LLAMA_SERVER_BIN;
const IMAGE = process.env.LLAMA_SERVER_IMAGE;
const p = ENGINE_PRESETS.llamacpp;

// Random weights emit byte-fallback tokens (ids 3..258, <0x00>..<0xFF>) that form invalid UTF-8, which
// the server's output parser rejects with a 500 or an in-band error; real models almost never do. Banning
// them keeps the test about the gate, not about the model.
const BAN_BYTE_TOKENS = Array.from({ length: 256 }, (_, i) => ['-l', `${i + 3}-inf`]).flat();

const binReason = !BIN ? 'LLAMA_SERVER_BIN is not set' : !existsSync(BIN) ? `LLAMA_SERVER_BIN ${BIN} does not exist` : !existsSync(MODEL) ? `${MODEL} is missing` : null;
const imageReason = !IMAGE ? 'LLAMA_SERVER_IMAGE is not set' : dockerUnavailableReason();

const CONFIG = `readiness:
  timeoutS: 120
eval:
  maxTokens: 16
bench:
  concurrency: [1, 4]
  requests: 40
  warmupRequests: 4
  inputTokens: 64
  outputTokens: 32
  scrapeIntervalS: 0.5
  gpuMetrics: false
`;

const run = cliRunner();

const ms = (n: number) => `${n.toFixed(1)} ms`;
function figures(label: string, r: Report): string {
  const lines = [`${label}: verdict ${r.verdict}, ready after ${r.readiness?.secondsToReady?.toFixed(2)} s (${r.readiness?.attempts} probes)`];
  for (const run of r.performance?.runs ?? []) {
    lines.push(
      `  ${run.profile}: ${run.requests} requests, ${run.errors} errors | TTFT p50 ${ms(run.ttftMs.p50)} p99 ${ms(run.ttftMs.p99)} | TPOT p50 ${ms(run.tpotMs.p50)} p99 ${ms(run.tpotMs.p99)} | ${run.outputTokensPerSec.toFixed(0)} tok/s`,
    );
  }
  return lines.join('\n');
}

/** Gates the target through `llm-gate run` and checks what a trustworthy verdict needs. */
async function gate(label: string, targetArgs: string[], extraConfig = ''): Promise<{ report: Report; stderr: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'llm-gate-llamacpp-'));
  writeFileSync(path.join(dir, 'llm-gate.yml'), CONFIG + extraConfig);
  const out = path.join(dir, 'out');
  const r = await run(['run', ...targetArgs, '--baseline', 'none', '--out', out], dir);
  const report = reportSchema.parse(JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')));
  console.info(figures(label, report));
  // Random weights fail the quality floors (exit 1); the gate itself must have finished (not 2 or 3).
  expect([0, 1], r.stderr.slice(-2000)).toContain(r.code);
  expect(report.readiness?.ready).toBe(true);
  expect(report.reasons.filter((x) => !x.dimension.startsWith('quality'))).toEqual([]);
  const runs = report.performance?.runs ?? [];
  expect(runs).toHaveLength(2);
  for (const step of runs) {
    expect(step.errors).toBe(0);
    // ignore_eos gives exactly the asked length, and usage reports it.
    expect(step.samples.every((s) => s.outputTokens === 32)).toBe(true);
  }
  const server = report.performance?.server as { engine?: string; available?: boolean } | undefined;
  expect(server).toMatchObject({ engine: 'llamacpp', available: true });
  expect(report.subject.engine).toBe('llamacpp');
  return { report, stderr: r.stderr };
}

describe('real llama.cpp server', () => {
  (binReason ? it.skip : it)(`answers as the llamacpp preset says${binReason ? ` (skipped: ${binReason})` : ''}`, async () => {
    const port = await freePort();
    const command = [BIN!, '-m', MODEL, '--port', String(port), ...BAN_BYTE_TOKENS].join(' ');
    // No --metrics flag: the preset's LLAMA_ARG_ENDPOINT_METRICS turns the endpoint on.
    const target = await startTarget(targetSchema.parse({ command, port, env: p.docker.env }), silentLogger);
    try {
      const t0 = performance.now();
      const ready = await waitForReady(
        target,
        { healthPath: p.readiness.healthPath, timeoutS: 60, intervalS: 0.05, consecutive: 1, probeTimeoutS: 10, progressEveryS: 1000 },
        silentLogger,
      );
      expect(ready.readiness.ready).toBe(true);
      const detected = await detectEngine(target.rootURL);
      console.info(`llama-server process: ready after ${((performance.now() - t0) / 1000).toFixed(2)} s; detected ${detected.engine} (${detected.evidence.join('; ')})`);
      expect(detected).toMatchObject({ engine: 'llamacpp', confident: true });

      const stream = await streamChatCompletion({
        baseURL: `${target.rootURL}/v1`,
        body: { model: ready.model, messages: [{ role: 'user', content: 'Write about the river.' }], ...exactLengthFields(p, 48), ...streamOptions(p) },
        totalTimeoutMs: 30_000,
        idleTimeoutMs: 20_000,
      });
      expect(stream.error).toBeUndefined();
      expect(stream.usageOutputTokens).toBe(48);
      expect(stream.finishReason).toBe('length');

      const metrics = await fetch(`${target.rootURL}${p.metrics!.path}`);
      expect(metrics.status).toBe(200);
      const names = new Set(parsePrometheus(await metrics.text()).samples.map((s) => s.name));
      expect(p.metrics!.running.some((n) => names.has(n))).toBe(true);
      expect(p.metrics!.waiting.some((n) => names.has(n))).toBe(true);
    } finally {
      await target.stop();
    }
  });

  (binReason ? it.skip : it)(`is gated as a process through llm-gate run${binReason ? ` (skipped: ${binReason})` : ''}`, { timeout: 300_000 }, async () => {
    const port = await freePort();
    const command = [BIN!, '-m', MODEL, '--port', String(port), '--metrics', ...BAN_BYTE_TOKENS].join(' ');
    // No engine named: the gate must recognise llama.cpp from what it exposes.
    const { stderr } = await gate('llama-server process', ['--command', command, '--port', String(port)]);
    const detected = /engine: detected llamacpp: .*/.exec(stderr);
    console.info(detected?.[0]);
    expect(detected).not.toBeNull();
  });

  (imageReason ? it.skip : it)(`is gated as a docker image through llm-gate run${imageReason ? ` (skipped: ${imageReason})` : ''}`, { timeout: 300_000 }, async () => {
    // The image's entrypoint is llama-server; these replace its CMD. The port is the preset's (8080).
    const args = ['-m', '/models/tiny-random-llama.gguf', '--host', '0.0.0.0', '--port', '8080', '--metrics', ...BAN_BYTE_TOKENS];
    await gate('llama-server image', ['--image', IMAGE!], `engine: llamacpp\ntarget:\n  args: ${JSON.stringify(args)}\n`);
  });
});
