import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/cli/free-port.ts';
import { ENGINE_NAMES } from '../../src/engines/registry.ts';
import { ENGINE_PRESETS } from '../../src/engines/presets.ts';
import { cliRunner } from '../helpers/cli-process.ts';
import { reportSchema } from '../../src/report/schema.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'src/cli/main.ts');
const DATASET = path.join(ROOT, 'datasets/starter/v1');
const OUTPUT_TOKENS = 48;

// Small and quick: the point is each preset end to end, not the numbers.
const CONFIG = `eval:
  concurrency: 8
bench:
  concurrency: [2]
  requests: 12
  warmupRequests: 2
  inputTokens: 16
  outputTokens: ${OUTPUT_TOKENS}
  scrapeIntervalS: 0.2
  gpuMetrics: false
readiness:
  intervalS: 0.2
  timeoutS: 60
`;

const gate = cliRunner();

async function passed(r: { code: number | null; stderr: string }, out: string) {
  expect(r.code, r.stderr.slice(-3000)).toBe(0);
  const report = reportSchema.parse(JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')));
  expect(report.verdict).toBe('pass');
  expect(report.readiness?.ready).toBe(true);
  return report;
}

const simulate = (engine: string, port: number) =>
  [process.execPath, CLI, 'simulate', '--engine', engine, '--port', String(port), '--load-time', '1s', '--dataset', DATASET, '--tpot-ms', '1', '--ttft-ms', '5'].join(' ');

describe.each(['vllm', 'llamacpp', 'ollama', 'nim'])('llm-gate run without --engine against the %s personality', (engine) => {
  it('detects the engine after readiness and says so in the report', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), `llm-gate-detect-${engine}-`));
    writeFileSync(path.join(dir, 'llm-gate.yml'), CONFIG);
    const out = path.join(dir, 'out');
    const port = await freePort();
    const r = await gate(['run', '--command', simulate(engine, port), '--port', String(port), '--baseline', 'none', '--out', out], dir);
    const report = await passed(r, out);
    expect(report.subject.engine).toBe(engine);
    expect(r.stderr).toMatch(new RegExp(`engine: detected ${engine}: `));
  });
});

describe.each(ENGINE_NAMES)('llm-gate run --engine %s against its simulator personality', (engine) => {
  const p = ENGINE_PRESETS[engine];

  it('passes, with the engine’s exact-length behaviour and metrics in the report', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), `llm-gate-e2e-${engine}-`));
    writeFileSync(path.join(dir, 'llm-gate.yml'), CONFIG);
    const out = path.join(dir, 'out');
    const port = await freePort();
    // The simulator is the engine: its load phase plays the engine's readiness mode (lazy: on the first request).
    const server = simulate(engine, port);
    const r = await gate(['run', '--command', server, '--port', String(port), '--engine', engine, '--baseline', 'none', '--out', out], dir);
    const report = await passed(r, out);
    expect(report.subject.engine).toBe(engine);
    // Readiness waited for the load (1 s), whatever the health paths said meanwhile.
    expect(report.readiness!.secondsToReady!).toBeGreaterThanOrEqual(0.9);

    const [step] = report.performance!.runs;
    expect(step!.errors).toBe(0);
    const lengths = new Set(step!.samples.map((s) => s.outputTokens));
    if (p.exactLength.honoured) expect([...lengths]).toEqual([OUTPUT_TOKENS]);
    else expect(Math.max(...lengths)).toBeLessThan(OUTPUT_TOKENS);

    const scraped = report.performance!.server as { available?: boolean; url?: string } | undefined;
    if (p.metrics) {
      expect(scraped?.available).toBe(true);
      expect(scraped?.url).toBe(`http://127.0.0.1:${port}${p.metrics.path}`);
    } else {
      expect(scraped?.available).toBe(false);
    }
  });
});
