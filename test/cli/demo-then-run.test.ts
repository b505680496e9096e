import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema } from '../../src/report/schema.ts';
import { referenceAnswers } from '../../src/eval/reference-answers.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';
import { cliRunner } from '../helpers/cli-process.ts';

const run = cliRunner();
let real: RunningSimulator;

beforeAll(async () => {
  // "A real model" after the demo: another model id, served elsewhere.
  real = await startSimulator({ answers: await referenceAnswers('datasets/starter/v1'), model: 'Qwen/Qwen2.5-0.5B-Instruct', ttftMs: 5, decodeMsPerToken: 1 });
});
afterAll(async () => {
  await real?.close();
});

describe('llm-gate demo, then a real run in the same directory', () => {
  it('keeps the demo\'s baselines under its output folder, so the real run finds none of the simulator\'s reports', async () => {
    const cwd = await mkdtemp(path.join(os.tmpdir(), 'llm-gate-demo-cwd-'));
    const demo = await run(['demo', '--out', 'demo-out'], cwd);
    expect(demo.code, demo.stderr).toBe(0);
    // Nothing outside the output folder.
    expect(await readdir(cwd)).toEqual(['demo-out']);
    expect(existsSync(path.join(cwd, 'demo-out', 'baselines', 'lines'))).toBe(true);

    const gate = await run(['run', '--url', `${real.url}`, '--tag', 'v2.0.0', '--requests', '8', '--concurrency', '2', '--out', 'real-out'], cwd);
    const report = reportSchema.parse(JSON.parse(await readFile(path.join(cwd, 'real-out', 'report.json'), 'utf8')));
    expect(gate.code, gate.stderr).toBe(0);
    expect(report.identity?.model).toBe('Qwen/Qwen2.5-0.5B-Instruct');
    expect(report.comparison?.baseline).toBeNull();
    expect(report.comparison?.note).toMatch(/^no baseline for identity line qwen-qwen2\.5-0\.5b-instruct\./);
  }, 180_000);
});
