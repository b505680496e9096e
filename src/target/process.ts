import { spawn } from 'node:child_process';
import type { TargetConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import { inheritedEnvironment, passedEnvironment } from './environment.ts';
import { LogTail } from './log-tail.ts';
import { DEFAULT_PORT } from './port.ts';
import type { ExitInfo, RunningTarget, TargetHooks } from './types.ts';

const KILL_GRACE_MS = 5_000;

/**
 * Spawns the configured command in its own process group (so the whole tree can be killed),
 * with PORT set, and follows its output and exit.
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
  const exited = new Promise<ExitInfo>((resolve) => {
    child.on('exit', (code, signal) => {
      exit = { code, oomKilled: false, ...(signal ? { signal } : {}) };
      resolve(exit);
    });
    child.on('error', (err) => {
      tail.push(`${err.message}\n`);
      exit = { code: null, oomKilled: false };
      resolve(exit);
    });
  });

  const signalGroup = (sig: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (exit) return;
      signalGroup('SIGTERM');
      const killer = setTimeout(() => signalGroup('SIGKILL'), KILL_GRACE_MS);
      await exited;
      clearTimeout(killer);
      // Children that ignored SIGTERM after their parent exited.
      signalGroup('SIGKILL');
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
