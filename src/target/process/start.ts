import { spawn } from 'node:child_process';
import type { TargetConfig } from '../../config/schema.ts';
import type { Logger } from '../../log.ts';
import { inheritedEnvironment, passedEnvironment } from '../environment.ts';
import { LogTail } from '../log-tail.ts';
import { DEFAULT_PORT, portAnswers } from '../port.ts';
import { TargetError, type ExitInfo, type RunningTarget, type TargetHooks } from '../types.ts';
import { groupAlive, killProcessGroup } from './group.ts';

/** How long an exited group's last output is waited for before its exit counts. */
const OUTPUT_DRAIN_MS = 1000;
/** How often a group whose leader has exited is checked for survivors. */
const GROUP_POLL_MS = 250;

/**
 * Spawns the configured command in its own process group (so the whole tree can be killed), with PORT
 * set, and follows its output and exit. A leader that exits while its group lives on (a start script that
 * backgrounds the server, a wrapper that does not exec) is not the server's exit: the target counts as
 * exited once no process of the group is left.
 */
export function startProcess(config: TargetConfig & { command: string }, logger: Logger, hooks: TargetHooks = {}, gateEnv: NodeJS.ProcessEnv = process.env): RunningTarget {
  const port = config.port ?? DEFAULT_PORT;
  const passed = passedEnvironment(config.passEnv, gateEnv);
  const child = spawn('sh', ['-c', config.command], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...inheritedEnvironment(gateEnv), ...config.env, ...passed, PORT: String(port) },
  });
  logger.info(`started: ${config.command} (pid ${child.pid ?? '?'})`);
  if (child.pid !== undefined) hooks.onCleanupState?.({ kind: 'command', pgid: child.pid });
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

/**
 * Starts a command target (startProcess) once its port is known to be free: TargetError when something
 * already answers there, since the gate would measure that server instead of the one it starts.
 */
export async function startCommand(config: TargetConfig & { command: string }, logger: Logger, hooks: TargetHooks = {}, gateEnv: NodeJS.ProcessEnv = process.env): Promise<RunningTarget> {
  const port = config.port ?? DEFAULT_PORT;
  if (await portAnswers(port)) {
    throw new TargetError(
      `port ${port} on 127.0.0.1 already answers before the command started: another server (a leftover, a dev server, another gate) would be measured instead. Stop it, or give the command another port (--port; the command gets it as PORT)`,
    );
  }
  return startProcess(config, logger, hooks, gateEnv);
}
