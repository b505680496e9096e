import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { qualitySchema } from '../../src/report/schema.ts';
import { referenceAnswers } from '../../src/eval/reference-answers.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';
import { writeDataset } from './helpers.ts';

/** Runs the real CLI entry point in a child process (the simulator stays in this one, so never block it). */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['src/cli/main.ts', ...args], { env: { ...process.env, LLM_GATE_DEBUG: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let out: string;
const sims: RunningSimulator[] = [];
beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'llm-gate-eval-cli-'));
});
afterAll(() => rm(out, { recursive: true, force: true }));
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});
async function sim(errorRate: number): Promise<RunningSimulator> {
  const s = await startSimulator({ answers: await referenceAnswers('datasets/starter/v1'), errorRate, ttftMs: 5, decodeMsPerToken: 0.5 });
  sims.push(s);
  return s;
}

describe('llm-gate eval', () => {
  it('prints a per-dimension table, writes the quality JSON and exits 0 when every dimension meets its threshold', async () => {
    const s = await sim(0);
    const file = path.join(out, 'good', 'quality.json');
    const r = await cli(['eval', '--url', s.url, '--dataset', 'datasets/starter/v1', '--out', file]);
    expect(r.stderr).toContain('eval: model sim-model (from /v1/models)');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^dimension\s+score\s+n\s+threshold\s+status$/m);
    expect(r.stdout).toMatch(/^arithmetic\s+1\.000\s+9\s+0\.80\s+pass$/m);
    const q = qualitySchema.parse(JSON.parse(await readFile(file, 'utf8')));
    expect(q.dataset.name).toBe('starter');
  });

  it('exits 1 naming the dimensions below threshold', async () => {
    const s = await sim(0.5);
    const r = await cli(['eval', '--url', s.url, '--model', 'sim-model', '--out', path.join(out, 'bad.json')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL \w+: score 0\.\d+ is below the threshold 0\.8$/m);
  });

  it('exits 2 with file:line and field for a dataset with a broken line', async () => {
    const d = await writeDataset({ name: 's', version: 'v1', dimensions: { f: { scorer: 'contains' } } }, [
      { id: 'a', prompt: 'q', reference: 'r', dimension: 'f' },
      { id: 'b', messages: [{ role: 'bot', content: 'q' }], reference: 'r', dimension: 'f' },
    ]);
    try {
      const r = await cli(['eval', '--url', 'http://127.0.0.1:9', '--model', 'm', '--dataset', d.dir, '--out', path.join(out, 'x.json')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/items\.jsonl:2: field "messages\.0\.role": expected one of system\|user\|assistant, found "bot"/);
    } finally {
      await d.cleanup();
    }
  });

  it('exits 2 on a bad flag, naming it', async () => {
    const r = await cli(['eval', '--url', 'http://127.0.0.1:9', '--concurrency', 'many']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--concurrency/);
  });

  it('exits 3 when no request succeeds', async () => {
    const s = await sim(0);
    await s.close();
    const r = await cli(['eval', '--url', s.url, '--model', 'sim-model', '--retries', '0', '--out', path.join(out, 'down.json')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('every request failed');
  });
});
