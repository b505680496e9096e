const KILL_GRACE_MS = 5_000;

/** Whether any process of the group is left; the leader may be gone while its children live on. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    // EPERM: a process of the group exists but is not ours to signal.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Stops a whole process group (pgid = the pid of the leader the gate spawned detached), whether or not its
 * leader is still alive: SIGTERM, then SIGKILL to whatever is left after `graceMs`. Resolves once no process
 * of the group is left, or shortly after the SIGKILL when one cannot be reaped (a zombie).
 */
export async function killProcessGroup(pgid: number, graceMs = KILL_GRACE_MS): Promise<void> {
  if (!groupAlive(pgid)) return;
  signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid) && Date.now() < deadline) await sleep(50);
  if (!groupAlive(pgid)) return;
  signalGroup(pgid, 'SIGKILL');
  const reaped = Date.now() + 1_000;
  while (groupAlive(pgid) && Date.now() < reaped) await sleep(50);
}

