import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { CoreV1Api, KubernetesObjectApi } from '@kubernetes/client-node';
import type { TargetConfig } from '../../config/schema.ts';
import type { Logger } from '../../log.ts';
import { TargetError, type ExitInfo, type RunningTarget, type TargetHooks } from '../types.ts';
import type { RunState } from './cleanup-state.ts';
import { apiErrorText, deleteRun, loadClusterAccess, type ClusterAccess } from './cluster.ts';
import { startForwarder, type Forwarder } from './forward.ts';
import { MANAGED_BY, parseManifests, prepareManifests, RUN_LABEL, type ManifestObject } from './manifests.ts';
import type { KubernetesTargetConfig } from '../../config/kubernetes.ts';
import { RunWatcher } from './watcher.ts';
import { DEFAULT_PORT } from '../port.ts';

async function loadManifests(files: string[]): Promise<ManifestObject[]> {
  const all: ManifestObject[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = await readFile(f, 'utf8');
    } catch (err) {
      throw new TargetError(`cannot read manifest ${f}: ${(err as Error).message}`);
    }
    all.push(...parseManifests(text, f));
  }
  return all;
}

/**
 * Runs the candidate in a cluster: applies the team's manifests with the candidate image into an
 * ephemeral namespace (or the given one), then watches the rollout. Returns as soon as the objects
 * exist; `rootURL` is a local port-forward to the first running pod (or the Service's in-cluster
 * address), so readiness's one-token inference is what decides ready. `exited` resolves when the
 * rollout fails for good (FailedScheduling, image pull, CrashLoopBackOff, OOMKilled, a probe kill,
 * ProgressDeadlineExceeded), with the reason in words. stop() deletes everything the run created.
 * Throws TargetError for manifests or credentials that cannot work, after deleting what it made.
 */
export async function startKubernetes(config: TargetConfig & { kubernetes: KubernetesTargetConfig; image: string }, logger: Logger, hooks: TargetHooks = {}, env: NodeJS.ProcessEnv = process.env): Promise<RunningTarget> {
  const k = config.kubernetes;
  const port = config.port ?? DEFAULT_PORT;
  const access: ClusterAccess = loadClusterAccess(k, env);
  const runId = randomBytes(4).toString('hex');
  const ephemeral = k.namespace === undefined;
  const namespace = k.namespace ?? `llm-gate-${runId}`;
  const labels = { [RUN_LABEL]: runId };
  const prepared = prepareManifests(await loadManifests(k.manifests), {
    image: config.image,
    container: k.container,
    ...(k.workload ? { workload: k.workload } : {}),
    ...(k.service ? { service: k.service } : {}),
    namespace,
    labels,
    containerPort: port,
  });
  const useService = k.access === 'service' || (k.access === 'auto' && access.inCluster);
  if (useService && !prepared.service) throw new TargetError(`access 'service' needs a Service in the manifests with a port that reaches container port ${port}`);

  const state: RunState = { ...(k.kubeconfig ? { kubeconfig: k.kubeconfig } : {}), ...(k.context ? { context: k.context } : {}), namespace, ephemeral, objects: [] };
  // Saved before anything exists: a gate killed between two API calls still leaves the post step a name to delete.
  const save = () => hooks.onCleanupState?.({ kind: 'kubernetes', run: state });
  save();
  let cleaned: Promise<{ gone: boolean }> | undefined;
  const cleanup = (waitS = 0) => (cleaned ??= deleteRun(access, state, waitS));
  const workload = `${prepared.workload.kind}/${prepared.workload.name}`;
  const startedAt = performance.now();

  const watcher = new RunWatcher({ kc: access.kc, namespace, runLabel: `${RUN_LABEL}=${runId}`, prepared, startedAt, logger, logLines: k.logLines });
  let forwarder: Forwarder | undefined;
  try {
    if (ephemeral) {
      await access.kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace, labels: { ...MANAGED_BY, ...labels } } } });
    }
    logger.info(`kubernetes: context ${access.context}, namespace ${namespace}${ephemeral ? ' (ephemeral)' : ''}, ${workload}, image ${config.image}`);
    const api = KubernetesObjectApi.makeApiClient(access.kc);
    for (const obj of prepared.objects) {
      state.objects.push({ apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, namespace });
      save();
      await api.create(obj);
      logger.info(`created ${obj.kind} ${obj.metadata.name}`);
    }
    await watcher.start();
    forwarder = useService ? undefined : await startForwarder(access.kc, namespace, port, () => watcher.runningPod());
  } catch (err) {
    watcher.stop();
    await cleanup().catch((e: unknown) => logger.warn(`could not delete the run: ${(e as Error).message}`));
    throw err instanceof TargetError ? err : new TargetError(`applying the manifests to ${access.context} failed: ${apiErrorText(err)}`);
  }

  let exit: ExitInfo | null = null;
  const exited = watcher.failed.then((f): ExitInfo => {
    exit = { code: f.exitCode ?? null, oomKilled: f.reason === 'OOMKilled', reason: f.message };
    return exit;
  });

  const subject: RunningTarget['subject'] = { image: config.image, kubernetes: { context: access.context, namespace, workload } };
  const pinned = /@(sha256:[0-9a-f]{64})$/.exec(config.image)?.[1];
  if (pinned) subject.digest = pinned;

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      watcher.stop();
      await forwarder?.close();
      const { gone } = await cleanup(k.cleanupTimeoutS);
      hooks.onCleanedUp?.({ kind: 'kubernetes', run: state });
      if (gone) logger.info(`deleted ${ephemeral ? `namespace ${namespace}` : `the run's objects in ${namespace}`}`);
      else logger.warn(`${ephemeral ? `namespace ${namespace}` : `objects in ${namespace}`} still terminating after ${k.cleanupTimeoutS} s`);
    })());

  return {
    kind: 'kubernetes',
    rootURL: forwarder ? forwarder.url : `http://${prepared.service!.name}.${namespace}.svc:${prepared.service!.port}`,
    exited,
    exitInfo: () => exit,
    logTail: () => watcher.logTail(),
    stop,
    get subject() {
      const digest = subject.digest ?? watcher.imageDigest();
      return { ...subject, ...(digest ? { digest } : {}) };
    },
    extras: () => {
      const failure = watcher.failureNow();
      return {
        kubernetes: {
          context: access.context,
          namespace,
          ephemeral,
          workload,
          container: prepared.container.name,
          access: useService ? 'service' : 'port-forward',
          gpuRequests: prepared.container.gpus,
          ...watcher.summary(),
          ...(failure ? { failure } : {}),
        },
      };
    },
  };
}
