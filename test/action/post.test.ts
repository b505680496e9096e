import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitHubApi } from '../report/github-api.ts';
import { actionEntries, runAction } from './runner.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Live (not zombie) processes in a process group, from /proc: a reaped-late zombie still holds the group. */
function liveMembers(pgid: number): number[] {
  return readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      // Fields after the command's closing parenthesis: state, ppid, pgrp.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(pgrp) === pgid && state !== 'Z' ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
}

const api = new FakeGitHubApi();
beforeAll(() => api.start());
afterAll(() => api.stop());

describe.each(actionEntries('post'))('the post step (%s)', (entry) => {
  it('marks the check run a cancelled main step left in progress as cancelled', async () => {
    api.reset();
    const run = await runAction(
      entry,
      { 'github-token': 'ghs_postToken' },
      { STATE_checkRun: '321', GITHUB_REPOSITORY: 'acme/models', GITHUB_SHA: 'e'.repeat(40), GITHUB_API_URL: api.url },
    );
    expect(run.code, run.stdout).toBe(0);
    expect(api.calls).toEqual([
      expect.objectContaining({ method: 'PATCH', path: '/repos/acme/models/check-runs/321', body: expect.objectContaining({ status: 'completed', conclusion: 'cancelled' }) }),
    ]);
  });

  it('only warns when the check run cannot be closed', async () => {
    api.reset();
    api.readOnly = true;
    const run = await runAction(
      entry,
      { 'github-token': 'ghs_postToken' },
      { STATE_checkRun: '321', GITHUB_REPOSITORY: 'acme/models', GITHUB_SHA: 'e'.repeat(40), GITHUB_API_URL: api.url },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('::warning::could not mark check run 321 cancelled');
  });

  it('kills the process group a cancelled main step left behind', async () => {
    // A target as the gate starts one: detached, leading its own process group, with a child of its own.
    const target = spawn('sh', ['-c', 'sleep 300 & sleep 300'], { detached: true, stdio: 'ignore' });
    const pid = target.pid!;
    try {
      await new Promise((r) => setTimeout(r, 200));
      expect(liveMembers(pid)).toHaveLength(3);
      const run = await runAction(entry, {}, { STATE_pid: String(pid) });
      expect(run.code, run.stdout).toBe(0);
      expect(run.stdout).toContain(`stopped process group ${pid}`);
      await new Promise<void>((resolve) => (target.exitCode !== null || target.signalCode !== null ? resolve() : target.on('exit', () => resolve())));
      expect(liveMembers(pid)).toEqual([]);
    } finally {
      if (alive(pid)) process.kill(-pid, 'SIGKILL');
    }
  });

  it('never fails the job: a container that is already gone (or no docker at all) is only a warning', async () => {
    const run = await runAction(entry, {}, { STATE_container: 'llm-gate-test-no-such-container' });
    expect(run.code, run.stdout).toBe(0);
  });

  it('does nothing when the main step cleaned up after itself', async () => {
    const run = await runAction(entry, {}, { STATE_container: '', STATE_pid: '' });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
  });
});
