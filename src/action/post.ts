import * as core from '@actions/core';
import { removeContainer } from '../target/docker.ts';
import { savedTargets } from './state.ts';

const KILL_GRACE_MS = 5_000;

/** Whether any process of the group is left; the leader may be gone while its children live on. */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Signals the process group the gate started (it spawns targets detached, as group leaders). */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * The post step (`post-if: always()`): removes the container or kills the process a cancelled or crashed
 * main step left behind. It never fails the job; a leftover is reported as a warning.
 */
export async function post(): Promise<void> {
  try {
    await cleanUp();
  } catch (err) {
    core.warning(`llm-gate cleanup: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function cleanUp(): Promise<void> {
  const { container, pid } = savedTargets();
  if (container !== undefined) {
    try {
      await removeContainer(container);
      core.info(`removed container ${container}`);
    } catch (err) {
      core.warning(`could not remove container ${container}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (pid !== undefined && groupAlive(pid)) {
    signalGroup(pid, 'SIGTERM');
    const deadline = Date.now() + KILL_GRACE_MS;
    while (groupAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (groupAlive(pid)) signalGroup(pid, 'SIGKILL');
    core.info(`stopped process group ${pid}`);
  }
}
