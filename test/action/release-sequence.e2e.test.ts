import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { freePort } from '../../src/cli/free-port.ts';
import { reportSchema, type Report } from '../../src/report/schema.ts';
import { FakeGitHubApi } from '../report/github-api.ts';
import { runAction, type ActionRun } from './runner.ts';

/**
 * The gate as GitHub runs it, from the first tag on: the shipped bundles (dist/index.js, then dist/post.js),
 * run in a fresh clone of a real bare remote before every step (as actions/checkout gives each job), the
 * git-branch store by default, the GitHub API stand-in for check runs and comments, and the simulator as
 * the candidate server. The llm-gate step's inputs are the ones docs/workflows/release-gate.yml and
 * pr-gate.yml give it.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const MAIN = path.join(ROOT, 'dist/index.js');
const POST = path.join(ROOT, 'dist/post.js');
const TOKEN = 'ghs_sequenceToken0123456789abcdef';
const BRANCH = 'llm-gate-baselines';

const api = new FakeGitHubApi();
let dir: string;
let remote: string;
let fakeSmi: string;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' },
  }).trim();
}

/** The reports on the baselines branch of the remote, by path. */
function storedPaths(): string[] {
  try {
    return git(remote, 'ls-tree', '-r', '--name-only', BRANCH).split('\n').filter(Boolean).sort();
  } catch {
    return [];
  }
}

// Small and quick: the point is the workflow (which baseline, what is published, what GitHub sees).
// Latency tolerance is wide (+100%) for a loaded 2-core machine, where an unchanged server's TTFT p50 can
// move by tens of percent between runs; the slower server is 3.5x slower. Quality floors are
// 0 so the worse model fails on its regression against the baseline, the thing an acceptance can cover.
const CONFIG = `readiness:
  intervalS: 0.2
eval:
  concurrency: 8
bench:
  concurrency: [2]
  requests: 24
  warmupRequests: 2
  outputTokens: 24
  sequential: { enabled: false }
compare:
  latencyTolerance: 1
thresholds: { instruction_following: 0, json_format: 0, refuses_harmful: 0, answers_benign: 0, factual: 0, arithmetic: 0 }
`;

/** The llm-gate step of a documented workflow, its `with:` inputs as written (expressions left as text). */
async function documentedInputs(file: string): Promise<Record<string, string>> {
  const wf = parse(await readFile(path.join(ROOT, 'docs/workflows', file), 'utf8')) as {
    jobs: Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }>;
  };
  for (const job of Object.values(wf.jobs)) {
    const step = job.steps.find((s) => s.uses?.includes('llm-gate@'));
    if (step) return Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, String(v)]));
  }
  throw new Error(`${file}: no llm-gate step`);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'llm-gate-seq-'));
  remote = path.join(dir, 'remote.git');
  git(dir, 'init', '--bare', '--quiet', '-b', 'main', remote);
  const seed = path.join(dir, 'seed');
  git(dir, 'init', '--quiet', '-b', 'main', seed);
  await writeFile(path.join(seed, 'llm-gate.yml'), CONFIG);
  git(seed, 'add', 'llm-gate.yml');
  git(seed, 'commit', '--quiet', '-m', 'gate config');
  for (const tag of ['v1.0.0', 'v1.1.0', 'v1.2.0', 'v1.3.0']) git(seed, 'tag', tag);
  git(seed, 'push', '--quiet', '--tags', remote, 'main');
  // A runner with another GPU type: nvidia-smi as it answers on an L4 machine.
  fakeSmi = path.join(dir, 'nvidia-smi-l4');
  await writeFile(fakeSmi, '#!/bin/sh\necho "NVIDIA L4, 550.54.15"\n');
  await chmod(fakeSmi, 0o755);
  await api.start();
});

afterAll(async () => {
  await api.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Step {
  event: 'push' | 'pull_request';
  ref: string;
  /** Simulator flags: the candidate server's behaviour. */
  server: string[];
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  labels?: string[];
}

interface StepResult {
  run: ActionRun;
  post: ActionRun;
  report: Report;
  checkRun: { title: string; conclusion: string; text: string };
}

let stepNo = 0;
let lastReportPath = '';

/** One workflow run: a fresh checkout of `ref`, the Action's main step, then its post step. */
async function gateStep(s: Step): Promise<StepResult> {
  stepNo++;
  const workspace = path.join(dir, `checkout-${stepNo}`);
  git(dir, 'clone', '--quiet', remote, workspace);
  const head = s.ref.startsWith('refs/tags/') ? s.ref.slice('refs/tags/'.length) : 'main';
  git(workspace, 'checkout', '--quiet', head);
  const sha = git(workspace, 'rev-parse', 'HEAD');
  const eventFile = path.join(dir, `event-${stepNo}.json`);
  await writeFile(
    eventFile,
    JSON.stringify({
      repository: { full_name: 'acme/models', default_branch: 'main' },
      ...(s.event === 'pull_request'
        ? {
            pull_request: {
              number: 7,
              head: { sha, repo: { full_name: 'acme/models' } },
              base: { repo: { full_name: 'acme/models' } },
              labels: (s.labels ?? []).map((name) => ({ name, description: null })),
            },
          }
        : {}),
    }),
  );
  const port = await freePort();
  const simulator = [process.execPath, path.join(ROOT, 'dist/cli.js'), 'simulate', '--port', String(port), '--dataset', path.join(ROOT, 'datasets/starter/v1'), '--ttft-ms', '40', ...s.server].join(' ');
  const documented = await documentedInputs(s.event === 'pull_request' ? 'pr-gate.yml' : 'release-gate.yml');
  const replaced = ['build', 'image', 'engine', 'gpus', 'shm-size', 'concurrency', 'requests'];
  const inputs: Record<string, string> = {
    // The documented step's inputs (those GitHub would fill from expressions are left to the event's defaults);
    // the image target becomes the simulator as a command target, the load shape the small one of llm-gate.yml.
    ...Object.fromEntries(Object.entries(documented).filter(([k, v]) => !replaced.includes(k) && !v.includes('${{'))),
    command: simulator,
    port: String(port),
    'github-token': TOKEN,
    name: 'llm-gate',
    ...s.inputs,
  };
  const env = {
    GITHUB_REPOSITORY: 'acme/models',
    GITHUB_SHA: sha,
    GITHUB_REF: s.ref,
    GITHUB_EVENT_NAME: s.event,
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_API_URL: api.url,
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_RUN_ID: String(1000 + stepNo),
    GITHUB_WORKSPACE: workspace,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    // This machine has no GPU: a missing nvidia-smi is "no GPU", the same for every step unless a step says otherwise.
    LLM_GATE_NVIDIA_SMI: path.join(dir, 'no-such-nvidia-smi'),
    ...(s.event === 'pull_request' ? { GITHUB_BASE_REF: 'main', GITHUB_HEAD_REF: 'feature' } : {}),
    ...s.env,
  };
  api.reset();
  const run = await runAction(MAIN, inputs, env, 90_000, workspace);
  const stateEnv = Object.fromEntries(Object.entries(run.state).map(([k, v]) => [`STATE_${k}`, v]));
  const post = await runAction(POST, { 'github-token': TOKEN }, { ...env, ...stateEnv }, 30_000, workspace);
  const reportPath = run.outputs['report-path'];
  expect(reportPath, run.stdout).toBeDefined();
  const report = reportSchema.parse(JSON.parse(await readFile(path.resolve(workspace, reportPath!), 'utf8')));
  lastReportPath = path.resolve(workspace, reportPath!);
  const patch = api.calls.find((c) => c.method === 'PATCH' && /check-runs\/\d+$/.test(c.path));
  const output = (patch?.body.output ?? {}) as { title?: string; text?: string; summary?: string };
  return {
    run,
    post,
    report,
    checkRun: { title: output.title ?? '', conclusion: String(patch?.body.conclusion ?? ''), text: `${output.summary ?? ''}\n${output.text ?? ''}` },
  };
}

/** What a failing assertion shows: the verdict's reasons, then the end of the step's log. */
const why = (s: StepResult): string => `${JSON.stringify(s.report.reasons)}\n${s.run.stdout.slice(-3000)}`;

const SAME = ['--tpot-ms', '4'];
const SLOWER = ['--tpot-ms', '14', '--ttft-ms', '140'];
const WORSE = [...SAME, '--error-rate', '0.5', '--seed', '3'];

describe.skipIf(!existsSync(MAIN) || !existsSync(POST))('a release history gated by the shipped Action (dist/)', () => {
  let line: string;
  /** report.json of the v1.2.0 cells, for the matrix merge at the end. */
  const cells: Record<string, string> = {};

  it('v1.0.0: the first run passes on absolute checks and publishes its report to the baselines branch', async () => {
    const s = await gateStep({ event: 'push', ref: 'refs/tags/v1.0.0', server: SAME });
    expect(s.run.code, why(s)).toBe(0);
    expect(s.report.verdict).toBe('pass');
    expect(s.report.subject.tag).toBe('v1.0.0');
    // The default dataset was found beside the bundle, not in the workspace.
    expect(s.report.quality?.dataset.name).toBe('starter');
    expect(s.report.comparison).toMatchObject({ baseline: null });
    expect(s.report.comparison?.note).toMatch(/no baseline for identity line .* first run/);
    expect(s.report.identity).toMatchObject({ model: 'sim-model', gpu: { name: 'none', count: 0 }, runner: { os: 'Linux' } });
    line = s.report.identity!.line;
    expect(s.run.summary).toMatch(/^Measured: engine vllm · no GPU · dataset sha256 [0-9a-f]{12} · runner Linux\/X64 · baseline line /m);
    expect(storedPaths()).toEqual([`lines/${line}/tags/v1.0.0.json`]);
    expect(s.checkRun).toMatchObject({ conclusion: 'success', title: 'llm-gate: PASS — no baseline to compare with; absolute checks passed' });
    // Not a pull request: no comment.
    expect(api.calls.some((c) => c.path.includes('/comments'))).toBe(false);
    expect(s.post.code, s.post.stdout).toBe(0);
  });

  it('v1.1.0, unchanged: passes against v1.0.0 and is published', async () => {
    const s = await gateStep({ event: 'push', ref: 'refs/tags/v1.1.0', server: SAME });
    expect(s.run.code, why(s)).toBe(0);
    expect(s.report.verdict).toBe('pass');
    expect(s.report.comparison?.baseline?.ref).toMatch(/^v1\.0\.0 /);
    expect(s.checkRun).toMatchObject({ conclusion: 'success', title: 'llm-gate: PASS — no regressions against the baseline' });
    expect(storedPaths()).toEqual([`lines/${line}/tags/v1.0.0.json`, `lines/${line}/tags/v1.1.0.json`]);
    expect(s.post.code).toBe(0);
  });

  it('a push to main passes against the newest release and becomes main\'s newest report', async () => {
    const s = await gateStep({ event: 'push', ref: 'refs/heads/main', server: SAME });
    expect(s.run.code, why(s)).toBe(0);
    expect(s.report.comparison?.baseline?.ref).toMatch(/^v1\.1\.0 /);
    expect(storedPaths()).toContain(`lines/${line}/branches/main.json`);
  });

  it('a pull request with a slower server fails against main\'s newest report, comments, and publishes nothing', async () => {
    const before = git(remote, 'rev-parse', BRANCH);
    const s = await gateStep({ event: 'pull_request', ref: 'refs/pull/7/merge', server: SLOWER });
    expect(s.run.code, why(s)).toBe(1);
    expect(s.report.verdict).toBe('fail');
    expect(s.report.comparison?.baseline?.ref).toMatch(/^branch main /);
    expect(s.report.reasons.some((r) => /tpot|ttft|e2e/.test(r.dimension))).toBe(true);
    expect(s.checkRun.conclusion).toBe('failure');
    expect(s.checkRun.title).toMatch(/^llm-gate: FAIL — \d+ regressions?/);
    expect(api.comments).toHaveLength(1);
    expect(api.comments[0]!.body).toContain('llm-gate: FAIL');
    expect(git(remote, 'rev-parse', BRANCH)).toBe(before);
  });

  it('v1.2.0 with a worse model fails against v1.1.0 and publishes nothing', async () => {
    const before = git(remote, 'rev-parse', BRANCH);
    const s = await gateStep({ event: 'push', ref: 'refs/tags/v1.2.0', server: WORSE });
    cells.worse = lastReportPath;
    expect(s.run.code, why(s)).toBe(1);
    expect(s.report.verdict).toBe('fail');
    expect(s.report.comparison?.baseline?.ref).toMatch(/^v1\.1\.0 /);
    expect(s.report.reasons.length).toBeGreaterThan(0);
    expect(s.report.reasons.every((r) => r.dimension.startsWith('quality.'))).toBe(true);
    expect(s.checkRun.conclusion).toBe('failure');
    expect(git(remote, 'rev-parse', BRANCH)).toBe(before);
  });

  it('v1.2.0 again with the quality regression accepted: passes, the acceptance is recorded everywhere, and it is published', async () => {
    const reason = 'v1.2 trades quality for a smaller model; approved in RFC-12';
    const s = await gateStep({ event: 'push', ref: 'refs/tags/v1.2.0', server: WORSE, inputs: { accept: `quality.*: ${reason}` } });
    cells.accepted = lastReportPath;
    expect(s.run.code, why(s)).toBe(0);
    expect(s.report.verdict).toBe('pass');
    const accepted = s.report.acceptance?.accepted ?? [];
    expect(accepted.length).toBeGreaterThan(0);
    expect(accepted.every((a) => a.reason === reason && a.source === 'input "accept"')).toBe(true);
    for (const a of accepted) expect(s.report.comparison?.dimensions[a.dimension]).toMatchObject({ regressed: true, accepted: true });
    expect(s.checkRun.conclusion).toBe('success');
    expect(s.checkRun.title).toMatch(/^llm-gate: PASS — \d+ accepted regressions? against the baseline/);
    expect(s.checkRun.text).toContain('Accepted regressions');
    expect(s.run.summary).toContain('Accepted regressions');
    expect(s.run.stdout).toMatch(/::warning::accepted regression quality\./);
    expect(storedPaths()).toContain(`lines/${line}/tags/v1.2.0.json`);
    // The job summary charts the line's releases, this one included.
    expect(s.run.summary).toContain('### Trend over the last releases');
    expect(s.run.summary).toMatch(/x-axis \["v1\.0\.0", "v1\.1\.0", "v1\.2\.0"\]/);
  });

  it('v1.2.0 of another model (a matrix cell) is not compared with the first line: a first run of its own line', async () => {
    const s = await gateStep({ event: 'push', ref: 'refs/tags/v1.2.0', server: [...SAME, '--model', 'other-model'] });
    cells.other = lastReportPath;
    expect(s.run.code, why(s)).toBe(0);
    expect(s.report.identity?.model).toBe('other-model');
    expect(s.report.identity?.line).not.toBe(line);
    expect(s.report.comparison?.baseline).toBeNull();
    expect(s.report.comparison?.note).toContain(`the store holds other lines: ${line}`);
    expect(storedPaths()).toContain(`lines/${s.report.identity!.line}/tags/v1.2.0.json`);
  });

  it('v1.3.0 on another GPU type starts its own line too, and the first line is untouched', async () => {
    const s = await gateStep({ event: 'push', ref: 'refs/tags/v1.3.0', server: SAME, env: { LLM_GATE_NVIDIA_SMI: fakeSmi } });
    expect(s.run.code, why(s)).toBe(0);
    expect(s.report.identity?.gpu).toEqual({ name: 'NVIDIA L4', count: 1, driver: '550.54.15' });
    expect(s.report.comparison?.baseline).toBeNull();
    expect(storedPaths().filter((p) => p.startsWith(`lines/${line}/`))).toEqual([
      `lines/${line}/branches/main.json`,
      `lines/${line}/tags/v1.0.0.json`,
      `lines/${line}/tags/v1.1.0.json`,
      `lines/${line}/tags/v1.2.0.json`,
    ]);
  });

  it('llm-gate history prints each line\'s releases from the baselines branch of a fresh clone', () => {
    const clone = path.join(dir, 'history-clone');
    git(dir, 'clone', '--quiet', remote, clone);
    const out = execFileSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'history', '--store', 'git', '--last', '5'], { cwd: clone, encoding: 'utf8' });
    const section = out.split(/^line /m).find((p) => p.startsWith(line))!;
    expect(section.split('\n').filter((l) => /^v\d/.test(l)).map((l) => l.split(/\s+/)[0])).toEqual(['v1.0.0', 'v1.1.0', 'v1.2.0']);
    expect(section).toMatch(/^v1\.2\.0 .*quality\./m);
    expect(out.match(/^line /gm)).toHaveLength(3);
  });

  it("merges a matrix's cells into one verdict, one check run and one summary with the shipped Action", async () => {
    const env = { GITHUB_REPOSITORY: 'acme/models', GITHUB_SHA: 'e'.repeat(40), GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/tags/v1.2.0', GITHUB_API_URL: api.url };
    api.reset();
    const pass = await runAction(MAIN, { merge: `${cells.accepted}\n${cells.other}`, 'github-token': TOKEN }, env, 30_000, dir);
    expect(pass.code, pass.stdout).toBe(0);
    expect(pass.outputs.verdict).toBe('pass');
    expect(pass.summary).toContain('## **llm-gate: PASS — all 2 cells passed**');
    // Cell names are escaped like any user text (`-` included).
    expect(pass.summary).toMatch(/\| sim\\?-model on no GPU \| \*\*PASS\*\*/);
    expect(pass.summary).toMatch(/\| other\\?-model on no GPU \| \*\*PASS\*\* .* \| none \(first run of its line\)/);
    expect(api.calls.find((c) => c.method === 'PATCH')?.body).toMatchObject({ conclusion: 'success', output: { title: 'llm-gate: PASS — all 2 cells passed' } });
    api.reset();
    const fail = await runAction(MAIN, { merge: `${cells.worse}\n${cells.other}`, 'github-token': TOKEN }, env, 30_000, dir);
    expect(fail.code).toBe(1);
    expect(fail.outputs).toMatchObject({ verdict: 'fail', 'exit-code': '1' });
    expect(fail.stdout).toMatch(/::error::llm-gate: FAIL — 1 of 2 cells did not pass: sim-model on no GPU: quality\./);
    expect(api.calls.find((c) => c.method === 'PATCH')?.body).toMatchObject({ conclusion: 'failure' });
  });

  it('refuses a baseline file of another model, naming the field and the override, before the eval and bench run', async () => {
    const first = path.join(dir, 'v1.0.0-report.json');
    await writeFile(first, git(remote, 'show', `${BRANCH}:lines/${line}/tags/v1.0.0.json`));
    const s = await gateStep({ event: 'pull_request', ref: 'refs/pull/7/merge', server: [...SAME, '--model', 'other-model'], inputs: { baseline: first } });
    expect(s.run.code).toBe(1);
    expect(s.report.verdict).toBe('error');
    expect(s.report.reasons[0]?.message).toMatch(/model: baseline sim-model, candidate other-model.*allow-change model/);
    expect(s.report.quality).toBeNull();
    expect(s.checkRun.conclusion).toBe('failure');
  });
});
