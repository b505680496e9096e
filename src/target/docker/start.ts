import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { TargetConfig } from '../../config/schema.ts';
import type { Logger } from '../../log.ts';
import { passedEnvironment } from '../environment.ts';
import { LogTail } from '../log-tail.ts';
import { containerPort } from '../port.ts';
import { TargetError, type ExitInfo, type RunningTarget, type TargetHooks } from '../types.ts';
import { dockerRunArgs, parsePublishedPort } from './args.ts';
import { buildImage, containerState, DOCKER, docker, dockerOk, imageIdentity, removeContainer } from './cli.ts';

/**
 * Runs the image detached, follows its logs and its exit. `docker wait` returns when the
 * container stops; OOM and the exit code then come from inspect, before anything removes it.
 */
export async function startContainer(config: TargetConfig, logger: Logger, hooks: TargetHooks = {}, gateEnv: NodeJS.ProcessEnv = process.env): Promise<RunningTarget> {
  let image = config.image;
  if (config.build) {
    image ??= `llm-gate-candidate:${randomBytes(4).toString('hex')}`;
    await buildImage(config.build, image, logger);
  }
  if (!image) throw new TargetError('target.image is required to run a container');
  const identity = await imageIdentity(image, logger);

  const resolved = containerPort(config.port, identity.exposedPorts);
  if (resolved.source === 'image') logger.info(`port: ${resolved.port}, the one port the image exposes (none configured)`);
  if (resolved.note) logger.warn(`port: ${resolved.note}`);
  const name = `llm-gate-${randomBytes(5).toString('hex')}`;
  const passed = passedEnvironment(config.passEnv, gateEnv);
  const env = { ...gateEnv, ...config.env, ...passed };
  const args = dockerRunArgs({
    image,
    name,
    containerPort: resolved.port,
    gpus: config.gpus,
    shmSize: config.shmSize,
    envNames: [...Object.keys(config.env), ...Object.keys(passed)],
    volumes: config.volumes,
    runArgs: config.runArgs,
    args: config.args,
  });
  logger.info(`docker ${args.join(' ')}`);
  const id = await dockerOk(args, `docker run ${image}`, { env });
  hooks.onCleanupState?.({ kind: 'image', container: id });

  let removed = false;
  const stop = async () => {
    if (removed) return;
    removed = true;
    logs.kill();
    await removeContainer(id);
    logger.info(`removed container ${name}`);
  };
  const tail = new LogTail(200, (line) => logger.info(`[${name}] ${line}`));
  const logs = spawn(DOCKER, ['logs', '--follow', id], { stdio: ['ignore', 'pipe', 'pipe'] });
  logs.stdout.setEncoding('utf8').on('data', (t: string) => tail.push(t));
  logs.stderr.setEncoding('utf8').on('data', (t: string) => tail.push(t));
  logs.on('error', () => undefined);

  let exit: ExitInfo | null = null;
  const exited = (async (): Promise<ExitInfo> => {
    const waited = await docker(['wait', id]);
    const state = await containerState(id);
    exit = { code: state?.ExitCode ?? (Number(waited.stdout.trim()) || null), oomKilled: state?.OOMKilled ?? false };
    return exit;
  })();
  // Swallow rejections here: stop() may remove the container while wait is pending.
  exited.catch(() => undefined);

  const target = (rootURL: string): RunningTarget => ({
    kind: 'image',
    rootURL,
    exited,
    exitInfo: () => exit,
    logTail: () => tail.tail(),
    stop,
    subject: { image, digest: identity.digest ?? identity.id },
    containerPort: resolved.port,
    ...(resolved.note ? { portNote: resolved.note } : {}),
  });
  const published = await docker(['port', id, `${resolved.port}/tcp`]);
  const port = published.code === 0 ? parsePublishedPort(published.stdout) : null;
  if (port !== null) return target(`http://127.0.0.1:${port}`);
  // A container that died at once has no port binding: hand it to readiness, which reports the exit.
  const state = await containerState(id);
  if (state && !state.Running) return target('http://127.0.0.1:9');
  await stop();
  throw new TargetError(`container ${name} published no host port for ${resolved.port}/tcp: ${published.stderr.trim()}`);
}
