import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { parsePrometheus } from '../../src/bench/prometheus.ts';
import { freePort } from '../../src/cli/free-port.ts';
import { streamChatCompletion } from '../../src/client/stream.ts';
import { targetSchema } from '../../src/config/schema.ts';
import { detectEngine } from '../../src/target/detect-engine.ts';
import { ENGINE_PRESETS, exactLengthFields, streamOptions } from '../../src/engines/presets.ts';
import { silentLogger } from '../../src/log.ts';
import { cliRunner } from '../helpers/cli-process.ts';
import { describeLlama, llamaCppPython, llamaServer, MODELS, modelUnavailable, shellCommand, type LlamaEngine } from '../helpers/llama.ts';
import { reportSchema, type Report } from '../../src/report/schema.ts';
import { waitForReady } from '../../src/target/readiness.ts';
import { startTarget } from '../../src/target/start.ts';
import { dockerUnavailableReason } from '../helpers/docker.ts';

/**
 * Real llama.cpp engines serving the tiny random-weight GGUF model from ../shared/models, gated as a
 * process: llama-cpp-python's server (installed by .ci/run, so these run in CI) and a hand-built
 * llama-server (LLAMA_SERVER_BIN; LLAMA_SERVER_IMAGE for an image whose entrypoint is llama-server).
 * What each engine does differently is in FACTS; the gate must handle both without being told which.
 */
const MODEL_FILE = 'tiny-random-llama.gguf';
const MODEL = path.join(MODELS, MODEL_FILE);

// Random weights emit byte-fallback tokens (ids 3..258, <0x00>..<0xFF>) that form invalid UTF-8, which
// llama-server's output parser rejects with a 500 or an in-band error; real models almost never do. Banning
// them keeps the test about the gate, not about the model.
const BAN_BYTE_TOKENS = Array.from({ length: 256 }, (_, i) => ['-l', `${i + 3}-inf`]).flat();

interface EngineFacts {
  engine: LlamaEngine;
  /** Extra server arguments for the random-weight model. */
  extraArgs: string[];
  /** The engine sends usage in streams (so the bench's token counts come from it), and honours ignore_eos. */
  usageAndExactLength: boolean;
  /** /metrics with the preset's names. */
  metrics: boolean;
}

const ENGINES: EngineFacts[] = [
  // llama_cpp/server/app.py: no /health, /metrics or /props; /v1/models owned_by "me"; no usage in streams and
  // no ignore_eos (llama.py leaves it commented out); requests run one at a time behind a lock.
  { engine: llamaCppPython(), extraArgs: [], usageAndExactLength: false, metrics: false },
  { engine: llamaServer(), extraArgs: BAN_BYTE_TOKENS, usageAndExactLength: true, metrics: true },
];

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
      `  ${run.profile}: ${run.requests} requests, ${run.errors} errors | TTFT p50 ${ms(run.ttftMs.p50)} p99 ${ms(run.ttftMs.p99)} | TPOT p50 ${ms(run.tpotMs.p50)} p99 ${ms(run.tpotMs.p99)} | ${run.outputTokensPerSec.toFixed(0)} tok/s (tokens ${run.tokenSource})`,
    );
  }
  return lines.join('\n');
}

/** Gates the target through `llm-gate run` and checks what a trustworthy verdict needs. */
async function gate(label: string, facts: EngineFacts, targetArgs: string[], extraConfig = ''): Promise<{ report: Report; stderr: string }> {
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
    expect(step.errors, JSON.stringify(step.errorsByKind)).toBe(0);
    if (facts.usageAndExactLength) {
      // ignore_eos gives exactly the asked length, and usage reports it.
      expect(step.samples.every((s) => s.outputTokens === 32)).toBe(true);
      expect(step.tokenSource).toBe('usage');
    } else {
      // max_tokens is only a cap, and the tokens are the gate's own count of content chunks. A count, not the
      // truth: llama-cpp-python holds back the bytes of an unfinished UTF-8 character and sends them with the
      // finish chunk, which random weights make happen often (one chunk more than tokens).
      expect(step.samples.every((s) => s.outputTokens >= 1 && s.outputTokens <= 34), JSON.stringify(step.lengths)).toBe(true);
      expect(step.tokenSource).toBe('counted');
    }
  }
  const server = report.performance?.server as { engine?: string; available?: boolean } | undefined;
  if (facts.metrics) expect(server).toMatchObject({ engine: 'llamacpp', available: true });
  expect(report.subject.engine).toBe(facts.engine.detectedAs);
  return { report, stderr: r.stderr };
}

for (const facts of ENGINES) {
  const { engine } = facts;
  const p = ENGINE_PRESETS[engine.detectedAs];
  describeLlama(
    `real ${engine.name}`,
    engine,
    () => {
      it(`answers as the ${engine.detectedAs} preset says`, { timeout: 120_000 }, async () => {
        const port = await freePort();
        const command = shellCommand([...engine.argv(MODEL, port), ...facts.extraArgs]);
        // No --metrics flag for llama-server: the preset's LLAMA_ARG_ENDPOINT_METRICS turns the endpoint on.
        const target = await startTarget(targetSchema.parse({ command, port, env: p.docker.env }), silentLogger, {}, process.env);
        try {
          const t0 = performance.now();
          const ready = await waitForReady(
            target,
            { ...(p.readiness.healthPath ? { healthPath: p.readiness.healthPath } : {}), timeoutS: 90, intervalS: 0.1, consecutive: 1, probeTimeoutS: 10, progressEveryS: 1000 },
            silentLogger,
          );
          expect(ready.readiness.ready, ready.readiness.lastError).toBe(true);
          const detected = await detectEngine(target.rootURL);
          console.info(`${engine.name} process: ready after ${((performance.now() - t0) / 1000).toFixed(2)} s; detected ${detected.engine} (${detected.evidence.join('; ')})`);
          expect(detected).toMatchObject({ engine: engine.detectedAs, confident: true });

          const stream = await streamChatCompletion({
            baseURL: `${target.rootURL}/v1`,
            body: { model: ready.model, messages: [{ role: 'user', content: 'Write about the river.' }], ...exactLengthFields(p, 48), ...streamOptions(p) },
            totalTimeoutMs: 30_000,
            idleTimeoutMs: 20_000,
          });
          expect(stream.error).toBeUndefined();
          expect(stream.finishReason).toMatch(/^(length|stop)$/);
          if (facts.usageAndExactLength) {
            expect(stream.usageOutputTokens).toBe(48);
            expect(stream.finishReason).toBe('length');
          } else {
            expect(stream.usageOutputTokens).toBeNull();
            expect(stream.contentChunks).toBeGreaterThan(0);
            expect(stream.contentChunks).toBeLessThanOrEqual(48);
          }

          const metrics = await fetch(`${target.rootURL}${p.metrics?.path ?? '/metrics'}`);
          if (facts.metrics) {
            expect(metrics.status).toBe(200);
            const names = new Set(parsePrometheus(await metrics.text()).samples.map((s) => s.name));
            expect(p.metrics!.running.some((n) => names.has(n))).toBe(true);
            expect(p.metrics!.waiting.some((n) => names.has(n))).toBe(true);
          } else {
            expect(metrics.status).toBe(404);
          }
        } finally {
          await target.stop();
        }
      });

      it('is gated as a process through llm-gate run, the engine recognised from what it exposes', { timeout: 300_000 }, async () => {
        const port = await freePort();
        const command = shellCommand([...engine.argv(MODEL, port), ...facts.extraArgs]);
        const { stderr } = await gate(`${engine.name} process`, facts, ['--command', command, '--port', String(port)]);
        const detected = new RegExp(`engine: detected ${engine.detectedAs}: .*`).exec(stderr);
        console.info(detected?.[0]);
        expect(detected).not.toBeNull();
      });
    },
    modelUnavailable(MODEL_FILE),
  );
}

const imageReason = !process.env.LLAMA_SERVER_IMAGE ? 'LLAMA_SERVER_IMAGE is not set' : dockerUnavailableReason();
(imageReason ? it.skip : it)(`llama-server is gated as a docker image through llm-gate run${imageReason ? ` (skipped: ${imageReason})` : ''}`, { timeout: 300_000 }, async () => {
  // The image's entrypoint is llama-server; these replace its CMD. The port is the preset's (8080).
  const args = ['-m', `/models/${MODEL_FILE}`, '--host', '0.0.0.0', '--port', '8080', '--metrics', ...BAN_BYTE_TOKENS];
  await gate('llama-server image', ENGINES[1]!, ['--image', process.env.LLAMA_SERVER_IMAGE!], `engine: llamacpp\ntarget:\n  args: ${JSON.stringify(args)}\n`);
});
