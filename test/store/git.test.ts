import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitBranchStore } from '../../src/store/git.ts';
import { makeReport } from '../compare/fixtures.ts';
import { useTempDirs } from './helpers.ts';

const tempDir = useTempDirs();

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' },
  }).trim();
}

/** A bare "origin" and a checkout of it with one commit on main and a staged change of the user's. */
async function repoWithRemote(): Promise<{ remote: string; clone: () => Promise<string> }> {
  const remote = await tempDir();
  git(remote, 'init', '--bare', '--quiet', '-b', 'main');
  const seed = await tempDir();
  git(seed, 'init', '--quiet', '-b', 'main');
  await writeFile(join(seed, 'README.md'), 'hello\n');
  git(seed, 'add', 'README.md');
  git(seed, 'commit', '--quiet', '-m', 'init');
  git(seed, 'push', '--quiet', remote, 'main');
  return {
    remote,
    clone: async () => {
      const dir = await tempDir();
      git(dir, 'clone', '--quiet', remote, '.');
      return dir;
    },
  };
}

describe('git branch store', () => {
  it('writes reports to llm-gate-baselines on the remote without touching the checkout', async () => {
    const { remote, clone } = await repoWithRemote();
    const work = await clone();
    await writeFile(join(work, 'staged.txt'), 'mine\n');
    git(work, 'add', 'staged.txt');
    const headBefore = git(work, 'rev-parse', 'HEAD');
    const store = new GitBranchStore({ repoDir: work, remote: 'origin' });
    expect(await store.list()).toEqual([]);
    await store.write(makeReport({ tag: 'v1.0.0' }), { kind: 'tag', name: 'v1.0.0' });
    await store.write(makeReport({ tag: 'v1.1.0' }), { kind: 'tag', name: 'v1.1.0' });
    expect(git(work, 'rev-parse', 'HEAD')).toBe(headBefore);
    expect(git(work, 'status', '--porcelain')).toBe('A  staged.txt');
    expect(git(remote, 'ls-tree', '-r', '--name-only', 'llm-gate-baselines').split('\n')).toEqual(['tags/v1.0.0.json', 'tags/v1.1.0.json']);
    // Another checkout finds and reads them.
    const other = new GitBranchStore({ repoDir: await clone(), remote: 'origin' });
    const refs = await other.list();
    expect(refs.map((r) => r.name).sort()).toEqual(['v1.0.0', 'v1.1.0']);
    expect((await other.read(refs.find((r) => r.name === 'v1.1.0')!)).subject.tag).toBe('v1.1.0');
  });

  it('keeps both reports when two runs write from checkouts that are behind', async () => {
    const { remote, clone } = await repoWithRemote();
    const a = new GitBranchStore({ repoDir: await clone(), remote: 'origin' });
    const b = new GitBranchStore({ repoDir: await clone(), remote: 'origin' });
    await a.write(makeReport({ tag: 'v1.0.0' }), { kind: 'tag', name: 'v1.0.0' });
    await b.write(makeReport({ tag: 'v1.0.1' }), { kind: 'tag', name: 'v1.0.1' });
    await Promise.all([
      a.write(makeReport({ tag: 'v1.0.2' }), { kind: 'tag', name: 'v1.0.2' }),
      b.write(makeReport({}), { kind: 'branch', name: 'main' }),
    ]);
    expect(git(remote, 'ls-tree', '-r', '--name-only', 'llm-gate-baselines').split('\n').sort()).toEqual([
      'branches/main.json',
      'tags/v1.0.0.json',
      'tags/v1.0.1.json',
      'tags/v1.0.2.json',
    ]);
  });

  it('lands every report when six publishers of a matrix push to one bare remote at once', async () => {
    const { remote, clone } = await repoWithRemote();
    const stores = await Promise.all(Array.from({ length: 6 }, async () => new GitBranchStore({ repoDir: await clone(), remote: 'origin' })));
    await Promise.all(stores.map((s, i) => s.write(makeReport({ tag: 'v3.0.0' }), { kind: 'tag', name: 'v3.0.0', line: `model-${i}.cpu.0000000${i}` })));
    const files = git(remote, 'ls-tree', '-r', '--name-only', 'llm-gate-baselines').split('\n').sort();
    expect(files).toEqual(Array.from({ length: 6 }, (_, i) => `lines/model-${i}.cpu.0000000${i}/tags/v3.0.0.json`));
    const refs = await new GitBranchStore({ repoDir: await clone(), remote: 'origin' }).list();
    expect(refs.map((r) => r.line).sort()).toEqual(Array.from({ length: 6 }, (_, i) => `model-${i}.cpu.0000000${i}`));
  });

  it('says which permission is missing instead of retrying when the remote refuses the push', async () => {
    const { remote, clone } = await repoWithRemote();
    // A pre-receive hook that refuses everything, as a read-only token would be refused.
    const hook = join(remote, 'hooks', 'pre-receive');
    await writeFile(hook, '#!/bin/sh\necho "permission to acme/models.git denied to github-actions[bot]" >&2\nexit 1\n', { mode: 0o755 });
    const store = new GitBranchStore({ repoDir: await clone(), remote: 'origin' });
    await expect(store.write(makeReport({ tag: 'v1.0.0' }), { kind: 'tag', name: 'v1.0.0' })).rejects.toThrow(/contents: write/);
  });

  it('works on a local branch when there is no remote', async () => {
    const dir = await tempDir();
    git(dir, 'init', '--quiet', '-b', 'main');
    const store = new GitBranchStore({ repoDir: dir });
    await store.write(makeReport({ tag: 'v2.0.0' }), { kind: 'tag', name: 'v2.0.0' });
    const [ref] = await store.list();
    expect(ref).toMatchObject({ kind: 'tag', name: 'v2.0.0', location: 'llm-gate-baselines:tags/v2.0.0.json' });
    expect((await store.read(ref!)).subject.tag).toBe('v2.0.0');
  });

  it('says to check out the repository when the remote cannot be resolved from the working directory', async () => {
    const outside = await tempDir();
    const noRemote = await tempDir();
    git(noRemote, 'init', '--quiet', '-b', 'main');
    for (const repoDir of [outside, noRemote]) {
      await expect(new GitBranchStore({ repoDir, remote: 'origin' }).list()).rejects.toThrow(/cannot reach the remote: .*run actions\/checkout before llm-gate, or set store: local or artifacts\)$/s);
    }
  });

  it('names the branch and path of a corrupt report', async () => {
    const dir = await tempDir();
    git(dir, 'init', '--quiet', '-b', 'llm-gate-baselines');
    await writeFile(join(dir, 'x.json'), 'not json');
    const blob = git(dir, 'hash-object', '-w', 'x.json');
    git(dir, 'update-index', '--add', '--cacheinfo', `100644,${blob},tags/v1.0.0.json`);
    git(dir, 'commit', '--quiet', '-m', 'corrupt');
    const store = new GitBranchStore({ repoDir: dir });
    const [ref] = await store.list();
    await expect(store.read(ref!)).rejects.toThrow(/llm-gate-baselines:tags\/v1\.0\.0\.json: not valid JSON/);
  });
});
