import { z } from 'zod';
import type { TargetConfig } from '../../config/schema.ts';
import type { Logger } from '../../log.ts';
import { TargetError } from '../types.ts';
import { dockerBuildArgs } from './args.ts';
import { execCommand } from './exec.ts';

/** The docker CLI to run: LLM_GATE_DOCKER, else `docker` on PATH. */
export const DOCKER = process.env.LLM_GATE_DOCKER ?? 'docker';

/** Runs the docker CLI; TargetError when it cannot be run at all. */
export async function docker(args: string[], options: { env?: NodeJS.ProcessEnv; onLine?: (l: string) => void } = {}) {
  try {
    return await execCommand(DOCKER, args, options);
  } catch (err) {
    throw new TargetError(`cannot run '${DOCKER}': ${(err as Error).message}. Is docker installed and on PATH?`);
  }
}

/** Runs the docker CLI and returns its trimmed stdout; TargetError naming `what` when it exits non-zero. */
export async function dockerOk(args: string[], what: string, options: { env?: NodeJS.ProcessEnv; onLine?: (l: string) => void } = {}): Promise<string> {
  const r = await docker(args, options);
  if (r.code !== 0) throw new TargetError(`${what} failed (docker exit ${r.code}): ${r.stderr.trim().split('\n').slice(-5).join(' | ')}`);
  return r.stdout.trim();
}

const stateSchema = z.object({
  Status: z.string(),
  Running: z.boolean(),
  OOMKilled: z.boolean(),
  ExitCode: z.number().int(),
});

/** The container's state from `docker inspect`; null when docker knows no such container. */
export async function containerState(id: string): Promise<z.infer<typeof stateSchema> | null> {
  const r = await docker(['inspect', '--format', '{{json .State}}', id]);
  if (r.code !== 0) return null;
  return stateSchema.parse(JSON.parse(r.stdout));
}

/** Removes a container and its anonymous volumes; a container already gone is fine. */
export async function removeContainer(id: string): Promise<void> {
  const r = await docker(['rm', '--force', '--volumes', id]);
  if (r.code !== 0 && !/No such container/i.test(r.stderr)) {
    throw new TargetError(`docker rm ${id} failed: ${r.stderr.trim()}`);
  }
}

/** Builds the image `tag` from the build config, logging docker's output line by line; TargetError when it fails. */
export async function buildImage(build: NonNullable<TargetConfig['build']>, tag: string, logger: Logger): Promise<void> {
  logger.info(`building ${tag} from ${build.context}`);
  await dockerOk(dockerBuildArgs({ context: build.context, tag, dockerfile: build.dockerfile, args: build.args }), `docker build of ${build.context}`, {
    onLine: (l) => logger.info(`[build] ${l}`),
  });
}

const imageInspectSchema = z.object({
  Id: z.string(),
  RepoDigests: z.array(z.string()).nullish(),
  Config: z.object({ ExposedPorts: z.record(z.string(), z.unknown()).nullish() }).nullish(),
});

/**
 * The image's id, registry digest and EXPOSEd ports (`8080/tcp`). An image this docker does not have is pulled
 * first, as `docker run` would pull it (the inspect comes before the run); the pull's progress is logged.
 */
export async function imageIdentity(image: string, logger: Logger): Promise<{ id: string; digest?: string; exposedPorts: string[] }> {
  const inspect = ['image', 'inspect', '--format', '{{json .}}', image];
  const what = `docker image inspect ${image}`;
  const first = await docker(inspect);
  let out = first.stdout.trim();
  if (first.code !== 0) {
    if (!/no such image/i.test(first.stderr)) throw new TargetError(`${what} failed (docker exit ${first.code}): ${first.stderr.trim().split('\n').slice(-5).join(' | ')}`);
    logger.info(`pulling ${image}: not on this machine`);
    await dockerOk(['pull', image], `docker pull ${image}`, { onLine: (l) => logger.info(`[pull] ${l}`) });
    out = await dockerOk(inspect, what);
  }
  const info = imageInspectSchema.parse(JSON.parse(out));
  const repoDigest = info.RepoDigests?.[0]?.split('@')[1];
  return { id: info.Id, digest: repoDigest, exposedPorts: Object.keys(info.Config?.ExposedPorts ?? {}) };
}

