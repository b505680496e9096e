import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/report/github/client.ts';
import { commentMarker } from '../../src/report/github/comment.ts';
import { readGitHubContext, type GitHubContext } from '../../src/report/github/context.ts';
import { GitHubReporter } from '../../src/report/github/reporter.ts';
import type { Report } from '../../src/report/schema.ts';
import { failingReport } from './fixtures.ts';
import { FakeGitHubApi } from './github-api.ts';

const api = new FakeGitHubApi();
beforeAll(() => api.start());
afterAll(() => api.stop());
beforeEach(() => api.reset());

const HEAD = 'a'.repeat(40);

function context(overrides: Partial<GitHubContext> = {}): GitHubContext {
  return {
    owner: 'acme',
    repo: 'models',
    sha: HEAD,
    apiUrl: api.url,
    runUrl: 'https://github.example/acme/models/actions/runs/7',
    workspace: '/work/repo',
    pullRequest: { number: 12, fromFork: false },
    ...overrides,
  };
}

function reporter(ctx = context(), name = 'llm-gate'): GitHubReporter {
  return new GitHubReporter({ client: createClient('t0ken', api.url), context: ctx, name, checkRun: true, comment: true });
}

function reportWithDataset(): Report {
  const report = failingReport();
  report.quality!.dataset.path = '/work/repo/datasets/starter/v1';
  return report;
}

const paths = () => api.calls.map((c) => `${c.method} ${c.path}`);

describe('check run', () => {
  it('is created in progress on the pull request head, then completed with the verdict, summary and annotations', async () => {
    const r = reporter();
    expect(await r.start()).toEqual([]);
    const result = await r.finish({ report: reportWithDataset() });

    expect(paths()).toEqual([
      'POST /repos/acme/models/check-runs',
      'PATCH /repos/acme/models/check-runs/100',
      'GET /repos/acme/models/issues/12/comments',
      'POST /repos/acme/models/issues/12/comments',
    ]);
    const [create, complete] = api.calls;
    expect(create!.body).toMatchObject({ name: 'llm-gate', head_sha: HEAD, status: 'in_progress' });
    expect(complete!.body).toMatchObject({ status: 'completed', conclusion: 'failure' });
    const output = complete!.body.output as { title: string; summary: string; annotations: Record<string, unknown>[] };
    expect(output.title).toBe('llm-gate: FAIL — 2 regressions');
    expect(output.summary).toContain('### Comparison with the baseline');
    expect(output.annotations).toEqual([
      expect.objectContaining({
        path: 'datasets/starter/v1/items.jsonl',
        start_line: 2,
        end_line: 2,
        annotation_level: 'failure',
        message: 'expected 42',
      }),
    ]);
    expect(result.checkRun).toEqual({ id: 100, url: 'https://github.example/checks/100' });
    expect(result.notices).toEqual([]);
  });

  it('sends more than 50 annotations in batches of 50 and completes the run with the last batch', async () => {
    const report = reportWithDataset();
    const dim = report.quality!.dimensions.arithmetic!;
    dim.items = Array.from({ length: 120 }, (_, i) => ({ id: `i${i}`, score: 0, output: 'x', line: i + 1 }));
    const r = reporter();
    await r.start();
    await r.finish({ report });
    const patches = api.calls.filter((c) => c.method === 'PATCH' && c.path.includes('check-runs'));
    expect(patches.map((p) => (p.body.output as { annotations: unknown[] }).annotations.length)).toEqual([50, 50, 20]);
    expect(patches.map((p) => p.body.status)).toEqual([undefined, undefined, 'completed']);
  });

  it('concludes neutral when the gate was skipped, and passes as success', async () => {
    const skipped = reporter();
    await skipped.start();
    await skipped.finish({ skipped: 'no model files changed' });
    expect(api.calls.at(-1)!.body).toMatchObject({
      conclusion: 'neutral',
      output: { title: 'llm-gate: SKIPPED', summary: 'The gate was skipped: no model files changed' },
    });
    api.reset();
    await reporter(context({ pullRequest: null })).finish({ report: failingReport({ verdict: 'pass', reasons: [] }) });
    expect(paths()).toEqual(['POST /repos/acme/models/check-runs']);
    expect(api.calls[0]!.body).toMatchObject({ status: 'completed', conclusion: 'success' });
  });

  it('falls back to a commit status when checks cannot be written', async () => {
    api.denied.push('/check-runs');
    const r = reporter(context({ pullRequest: null }));
    const notices = await r.start();
    expect(notices[0]!.message).toContain('The token needs "checks: write"');
    const result = await r.finish({ report: failingReport() });
    expect(result.statusPosted).toBe(true);
    const status = api.calls.find((c) => c.path === `/repos/acme/models/statuses/${HEAD}`)!;
    expect(status.body).toMatchObject({ state: 'failure', context: 'llm-gate', description: 'llm-gate: FAIL — 2 regressions' });
    // The check run is not retried once denied.
    expect(api.calls.filter((c) => c.path.includes('check-runs'))).toHaveLength(1);
  });
});

describe('pull request comment', () => {
  it('is updated in place on a second run, never duplicated, and keeps the details collapsed', async () => {
    api.comments.length = 0;
    api.comments.push({ id: 1, body: 'LGTM @someone', html_url: 'x' });
    const first = await reporter().finish({ report: failingReport() });
    expect(first.comment?.action).toBe('created');
    const second = await reporter().finish({ report: failingReport({ verdict: 'pass', reasons: [] }) });
    expect(second.comment).toMatchObject({ action: 'updated', id: first.comment!.id });
    expect(api.comments).toHaveLength(2);
    const body = api.comments[1]!.body;
    expect(body.startsWith(`${commentMarker('llm-gate')}\n## ✅ llm-gate: PASS`)).toBe(true);
    expect(body).toContain('<details><summary>Full report</summary>');
    expect(body).toContain('[Workflow run](https://github.example/acme/models/actions/runs/7)');
    expect(Buffer.byteLength(body)).toBeLessThan(65_536);
  });

  it('keeps one comment per gate name, so a matrix of gates does not overwrite itself', async () => {
    api.comments.length = 0;
    await reporter(context(), 'llm-gate (h100)').finish({ report: failingReport() });
    await reporter(context(), 'llm-gate (l4)').finish({ report: failingReport() });
    await reporter(context(), 'llm-gate (h100)').finish({ report: failingReport() });
    expect(api.comments.map((c) => c.body.split('\n')[0])).toEqual([
      '<!-- llm-gate:llm-gate _h100_ -->',
      '<!-- llm-gate:llm-gate _l4_ -->',
    ]);
  });
});

describe('fork pull request (read-only token)', () => {
  it('degrades to notices without throwing when every write is refused', async () => {
    api.readOnly = true;
    const r = reporter(context({ pullRequest: { number: 12, fromFork: true } }));
    const started = await r.start();
    const result = await r.finish({ report: failingReport() });
    const notices = [...started, ...result.notices];
    expect(notices.map((n) => n.level)).toEqual(['notice', 'notice', 'notice']);
    expect(notices[0]!.message).toMatch(
      /^llm-gate could not create the check run \(HTTP 403: Resource not accessible by integration.*\)\. This pull request comes from a fork/,
    );
    expect(notices[2]!.message).toContain('comment on pull request #12');
    expect(notices.every((n) => n.message.endsWith('The verdict is in the job summary and the step outputs.'))).toBe(true);
    expect(result.statusPosted).toBe(false);
    expect(result.checkRun).toBeUndefined();
    expect(result.comment).toBeUndefined();
  });

  it('degrades with a warning when the API cannot be reached at all', async () => {
    const ctx = context({ apiUrl: 'http://127.0.0.1:9' });
    const r = new GitHubReporter({ client: createClient('t', 'http://127.0.0.1:9'), context: ctx, name: 'llm-gate', checkRun: true, comment: true });
    const notices = [...(await r.start()), ...(await r.finish({ report: failingReport() })).notices];
    expect(notices.map((n) => n.level)).toEqual(['warning', 'warning', 'warning']);
  });
});

describe('readGitHubContext', () => {
  it('reports on the pull request head and detects a fork from the event payload', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'llm-gate-ctx-'));
    const event = path.join(dir, 'event.json');
    await writeFile(
      event,
      JSON.stringify({
        pull_request: {
          number: 5,
          head: { sha: HEAD, repo: { full_name: 'someone/models' } },
          base: { repo: { full_name: 'acme/models' } },
        },
      }),
    );
    const ctx = readGitHubContext({
      GITHUB_REPOSITORY: 'acme/models',
      GITHUB_SHA: 'b'.repeat(40),
      GITHUB_EVENT_PATH: event,
      GITHUB_API_URL: api.url,
      GITHUB_SERVER_URL: 'https://github.example',
      GITHUB_RUN_ID: '7',
    });
    expect(ctx).toMatchObject({
      sha: HEAD,
      apiUrl: api.url,
      runUrl: 'https://github.example/acme/models/actions/runs/7',
      pullRequest: { number: 5, fromFork: true },
    });
    expect(readGitHubContext({})).toBeNull();
  });
});
