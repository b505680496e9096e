import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema } from '../../src/report/schema.ts';
import { referenceAnswers } from '../../src/eval/reference-answers.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';
import { FakeGitHubApi } from '../report/github-api.ts';
import { actionEntries, runAction } from './runner.ts';

const DATASET = 'datasets/starter/v1';
const TOKEN = 'ghs_e2eSecretToken0123456789';
const HEAD = 'c'.repeat(40);

let dir: string;
let config: string;
let good: RunningSimulator;
let regressed: RunningSimulator;
const api = new FakeGitHubApi();

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'llm-gate-e2e-'));
  config = path.join(dir, 'llm-gate.yml');
  // Small and quick: the point is the Action's plumbing, not the measurement.
  await writeFile(
    config,
    // One round per step: sequential sampling against the baseline would run to its maximum on a loaded machine.
    ['readiness:', '  intervalS: 0.2', 'eval:', '  concurrency: 8', 'bench:', '  warmupRequests: 1', '  sequential: {enabled: false}', ''].join('\n'),
  );
  const answers = await referenceAnswers(DATASET);
  good = await startSimulator({ answers, ttftMs: 5, decodeMsPerToken: 1 });
  regressed = await startSimulator({ answers, ttftMs: 5, decodeMsPerToken: 1, errorRate: 0.6, seed: 3 });
  await api.start();
  const event = (headRepo: string) =>
    JSON.stringify({
      pull_request: { number: 9, head: { sha: HEAD, repo: { full_name: headRepo } }, base: { repo: { full_name: 'acme/models' } } },
    });
  await writeFile(path.join(dir, 'event.json'), event('acme/models'));
  await writeFile(path.join(dir, 'fork-event.json'), event('someone/models'));
});

afterAll(async () => {
  await Promise.all([good?.close(), regressed?.close(), api.stop()]);
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function githubEnv(eventFile = 'event.json'): Record<string, string> {
  return {
    GITHUB_REPOSITORY: 'acme/models',
    GITHUB_SHA: 'd'.repeat(40),
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: path.join(dir, eventFile),
    GITHUB_API_URL: api.url,
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_RUN_ID: '42',
    GITHUB_WORKSPACE: process.cwd(),
  };
}

function inputs(url: string, out: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    config,
    url,
    dataset: DATASET,
    concurrency: '1\n4',
    requests: '8',
    baseline: 'none',
    out: path.join(dir, out),
    'github-token': TOKEN,
    ...extra,
  };
}

describe.each(actionEntries('main'))('the Action run as the runner would (%s)', (entry) => {
  const tag = path.basename(entry, path.extname(entry));

  it('passes a healthy server, sets the outputs, writes the job summary, check run and PR comment', async () => {
    api.reset();
    api.comments.length = 0;
    const run = await runAction(entry, inputs(good.url, `${tag}-good`), githubEnv());
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.verdict).toBe('pass');
    expect(run.outputs['exit-code']).toBe('0');
    expect(Number(run.outputs['ttft-p99-ms'])).toBeGreaterThan(0);
    expect(Number(run.outputs['tpot-p50-ms'])).toBeGreaterThan(0);
    expect(Number(run.outputs['seconds-to-ready'])).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(run.outputs.scores!)).toMatchObject({ factual: 1, arithmetic: 1 });
    const report = reportSchema.parse(JSON.parse(await readFile(run.outputs['report-path']!, 'utf8')));
    expect(report.performance?.runs.map((r) => r.concurrency)).toEqual([1, 4]);
    expect(existsSync(run.outputs['summary-path']!)).toBe(true);

    expect(run.summary.split('\n')[0]).toBe('## ✅ llm-gate: PASS — no baseline to compare with; absolute checks passed');
    expect(run.summary).toMatch(/```mermaid\n%%\{init: .*\}%%\nxychart-beta/);
    expect(run.stdout).toContain(`::add-mask::${TOKEN}`);
    expect(run.summary + JSON.stringify(report)).not.toContain(TOKEN);
    // The gate stopped nothing of its own here (url target), and left nothing for the post step.
    expect(run.state.container ?? '').toBe('');
    // The check run was saved for the post step while in progress, and cleared once completed.
    expect(run.stateFile).toMatch(/^checkRun<<(.+)\n\d+\n\1$/m);
    expect(run.state.checkRun).toBe('');

    const calls = api.calls.map((c) => `${c.method} ${c.path}`);
    expect(calls).toEqual([
      'POST /repos/acme/models/check-runs',
      expect.stringMatching(/^PATCH \/repos\/acme\/models\/check-runs\/\d+$/),
      'GET /repos/acme/models/issues/9/comments',
      'POST /repos/acme/models/issues/9/comments',
    ]);
    expect(api.calls[0]!.body).toMatchObject({ head_sha: HEAD, status: 'in_progress', details_url: 'https://github.example/acme/models/actions/runs/42' });
    expect(api.calls[1]!.body).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(run.outputs['check-run-url']).toMatch(/^https:\/\/github\.example\/checks\/\d+$/);
  });

  it('fails a regressed candidate against the first report, updating the same PR comment', async () => {
    api.reset();
    const baseline = path.join(dir, `${tag}-good`, 'report.json');
    const run = await runAction(entry, inputs(regressed.url, `${tag}-regressed`, { baseline }), githubEnv());
    expect(run.code, run.stdout).toBe(1);
    expect(run.outputs.verdict).toBe('fail');
    expect(run.outputs['exit-code']).toBe('1');
    expect(JSON.parse(run.outputs.regressions!).length).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/::error::the candidate failed the gate: /);
    expect(run.summary).toMatch(/^## ❌ llm-gate: FAIL — \d+ regressions?/);
    expect(run.summary).toContain('**regressed**');

    expect(api.calls.map((c) => c.method + ' ' + c.path.replace(/\d+$/, 'N'))).toEqual([
      'POST /repos/acme/models/check-runs',
      'PATCH /repos/acme/models/check-runs/N',
      'GET /repos/acme/models/issues/9/comments',
      'PATCH /repos/acme/models/issues/comments/N',
    ]);
    expect(api.calls[1]!.body).toMatchObject({ conclusion: 'failure' });
    // Failing items are annotated on their line of the dataset file, where a reviewer sees them.
    const annotations = (api.calls[1]!.body.output as { annotations: { path: string; start_line: number }[] }).annotations;
    expect(annotations.length).toBeGreaterThan(0);
    for (const a of annotations) {
      expect(a.path).toBe(`${DATASET}/items.jsonl`);
      expect(a.start_line).toBeGreaterThan(0);
    }
    expect(api.comments).toHaveLength(1);
    expect(api.comments[0]!.body).toContain('llm-gate: FAIL');
  });

  it('degrades to the job summary, outputs and step annotations with a notice on a fork pull request', async () => {
    api.reset();
    api.readOnly = true;
    const run = await runAction(entry, inputs(regressed.url, `${tag}-fork`), githubEnv('fork-event.json'));
    // The verdict still decides the step: the quality floors failed, and nothing crashed on the 403s.
    expect(run.code, run.stdout).toBe(1);
    expect(run.outputs.verdict).toBe('fail');
    expect(run.stdout).toContain('::notice::llm-gate could not create the check run (HTTP 403: Resource not accessible by integration');
    expect(run.stdout).toContain('This pull request comes from a fork, whose token is read-only');
    expect(run.summary).toContain('## ❌ llm-gate: FAIL');
    // The notices also reach the job summary, where the reader of a fork's run looks.
    expect(run.summary).toMatch(/^> llm-gate could not create the check run .*fork/m);
    expect(run.summary).toMatch(/^> llm-gate could not comment on pull request/m);
    // Failing items are annotated through workflow commands instead, which need no permission.
    const stepAnnotations = [...run.stdout.matchAll(/^::(error|warning) title=llm-gate [^,]*,file=datasets\/starter\/v1\/items\.jsonl,line=\d+/gm)];
    expect(stepAnnotations.length).toBeGreaterThan(0);
    expect(stepAnnotations.filter((m) => m[1] === 'error').length).toBeLessThanOrEqual(10);
    expect(run.outputs['check-run-url']).toBeUndefined();
  });

  it('saves a command target\'s pid for the post step while it runs, and clears it once the gate stopped it', async () => {
    api.reset();
    const port = await freePort();
    const command = `${process.execPath} src/cli/main.ts simulate --port ${port} --dataset ${DATASET} --ttft-ms 5 --tpot-ms 1`;
    const run = await runAction(
      entry,
      { ...inputs('', `${tag}-command`, { command, port: String(port), 'check-run': 'false', comment: 'false' }), url: '' },
      githubEnv(),
    );
    expect(run.code, run.stdout).toBe(0);
    const saved = [...run.stateFile.matchAll(/^pid<<(.+)\n(.*)\n\1$/gm)].map((m) => m[2]);
    expect(saved).toHaveLength(2);
    expect(Number(saved[0])).toBeGreaterThan(1);
    expect(run.state.pid).toBe('');
    expect(() => process.kill(Number(saved[0]), 0)).toThrow();
    expect(api.calls).toEqual([]);
  });

  it('fails naming the input when an input is malformed, before starting anything', async () => {
    api.reset();
    const run = await runAction(entry, inputs(good.url, `${tag}-bad`, { concurrency: '4, lots' }), githubEnv());
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::error::input "concurrency": expected a whole number of at least 1, found "lots"');
    expect(run.outputs).toMatchObject({ verdict: 'error', 'exit-code': '2' });
    expect(api.calls).toEqual([]);
  });

  it("says a dataset it cannot read is the workflow's to fix, not a gate that could not finish", async () => {
    api.reset();
    const run = await runAction(entry, inputs(good.url, `${tag}-nodata`, { dataset: 'datasets/nope/v1' }), githubEnv());
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ verdict: 'error', 'exit-code': '2' });
    expect(run.stdout).toMatch(/^::error::the gate was given something it cannot use: dataset: .*datasets\/nope\/v1/m);
  });
});
