import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BaselineError, findBaseline, preflightBaseline, publishReport, resolveBaseline, type BaselineSettings } from '../../src/store/baseline.ts';
import { compareSemver, parseSemver } from '../../src/store/semver.ts';
import { LocalDirStore } from '../../src/store/local.ts';
import { baselineKeyForRun } from '../../src/store/policy.ts';
import { useTempDirs } from './helpers.ts';
import { makeReport } from '../compare/fixtures.ts';

const tempDir = useTempDirs();

async function storeWith(tags: string[], branches: string[] = []): Promise<LocalDirStore> {
  const store = new LocalDirStore(await tempDir());
  for (const tag of tags) await store.write(makeReport({ tag }), { kind: 'tag', name: tag });
  for (const b of branches) await store.write(makeReport({ tag: `branch-${b}` }), { kind: 'branch', name: b });
  return store;
}

describe('resolveBaseline', () => {
  it('takes the previous release before the candidate tag, in semver order', async () => {
    const store = await storeWith(['v1.2.0', 'v1.9.0', 'v1.10.0', 'v1.11.0-rc.1', 'v2.0.0', 'nightly']);
    const r = await resolveBaseline({ spec: 'auto', store, candidateTag: 'v1.11.0', required: true });
    expect(r.baseline?.report.subject.tag).toBe('v1.10.0');
    expect(r.note).toMatch(/baseline: tag v1\.10\.0 from local directory .* \(the release before v1\.11\.0\)/);
  });

  it('lets a prerelease compare with the prerelease before it', async () => {
    const store = await storeWith(['v1.0.0', 'v1.1.0-rc.1', 'v1.1.0-rc.2']);
    const r = await resolveBaseline({ spec: 'auto', store, candidateTag: 'v1.1.0-rc.10', required: true });
    expect(r.baseline?.report.subject.tag).toBe('v1.1.0-rc.2');
  });

  it("takes the target branch's latest report on a pull request", async () => {
    const store = await storeWith(['v1.0.0'], ['main', 'dev']);
    const r = await resolveBaseline({ spec: 'auto', store, branch: 'main', required: false });
    expect(r.baseline?.report.subject.tag).toBe('branch-main');
  });

  it('passes a first run on absolute thresholds only and says so', async () => {
    const store = await storeWith([]);
    const r = await resolveBaseline({ spec: 'auto', store, candidateTag: 'v1.0.0', required: false });
    expect(r.baseline).toBeNull();
    expect(r.note).toMatch(/no baseline in local directory .*: the release before v1\.0\.0; first run, passes on absolute thresholds only/);
  });

  it('is an error when a required baseline is missing', async () => {
    const store = await storeWith(['v2.0.0']);
    const p = resolveBaseline({ spec: 'auto', store, candidateTag: 'v1.0.0', required: true });
    await expect(p).rejects.toThrow(BaselineError);
    await expect(p).rejects.toMatchObject({ code: 'missing', message: expect.stringMatching(/requireBaseline/) });
  });

  it('is an error, even when not required, when the stored baseline is corrupt', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'tags'), { recursive: true });
    await writeFile(join(dir, 'tags', 'v1.0.0.json'), '{broken');
    const p = resolveBaseline({ spec: 'auto', store: new LocalDirStore(dir), candidateTag: 'v1.1.0', required: false });
    await expect(p).rejects.toMatchObject({ code: 'unreadable', message: expect.stringMatching(/tag v1\.0\.0 in local directory .* is unusable: .*tags\/v1\.0\.0\.json: not valid JSON/) });
  });

  it('reads a PATH and records its sha256', async () => {
    const dir = await tempDir();
    const path = join(dir, 'report.json');
    await writeFile(path, JSON.stringify(makeReport({ tag: 'from-file' })));
    const r = await resolveBaseline({ spec: path, store: await storeWith([]), required: true });
    expect(r.baseline?.report.subject.tag).toBe('from-file');
    expect(r.baseline?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is a missing-baseline error for a PATH that does not exist', async () => {
    const p = resolveBaseline({ spec: '/nonexistent/report.json', store: await storeWith([]), required: false });
    await expect(p).rejects.toThrow(/to run without one pass --baseline none/);
    await expect(p).rejects.toMatchObject({ code: 'missing', message: expect.stringMatching(/\/nonexistent\/report\.json: cannot read \(ENOENT\)/) });
  });

  it('looks only in the candidate\'s identity line, then at reports stored before lines, and names the other lines', async () => {
    const store = new LocalDirStore(await tempDir());
    await store.write(makeReport({ tag: 'v1.0.0' }), { kind: 'tag', name: 'v1.0.0', line: 'a.cpu.1' });
    await store.write(makeReport({ tag: 'v1.1.0' }), { kind: 'tag', name: 'v1.1.0', line: 'b.cpu.2' });
    const inLine = await resolveBaseline({ spec: 'auto', store, candidateTag: 'v1.2.0', required: false, line: 'a.cpu.1' });
    expect(inLine.baseline?.report.subject.tag).toBe('v1.0.0');
    expect(inLine.note).toContain('of line a.cpu.1');
    const none = await resolveBaseline({ spec: 'auto', store, candidateTag: 'v1.2.0', required: false, line: 'c.cpu.3' });
    expect(none.baseline).toBeNull();
    expect(none.note).toMatch(/no baseline for identity line c\.cpu\.3 .*other lines: a\.cpu\.1, b\.cpu\.2/);
    await store.write(makeReport({ tag: 'v0.9.0' }), { kind: 'tag', name: 'v0.9.0' });
    const legacy = await resolveBaseline({ spec: 'auto', store, candidateTag: 'v1.2.0', required: false, line: 'c.cpu.3' });
    expect(legacy.baseline?.report.subject.tag).toBe('v0.9.0');
  });

  it('falls back to the newest release when the pull request\'s base branch has no report yet', async () => {
    const store = await storeWith(['v1.0.0', 'v1.1.0']);
    const r = await resolveBaseline({ spec: 'auto', store, branch: 'main', required: false });
    expect(r.baseline?.report.subject.tag).toBe('v1.1.0');
    expect(r.note).toContain('the latest report of branch main, none yet, so the newest release');
  });

  it('skips comparison for none', async () => {
    const r = await resolveBaseline({ spec: 'none', store: await storeWith(['v1.0.0']), required: true });
    expect(r).toEqual({ baseline: null, note: 'baseline: none asked for; passes on absolute thresholds only' });
  });
});

describe('semver', () => {
  it('orders versions as the spec does', () => {
    const order = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', 'v1.0.1', '1.10.0'];
    const parsed = order.map((v) => parseSemver(v)!);
    for (let i = 1; i < parsed.length; i++) expect(compareSemver(parsed[i - 1]!, parsed[i]!)).toBeLessThan(0);
    expect(parseSemver('latest')).toBeUndefined();
    expect(compareSemver(parseSemver('1.0.0+build.1')!, parseSemver('1.0.0')!)).toBe(0);
  });
});

describe('baselineKeyForRun', () => {
  const pass = makeReport({ tag: 'v1.2.0' });
  it('stores a passing tag run under its tag', () => {
    expect(baselineKeyForRun(pass, { eventName: 'push', ref: 'refs/tags/v1.2.0' })).toEqual({ kind: 'tag', name: 'v1.2.0' });
  });
  it('stores a passing push to a branch as that branch’s latest', () => {
    expect(baselineKeyForRun(makeReport({}), { eventName: 'push', ref: 'refs/heads/main' })).toEqual({ kind: 'branch', name: 'main' });
  });
  it('stores a push only when it is to the default branch, where the default branch is known', () => {
    const ctx = { eventName: 'push', defaultBranch: 'main' };
    expect(baselineKeyForRun(makeReport({}), { ...ctx, ref: 'refs/heads/main' })).toEqual({ kind: 'branch', name: 'main' });
    expect(baselineKeyForRun(makeReport({}), { ...ctx, ref: 'refs/heads/feature/x' })).toBeNull();
  });
  it('never stores from a pull request or a run that did not pass', () => {
    expect(baselineKeyForRun(pass, { eventName: 'pull_request', ref: 'refs/pull/1/merge' })).toBeNull();
    expect(baselineKeyForRun({ ...pass, verdict: 'fail' }, { eventName: 'push', ref: 'refs/tags/v1.2.0' })).toBeNull();
  });
});

describe('preflightBaseline and publishReport', () => {
  const settings = (storeDir: string, over: Partial<BaselineSettings> = {}): BaselineSettings => ({
    store: 'local',
    storeDir,
    gitBranch: 'llm-gate-baselines',
    baseline: 'auto',
    requireBaseline: false,
    ...over,
  });

  it('checks before booting that a required baseline is in the store, and hands back a baseline file', async () => {
    const dir = await tempDir();
    await expect(preflightBaseline(settings(dir), {})).resolves.toBeUndefined();
    await expect(preflightBaseline(settings(dir, { requireBaseline: true }), {})).rejects.toThrow(/no baseline in local directory .*, and compare\.requireBaseline is set/);
    const file = join(dir, 'base.json');
    await writeFile(file, JSON.stringify(makeReport({ tag: 'v1.0.0' })));
    expect((await preflightBaseline(settings(dir, { baseline: file }), {}))?.subject.tag).toBe('v1.0.0');
    await expect(preflightBaseline(settings(dir, { baseline: join(dir, 'missing.json') }), {})).rejects.toBeInstanceOf(BaselineError);
  });

  it('says what the artifact store needs from the environment it is handed', async () => {
    await expect(preflightBaseline(settings(await tempDir(), { store: 'artifacts' }), {})).rejects.toThrow(/GITHUB_REPOSITORY and GITHUB_TOKEN/);
  });

  it('files a passing tag run under its identity line, never a pull request or with publish off', async () => {
    const dir = await tempDir();
    const report = { ...makeReport({ tag: 'v1.2.0' }), identity: { model: 'm', line: 'line-a' } };
    const stored = await publishReport({ ...settings(dir), publish: true }, report, { eventName: 'push', ref: 'refs/tags/v1.2.0' }, {});
    expect(stored).toMatchObject({ kind: 'tag', name: 'v1.2.0', line: 'line-a' });
    expect(await findBaseline(settings(dir), { tag: 'v1.3.0', line: 'line-a' }, {})).toMatchObject({ baseline: { report: { subject: { tag: 'v1.2.0' } } } });
    expect(await publishReport({ ...settings(dir), publish: true }, report, { eventName: 'pull_request' }, {})).toBeNull();
    expect(await publishReport({ ...settings(dir), publish: false }, report, { eventName: 'push', ref: 'refs/tags/v1.2.0' }, {})).toBeNull();
  });
});
