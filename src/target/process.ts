import { spawn } from 'node:child_process';
import type { TargetConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import { inheritedEnvironment, passedEnvironment } from './environment.ts';
import { LogTail } from './log-tail.ts';
import { DEFAULT_PORT } from './port.ts';
import type { ExitInfo, RunningTarget, TargetHooks } from './types.ts';

const KILL_GRACE_MS = 5_000;
/** How long an exited group's last output is waited for before its exit counts. */
const OUTPUT_DRAIN_MS = 1000;
/** How often a group whose leader has exited is checked for survivors. */
const GROUP_POLL_MS = 250;

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

/**
 * Spawns the configured command in its own process group (so the whole tree can be killed), with PORT
 * set, and follows its output and exit. A leader that exits while its group lives on (a start script that
 * backgrounds the server, a wrapper that does not exec) is not the server's exit: the target counts as
 * exited once no process of the group is left.
 */
export function startProcess(config: TargetConfig & { command: string }, logger: Logger, hooks: TargetHooks = {}): RunningTarget {
  const port = config.port ?? DEFAULT_PORT;
  const passed = passedEnvironment(config.passEnv);
  const child = spawn('sh', ['-c', config.command], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...inheritedEnvironment(process.env), ...config.env, ...passed, PORT: String(port) },
  });
  logger.info(`started: ${config.command} (pid ${child.pid ?? '?'})`);
  if (child.pid !== undefined) hooks.onProcessStarted?.(child.pid);
  const tail = new LogTail(200, (line) => logger.info(`[server] ${line}`));
  child.stdout.setEncoding('utf8').on('data', (t: string) => tail.push(t));
  child.stderr.setEncoding('utf8').on('data', (t: string) => tail.push(t));

  let exit: ExitInfo | null = null;
  /** How the first process ended, while the rest of its group is still followed. */
  let leader: ExitInfo | undefined;
  let following: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;
  let settle: (info: ExitInfo) => void = () => undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    settle = (info) => {
      clearInterval(following);
      exit ??= info;
      resolve(exit);
    };
  });
  // 'exit' can come before the last output is read; 'close' comes after it, unless a process that left
  // the group still holds the pipes, hence the bound.
  const outputRead = new Promise<void>((resolve) => {
    child.once('close', () => resolve());
  });
  const settleAfterOutput = (info: ExitInfo) => {
    void Promise.race([outputRead, new Promise((resolve) => setTimeout(resolve, OUTPUT_DRAIN_MS))]).then(() => settle(info));
  };
  child.on('exit', (code, signal) => {
    const info = { code, oomKilled: false, ...(signal ? { signal } : {}) };
    const pgid = child.pid;
    if (pgid === undefined || !groupAlive(pgid)) return settleAfterOutput(info);
    leader = info;
    if (!stopping) logger.info(`the command's first process exited (${code !== null ? `code ${code}` : signal}) while its process group runs on: following the group`);
    following = setInterval(() => {
      if (!groupAlive(pgid)) {
        clearInterval(following);
        settleAfterOutput(info);
      }
    }, GROUP_POLL_MS);
  });
  child.on('error', (err) => {
    tail.push(`${err.message}\n`);
    settle({ code: null, oomKilled: false });
  });

  const stop = () => {
    stopping ??= (async () => {
      if (child.pid !== undefined) await killProcessGroup(child.pid);
      // The group is gone (or holds only what cannot be reaped): the target has exited as far as the gate goes.
      if (leader) settle(leader);
      // A process that left the group (setsid) may still hold our pipes: they must not keep the gate alive.
      child.stdout.destroy();
      child.stderr.destroy();
      logger.info(`stopped: ${config.command}`);
    })();
    return stopping;
  };

  return {
    kind: 'command',
    rootURL: `http://127.0.0.1:${port}`,
    exited,
    exitInfo: () => exit,
    logTail: () => tail.tail(),
    stop,
    subject: { command: config.command },
  };
}
