import type { TargetConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import { startContainer } from './docker/start.ts';
import type { KubernetesTargetConfig } from '../config/kubernetes.ts';
import { startCommand } from './process/start.ts';
import type { RunningTarget, TargetHooks, TargetKind } from './types.ts';
import { attachUrl } from './url/start.ts';

/** The config each kind starts from, with the fields that kind needs made sure. */
interface KindConfig {
  image: TargetConfig;
  command: TargetConfig & { command: string };
  url: TargetConfig & { url: string };
  kubernetes: TargetConfig & { kubernetes: KubernetesTargetConfig; image: string };
}

/** A target config with its kind told apart. */
type TargetSpec<K extends TargetKind = TargetKind> = { [P in K]: { kind: P; config: KindConfig[P] } }[K];

/** Which kind of target a (validated) config describes: url, else kubernetes, else command, else image (built first with `build`). */
export function targetSpec(config: TargetConfig): TargetSpec {
  if (config.url !== undefined) return { kind: 'url', config: { ...config, url: config.url } };
  if (config.kubernetes !== undefined && config.image !== undefined) return { kind: 'kubernetes', config: { ...config, kubernetes: config.kubernetes, image: config.image } };
  if (config.command !== undefined) return { kind: 'command', config: { ...config, command: config.command } };
  return { kind: 'image', config };
}

type Starter<K extends TargetKind> = (config: KindConfig[K], logger: Logger, hooks: TargetHooks, env: NodeJS.ProcessEnv) => Promise<RunningTarget>;

/** One start function per kind, each in its own folder. */
const STARTERS: { [K in TargetKind]: Starter<K> } = {
  image: startContainer,
  command: startCommand,
  url: async (config) => attachUrl(config.url),
  kubernetes: async (config, logger, hooks, env) => {
    // Loaded on use: the Kubernetes client is most of the bundle's size, and most runs never need it.
    const { startKubernetes } = await import('./kubernetes/start.ts');
    return startKubernetes(config, logger, hooks, env);
  },
};

function startSpec<K extends TargetKind>(spec: TargetSpec<K>, logger: Logger, hooks: TargetHooks, env: NodeJS.ProcessEnv): Promise<RunningTarget> {
  return (STARTERS[spec.kind] as Starter<K>)(spec.config, logger, hooks, env);
}

/**
 * Starts (or attaches to) the server the config describes, by kind. `env` is the environment the front
 * end handed the gate: target.passEnv's values come from it (the same values the gate masks), and a
 * command or docker inherits it. Rejects with TargetError when it
 * cannot be started (build failed, docker missing, the port already answers, manifests that cannot work).
 */
export async function startTarget(config: TargetConfig, logger: Logger, hooks: TargetHooks, env: NodeJS.ProcessEnv): Promise<RunningTarget> {
  return startSpec(targetSpec(config), logger, hooks, env);
}
