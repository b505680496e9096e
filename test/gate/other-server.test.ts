import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../src/cli/free-port.ts';
import { parseGateConfig } from '../../src/config/load.ts';
import { runGate } from '../../src/gate/gate.ts';
import { silentLogger, type Logger } from '../../src/log.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';
import { modelMismatch } from '../../src/target/served-model.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function gate(target: Record<string, unknown>, extra: Record<string, unknown> = {}, logger: Logger = silentLogger) {
  const out = await mkdtemp(path.join(os.tmpdir(), 'llm-gate-other-'));
  const config = parseGateConfig(
    {
      target,
      readiness: { intervalS: 0.2, timeoutS: 20 },
      eval: { enabled: false },
      bench: { concurrency: [2], requests: 4, warmupRequests: 0 },
      compare: { baseline: 'none' },
      out,
      ...extra,
    },
    'test',
  );
  return { ...(await runGate(config, { logger, env: process.env })), out };
}

describe('a port that another server already answers', () => {
  it('is refused before the command target is spawned', async () => {
    const port = await freePort();
    sim = await startSimulator({ port, ttftMs: 1, decodeMsPerToken: 1 });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'llm-gate-busy-'));
    const marker = path.join(dir, 'spawned');
    const simCommand = [process.execPath, path.join(ROOT, 'src/cli/main.ts'), 'simulate', '--port', String(port)].map((p) => `'${p}'`).join(' ');
    const r = await gate({ command: `touch '${marker}' && exec ${simCommand}`, port });
    expect(r.exitCode).toBe(3);
    expect(r.report.verdict).toBe('error');
    expect(r.report.reasons[0]?.message).toMatch(new RegExp(`port ${port} on 127\\.0\\.0\\.1 already answers before the command started`));
    expect(r.report.readiness).toBeNull();
    expect(existsSync(marker)).toBe(false);
    // The other server was never measured.
    expect(sim.stats().inferenceRequests).toBe(0);
  }, 30_000);
});

describe('a server that serves another model than the configured one', () => {
  it('is refused after readiness and before eval and bench, with the ids it lists recorded', async () => {
    // llama.cpp answers any model name with 200, so readiness passes: only /v1/models tells.
    sim = await startSimulator({ engine: 'llamacpp', model: 'someone-else', ttftMs: 1, decodeMsPerToken: 1 });
    const r = await gate({ url: sim.url, model: 'candidate-model' });
    expect(r.report.readiness?.ready).toBe(true);
    expect(r.exitCode).toBe(3);
    expect(r.report.reasons.find((x) => x.dimension === 'target')?.message).toMatch(/serves "someone-else", not the configured model "candidate-model"/);
    expect(r.report.performance).toBeNull();
    expect(r.report.extras?.engine?.models).toEqual(['someone-else']);
  }, 30_000);

  it('accepts a llama.cpp server listing its model file under the name the config gives without path or .gguf', async () => {
    sim = await startSimulator({ engine: 'llamacpp', model: '/models/Tiny-Llama.gguf', ttftMs: 1, decodeMsPerToken: 1 });
    const r = await gate({ url: sim.url, model: 'tiny-llama' });
    expect(r.report.reasons.filter((x) => x.dimension === 'target')).toEqual([]);
    expect(r.report.performance?.runs[0]?.ok).toBe(4);
    expect(r.report.extras?.engine?.models).toEqual(['/models/Tiny-Llama.gguf']);
  }, 30_000);
});

describe('what answered on the port', () => {
  it('is recorded with its engine clues even when the engine is configured, with a warning when they disagree', async () => {
    sim = await startSimulator({ ttftMs: 1, decodeMsPerToken: 1 });
    const warnings: string[] = [];
    const r = await gate({ url: sim.url }, { engine: 'llamacpp' }, { ...silentLogger, warn: (m) => warnings.push(m) });
    const identity = r.report.extras!.engine!;
    expect(identity).toMatchObject({ engine: 'llamacpp', source: 'config', models: ['sim-model'] });
    expect(identity.evidence.join('; ')).toMatch(/owned_by "vllm"/);
    expect(warnings.some((w) => /^engine: configured llamacpp, but the server answers like vllm/.test(w))).toBe(true);
  }, 30_000);
});

describe('modelMismatch', () => {
  it('matches one model under its usual spellings', () => {
    expect(modelMismatch('Qwen/Qwen2.5-0.5B-Instruct', ['Qwen/Qwen2.5-0.5B-Instruct'])).toBeNull();
    expect(modelMismatch('qwen2.5', ['qwen2.5:latest'])).toBeNull();
    expect(modelMismatch('qwen-0.5b', ['/models/Qwen-0.5B.gguf'])).toBeNull();
    expect(modelMismatch('anything', [])).toBeNull();
  });

  it('names what is served when nothing matches', () => {
    expect(modelMismatch('llama-3-8b', ['mistral-7b', 'phi-3'])).toMatch(/serves "mistral-7b", "phi-3", not the configured model "llama-3-8b"/);
  });
});
