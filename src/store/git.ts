import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from '../report/schema.ts';
import { parseReport } from './read-report.ts';
import { keyFromPath, keyPath, type BaselineStore, type StoredRef, type StoreKey } from './types.ts';

export interface GitBranchStoreOptions {
  /** A checkout of the repository (the workflow's working directory). */
  repoDir: string;
  /** Remote to fetch from and push to; without one the local branch is used (tests, local runs). */
  remote?: string;
  branch?: string;
  /** Identity of the commits the store makes, when git has none configured (CI runners). */
  author?: { name: string; email: string };
}

class GitError extends Error {}

/** A matrix publishes several reports at once: enough attempts for each to land on a moving tip. */
const MAX_PUSH_ATTEMPTS = 10;

interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Reports on a dedicated branch (`llm-gate-baselines`), one file per key, written with plumbing
 * (hash-object, a private index, commit-tree, push) so the user's checkout, index and HEAD are
 * never touched. A push that loses a race to another writer is retried on the new tip.
 */
export class GitBranchStore implements BaselineStore {
  readonly name: string;
  private readonly opts: Required<Omit<GitBranchStoreOptions, 'remote'>> & { remote?: string };

  constructor(opts: GitBranchStoreOptions) {
    this.opts = {
      branch: 'llm-gate-baselines',
      author: { name: 'llm-gate', email: 'llm-gate@users.noreply.github.com' },
      ...opts,
    };
    this.name = `git branch ${this.opts.branch}${opts.remote ? ` on ${opts.remote}` : ''}`;
  }

  /** The ref holding the branch tip as last fetched. */
  private get tipRef(): string {
    return this.opts.remote ? `refs/llm-gate/${this.opts.remote}/${this.opts.branch}` : `refs/heads/${this.opts.branch}`;
  }

  private async git(args: string[], input?: string, env: NodeJS.ProcessEnv = {}): Promise<GitResult> {
    return new Promise((resolve, reject) => {
      const child = spawn('git', args, {
        cwd: this.opts.repoDir,
        env: {
          ...process.env,
          GIT_TERMINAL_PROMPT: '0',
          GIT_AUTHOR_NAME: process.env.GIT_AUTHOR_NAME ?? this.opts.author.name,
          GIT_AUTHOR_EMAIL: process.env.GIT_AUTHOR_EMAIL ?? this.opts.author.email,
          GIT_COMMITTER_NAME: process.env.GIT_COMMITTER_NAME ?? this.opts.author.name,
          GIT_COMMITTER_EMAIL: process.env.GIT_COMMITTER_EMAIL ?? this.opts.author.email,
          ...env,
        },
        stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', (err) => reject(new GitError(`git ${args[0]}: ${err.message} (is git installed?)`)));
      child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
      if (input !== undefined) {
        // A git that exits before reading all of stdin reports through its exit code, not EPIPE.
        child.stdin!.on('error', () => undefined).end(input);
      }
    });
  }

  private async gitOk(args: string[], input?: string, env?: NodeJS.ProcessEnv): Promise<string> {
    const r = await this.git(args, input, env);
    if (r.code !== 0) throw new GitError(`${this.name}: git ${args.join(' ')} failed: ${r.stderr.trim() || `exit ${r.code}`}`);
    return r.stdout;
  }

  /** Brings the remote tip into tipRef; false when the branch does not exist yet. */
  private async fetchTip(): Promise<boolean> {
    if (this.opts.remote) {
      const probe = await this.git(['ls-remote', '--exit-code', '--heads', this.opts.remote, this.opts.branch]);
      if (probe.code === 2) return false;
      if (probe.code !== 0) {
        // Outside a checkout git says `not a git repository`; for a remote name it cannot resolve, `'origin' does not appear to be a git repository`.
        const hint = /not (appear to be )?a git repository/i.test(probe.stderr)
          ? ` (the git store keeps baselines on a branch of the checked-out repository: run actions/checkout before llm-gate, or set store: local or artifacts)`
          : '';
        throw new GitError(`${this.name}: cannot reach the remote: ${probe.stderr.trim()}${hint}`);
      }
      await this.gitOk(['fetch', '--quiet', '--no-tags', this.opts.remote, `+refs/heads/${this.opts.branch}:${this.tipRef}`]);
      return true;
    }
    return (await this.git(['rev-parse', '--verify', '--quiet', this.tipRef])).code === 0;
  }

  async list(): Promise<StoredRef[]> {
    if (!(await this.fetchTip())) return [];
    const out = await this.gitOk(['ls-tree', '-r', '--name-only', this.tipRef]);
    return out
      .split('\n')
      .filter(Boolean)
      .flatMap((path) => {
        const key = keyFromPath(path);
        return key ? [{ ...key, location: `${this.opts.branch}:${path}` }] : [];
      });
  }

  async read(ref: StoredRef): Promise<Report> {
    const source = `${this.opts.branch}:${keyPath(ref)}`;
    const r = await this.git(['cat-file', 'blob', `${this.tipRef}:${keyPath(ref)}`]);
    if (r.code !== 0) throw new GitError(`${this.name}: ${source} not found (${r.stderr.trim()})`);
    return parseReport(r.stdout, source);
  }

  async write(report: Report, key: StoreKey): Promise<StoredRef> {
    const path = keyPath(key);
    const blob = (await this.gitOk(['hash-object', '-w', '--stdin'], `${JSON.stringify(report, null, 2)}\n`)).trim();
    const scratch = await mkdtemp(join(tmpdir(), 'llm-gate-git-'));
    try {
      for (let attempt = 1; ; attempt++) {
        const exists = await this.fetchTip();
        const parent = exists ? (await this.gitOk(['rev-parse', this.tipRef])).trim() : undefined;
        // A private index: the user's staging area stays as it was.
        const env = { GIT_INDEX_FILE: join(scratch, `index-${attempt}`) };
        await this.gitOk(parent ? ['read-tree', parent] : ['read-tree', '--empty'], undefined, env);
        await this.gitOk(['update-index', '--add', '--cacheinfo', `100644,${blob},${path}`], undefined, env);
        const tree = (await this.gitOk(['write-tree'], undefined, env)).trim();
        const message = `llm-gate baseline for ${key.kind} ${key.name}${key.line !== undefined ? ` (line ${key.line})` : ''}`;
        const commit = (await this.gitOk(['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-m', message])).trim();
        if (!this.opts.remote) {
          await this.gitOk(['update-ref', this.tipRef, commit, ...(parent ? [parent] : [])]);
          break;
        }
        const push = await this.git(['push', '--quiet', this.opts.remote, `${commit}:refs/heads/${this.opts.branch}`]);
        if (push.code === 0) {
          await this.gitOk(['update-ref', this.tipRef, commit]);
          break;
        }
        const lostRace = /\[rejected\]|non-fast-forward|fetch first|cannot lock ref|incorrect old value|stale info/i.test(push.stderr);
        if (!lostRace) {
          const hint = /403|denied|not accessible|permission/i.test(push.stderr) ? ' (the workflow job needs permissions: contents: write to publish baselines)' : '';
          throw new GitError(`${this.name}: push failed: ${push.stderr.trim()}${hint}`);
        }
        if (attempt >= MAX_PUSH_ATTEMPTS) throw new GitError(`${this.name}: push lost the race to other writers ${attempt} times: ${push.stderr.trim()}`);
        // Another writer (a matrix cell, a concurrent release) moved the tip: back off a little, then rebuild on the new tip.
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 200 * attempt));
      }
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
    return { ...key, location: `${this.opts.branch}:${path}`, storedAt: new Date().toISOString() };
  }
}
