import type { TargetConfig } from '../../config/schema.ts';

export interface DockerRunSpec {
  image: string;
  name: string;
  containerPort: number;
  gpus?: string;
  shmSize?: string;
  /** Names only: values travel in the docker CLI's environment, never on its command line. */
  envNames: string[];
  volumes: TargetConfig['volumes'];
  runArgs: string[];
  args: string[];
}

/**
 * `docker run` arguments for a gated server. The port is published on loopback only, to a
 * host port docker picks (`127.0.0.1::PORT`), so parallel gates on one runner never collide.
 */
export function dockerRunArgs(spec: DockerRunSpec): string[] {
  const out = ['run', '--detach', '--name', spec.name, '--label', 'llm-gate=1', '--publish', `127.0.0.1::${spec.containerPort}`];
  if (spec.gpus) out.push('--gpus', spec.gpus);
  if (spec.shmSize) out.push('--shm-size', spec.shmSize);
  for (const name of spec.envNames) out.push('--env', name);
  for (const v of spec.volumes) out.push('--volume', `${v.host}:${v.container}${v.readOnly ? ':ro' : ''}`);
  out.push(...spec.runArgs, spec.image, ...spec.args);
  return out;
}

export function dockerBuildArgs(o: { context: string; tag: string; dockerfile?: string; args: Record<string, string> }): string[] {
  const out = ['build', '--tag', o.tag];
  if (o.dockerfile) out.push('--file', o.dockerfile);
  for (const [k, v] of Object.entries(o.args)) out.push('--build-arg', `${k}=${v}`);
  out.push(o.context);
  return out;
}

/** Parses `docker port` output such as `127.0.0.1:49153` (one line per binding). */
export function parsePublishedPort(output: string): number | null {
  for (const line of output.split('\n')) {
    const m = /:(\d+)\s*$/.exec(line.trim());
    if (m) return Number(m[1]);
  }
  return null;
}
