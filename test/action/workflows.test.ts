import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { reportOutputs } from '../../src/action/outputs.ts';
import { failingReport } from '../report/fixtures.ts';

const stepSchema = z
  .object({
    name: z.string().optional(),
    id: z.string().optional(),
    if: z.string().optional(),
    uses: z.string().optional(),
    run: z.string().optional(),
    with: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    env: z.record(z.string(), z.string()).optional(),
  })
  .strict()
  .refine((s) => (s.uses === undefined) !== (s.run === undefined), 'a step has exactly one of uses or run');

const permissionsSchema = z.partialRecord(
  z.enum(['actions', 'checks', 'contents', 'deployments', 'id-token', 'issues', 'packages', 'pull-requests', 'statuses']),
  z.enum(['read', 'write', 'none']),
);

const jobSchema = z.object({
  'runs-on': z.union([z.string(), z.array(z.string())]),
  if: z.string().optional(),
  needs: z.union([z.string(), z.array(z.string())]).optional(),
  permissions: permissionsSchema.optional(),
  environment: z.union([z.string(), z.object({ name: z.string(), url: z.string().optional() })]).optional(),
  steps: z.array(stepSchema).min(1),
});

const workflowSchema = z.object({
  name: z.string(),
  on: z.record(z.string(), z.unknown()),
  permissions: permissionsSchema.optional(),
  jobs: z.record(z.string(), jobSchema.passthrough()),
});

const actionSchema = z.object({
  name: z.string(),
  description: z.string(),
  branding: z.object({ icon: z.string(), color: z.string() }),
  inputs: z.record(z.string(), z.object({ description: z.string().min(10), required: z.literal(false), default: z.string() })),
  outputs: z.record(z.string(), z.object({ description: z.string().min(10) })),
  runs: z.object({ using: z.literal('node24'), main: z.literal('dist/index.js'), post: z.literal('dist/post.js'), 'post-if': z.literal('always()') }),
});

const action = actionSchema.parse(parse(readFileSync('action.yml', 'utf8')));
const dir = 'docs/workflows';
const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));

describe('action.yml', () => {
  it('documents every input with a default and runs on node24 with an always-run post step', () => {
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(['image', 'build', 'command', 'url', 'github-token', 'skip']));
  });

  it('declares every output the Action sets', () => {
    const set = [...Object.keys(reportOutputs(failingReport())), 'exit-code', 'report-path', 'summary-path', 'check-run-url', 'comment-url'];
    expect(Object.keys(action.outputs).sort()).toEqual(set.sort());
  });
});

describe.each(files)('docs/workflows/%s (actionlint is not installable here: structural checks with yaml instead)', (file) => {
  const workflow = workflowSchema.parse(parse(readFileSync(path.join(dir, file), 'utf8')));
  const jobs = Object.entries(workflow.jobs);
  const steps = jobs.flatMap(([, job]) => job.steps);

  it('has triggers, jobs with steps, and never runs on pull_request_target', () => {
    expect(Object.keys(workflow.on).length).toBeGreaterThan(0);
    expect(workflow.on).not.toHaveProperty('pull_request_target');
  });

  it('pins every action to a version and gates with llm-gate', () => {
    for (const step of steps) if (step.uses) expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@(v\d+(\.\d+)*|[0-9a-f]{40})$/);
    expect(steps.some((s) => s.uses?.startsWith('org/llm-gate@'))).toBe(true);
  });

  it('passes only inputs that action.yml declares, and reads only outputs it declares', () => {
    for (const step of steps.filter((s) => s.uses?.startsWith('org/llm-gate@'))) {
      for (const key of Object.keys(step.with ?? {})) expect(Object.keys(action.inputs)).toContain(key);
    }
    const text = readFileSync(path.join(dir, file), 'utf8');
    for (const m of text.matchAll(/steps\.gate\.outputs\.([\w-]+)/g)) expect(Object.keys(action.outputs)).toContain(m[1]);
  });

  it('grants each gating job the permissions its reporting needs', () => {
    for (const [, job] of jobs.filter(([, j]) => j.steps.some((s) => s.uses?.startsWith('org/llm-gate@')))) {
      const permissions = { ...workflow.permissions, ...job.permissions };
      expect(permissions).toMatchObject({ checks: 'write', statuses: 'write' });
      // The git-branch store publishes from tag and default-branch push runs only; a pull request only reads it.
      const publishes = 'push' in workflow.on;
      expect(permissions.contents).toBe(publishes ? 'write' : 'read');
      const gate = job.steps.find((s) => s.uses?.startsWith('org/llm-gate@'))!;
      if (gate.with?.comment !== false && 'pull_request' in workflow.on) expect(permissions['pull-requests']).toBe('write');
    }
  });

  it('keeps fork pull requests off self-hosted runners', () => {
    if (!('pull_request' in workflow.on)) return;
    for (const [, job] of jobs) {
      const selfHosted = ([] as string[]).concat(job['runs-on']).includes('self-hosted');
      if (selfHosted) expect(job.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
    }
  });

  it('uploads report.json as an artifact', () => {
    const uploads = steps.filter((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(uploads.length).toBeGreaterThan(0);
    expect(uploads.some((s) => String(s.with?.path).includes('report.json'))).toBe(true);
  });
});

describe('docs/workflows/release-gate.yml', () => {
  it('promotes only after a passing gate, through an environment with required reviewers', () => {
    const workflow = workflowSchema.parse(parse(readFileSync(path.join(dir, 'release-gate.yml'), 'utf8')));
    const promote = workflow.jobs.promote!;
    expect(promote.needs).toBe('gate');
    expect(promote.if).toBe("needs.gate.outputs.verdict == 'pass'");
    expect(promote.environment).toMatchObject({ name: 'production' });
    // Baselines need no upload step: the Action's git-branch store publishes a passing tag's report itself.
    expect(workflow.jobs.gate!.permissions?.contents).toBe('write');
    expect(workflow.jobs.gate!.steps.some((s) => String(s.with?.name).startsWith('llm-gate-report-tag-'))).toBe(false);
  });
});

describe("the README's workflow", () => {
  const readme = readFileSync('README.md', 'utf8');
  const block = /### In a workflow\n\n```yaml\n([\s\S]*?)```/.exec(readme)?.[1];

  it('is valid YAML whose llm-gate step uses only declared inputs, with the permission its default store needs to publish', () => {
    expect(block).toBeDefined();
    const doc = parse(block!) as { on: Record<string, unknown>; permissions: Record<string, string>; jobs: Record<string, { steps: z.infer<typeof stepSchema>[] }> };
    const steps = Object.values(doc.jobs).flatMap((j) => j.steps.map((s) => stepSchema.parse(s)));
    const gate = steps.find((s) => s.uses?.startsWith('org/llm-gate@'))!;
    for (const key of Object.keys(gate.with ?? {})) expect(Object.keys(action.inputs)).toContain(key);
    // A tag run publishes its passing report to the baselines branch: it needs contents: write.
    expect(doc.on).toHaveProperty('push');
    expect(doc.permissions).toMatchObject({ contents: 'write', checks: 'write' });
  });

  it('gates with the same llm-gate inputs as docs/workflows/release-gate.yml, which the release-sequence test runs', () => {
    const doc = parse(block!) as { jobs: Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }> };
    const readmeKeys = Object.keys(Object.values(doc.jobs)[0]!.steps.find((s) => s.uses?.startsWith('org/llm-gate@'))!.with ?? {});
    const release = parse(readFileSync(path.join(dir, 'release-gate.yml'), 'utf8')) as typeof doc;
    const releaseKeys = Object.keys(release.jobs.gate!.steps.find((s) => s.uses?.startsWith('org/llm-gate@'))!.with ?? {});
    // The release workflow adds only what a release needs on top (tag naming, no PR comment, accepted trade-offs).
    expect(readmeKeys.filter((k) => k !== 'engine')).toEqual(expect.arrayContaining(releaseKeys.filter((k) => !['tag', 'comment', 'accept'].includes(k))));
  });
});
