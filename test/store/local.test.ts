import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/create.ts';
import { LocalDirStore } from '../../src/store/local.ts';
import { ReportReadError } from '../../src/store/read-report.ts';
import { makeReport } from '../compare/fixtures.ts';
import { useTempDirs } from './helpers.ts';

const tempDir = useTempDirs();

describe('local directory store', () => {
  it('keeps one report per tag and the latest per branch, and reads them back validated', async () => {
    const store = new LocalDirStore(await tempDir());
    await store.write(makeReport({ tag: 'v1.0.0', secondsToReady: 1 }), { kind: 'tag', name: 'v1.0.0' });
    await store.write(makeReport({ tag: 'release/2.0', secondsToReady: 2 }), { kind: 'tag', name: 'release/2.0' });
    await store.write(makeReport({ secondsToReady: 3 }), { kind: 'branch', name: 'main' });
    await store.write(makeReport({ secondsToReady: 4 }), { kind: 'branch', name: 'main' });
    const refs = await store.list();
    expect(refs.map((r) => `${r.kind}:${r.name}`).sort()).toEqual(['branch:main', 'tag:release/2.0', 'tag:v1.0.0']);
    const main = refs.find((r) => r.kind === 'branch')!;
    expect((await store.read(main)).readiness?.secondsToReady).toBe(4);
    const slashed = refs.find((r) => r.name === 'release/2.0')!;
    expect((await store.read(slashed)).subject.tag).toBe('release/2.0');
  });

  it('lists nothing when the directory does not exist yet', async () => {
    expect(await new LocalDirStore(join(await tempDir(), 'absent')).list()).toEqual([]);
  });

  it('names the file when a stored report is corrupt', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'tags'), { recursive: true });
    await writeFile(join(dir, 'tags', 'v1.0.0.json'), '{"schemaVersion": 1, "tool": ');
    const store = new LocalDirStore(dir);
    const [ref] = await store.list();
    await expect(store.read(ref!)).rejects.toThrow(ReportReadError);
    await expect(store.read(ref!)).rejects.toThrow(`${join(dir, 'tags', 'v1.0.0.json')}: not valid JSON`);
  });

  it('names the file and the field when a report has a foreign schema', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'tags'), { recursive: true });
    const report = makeReport({});
    await writeFile(join(dir, 'tags', 'v2.json'), JSON.stringify({ ...report, schemaVersion: 2 }));
    await writeFile(join(dir, 'tags', 'v3.json'), JSON.stringify({ ...report, verdict: 'maybe' }));
    await writeFile(join(dir, 'tags', 'v4.json'), JSON.stringify({ name: 'something else' }));
    const store = new LocalDirStore(dir);
    const read = (name: string) => store.read({ kind: 'tag', name, location: '' });
    await expect(read('v2')).rejects.toThrow(/v2\.json: report schemaVersion 2 is not the supported 1/);
    await expect(read('v3')).rejects.toThrow(/v3\.json: does not match the report schema: verdict:/);
    await expect(read('v4')).rejects.toThrow(/v4\.json: not an llm-gate report/);
  });
});

describe('createStore', () => {
  it('makes the configured store, and says what the artifacts store needs when it is missing', () => {
    expect(createStore({ store: 'local', storeDir: 'x', gitBranch: 'b' }, {}).name).toBe('local directory x');
    expect(createStore({ store: 'git', storeDir: 'x', gitBranch: 'b' }, {}, '/tmp').name).toBe('git branch b on origin');
    expect(() => createStore({ store: 'artifacts', storeDir: 'x', gitBranch: 'b' }, {})).toThrow(/needs GITHUB_REPOSITORY and GITHUB_TOKEN/);
    expect(createStore({ store: 'artifacts', storeDir: 'x', gitBranch: 'b' }, { GITHUB_REPOSITORY: 'o/r', GITHUB_TOKEN: 't' }).name).toBe(
      'workflow artifacts of o/r',
    );
  });
});
