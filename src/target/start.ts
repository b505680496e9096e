import type { TargetConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import { startContainer } from './docker.ts';
import { startProcess } from './process.ts';
import { DEFAULT_PORT, portAnswers } from './port.ts';
import { TargetError, type RunningTarget, type TargetHooks } from './types.ts';

/** A server the gate did not start: nothing to watch, nothing to stop. */
function attachUrl(url: string): RunningTarget {
  const rootURL = url.replace(/\/+$/, '').replace(/\/v1$/, '');
  return {
    kind: 'url',
    rootURL,
    exited: new Promise(() => undefined),
    exitInfo: () => null,
    logTail: () => [],
    stop: async () => undefined,
    subject: { url },
  };
}

export async function startTarget(config: TargetConfig, logger: Logger, hooks: TargetHooks = {}): Promise<RunningTarget> {
  if (config.url !== undefined) return attachUrl(config.url);
  if (config.kubernetes !== undefined && config.image !== undefined) {
    // Loaded on use: the Kubernetes client is most of the bundle's size, and most runs never need it.
    const { startKubernetes } = await import('./kubernetes/start.ts');
    return startKubernetes({ ...config, kubernetes: config.kubernetes, image: config.image }, logger, hooks);
  }
  if (config.command !== undefined) {
    // The gate would measure whatever answers there (another gate, a dev server, a leftover), not what it starts.
    const port = config.port ?? DEFAULT_PORT;
    if (await portAnswers(port)) {
      throw new TargetError(
        `port ${port} on 127.0.0.1 already answers before the command started: another server (a leftover, a dev server, another gate) would be measured instead. Stop it, or give the command another port (--port; the command gets it as PORT)`,
      );
    }
    return startProcess({ ...config, command: config.command }, logger, hooks);
  }
  return startContainer(config, logger, hooks);
}
