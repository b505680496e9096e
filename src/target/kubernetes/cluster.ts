import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { ApiException, CoreV1Api, KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { TargetError } from '../types.ts';
import type { RunState } from './cleanup-state.ts';
import { errorText } from '../../log.ts';

export interface ClusterAccess {
  kc: KubeConfig;
  /** The kubeconfig context, or `in-cluster` for the pod's service account. */
  context: string;
  inCluster: boolean;
}

/**
 * Credentials for the cluster: the given kubeconfig file, else $KUBECONFIG or ~/.kube/config,
 * else the service account of the pod the gate runs in. Never falls back to an unauthenticated
 * localhost:8080 as the client's loadFromDefault does. Throws TargetError when none is found or
 * the context is unknown.
 */
export function loadClusterAccess(o: { kubeconfig?: string; context?: string }, env: NodeJS.ProcessEnv = process.env): ClusterAccess {
  const kc = new KubeConfig();
  const file = o.kubeconfig ?? env.KUBECONFIG?.split(path.delimiter).find((f) => f && existsSync(f)) ?? [path.join(homedir(), '.kube', 'config')].find((f) => existsSync(f));
  let inCluster = false;
  if (file !== undefined) {
    if (!existsSync(file)) throw new TargetError(`kubeconfig ${file} does not exist`);
    kc.loadFromFile(file);
  } else if (env.KUBERNETES_SERVICE_HOST) {
    kc.loadFromCluster();
    inCluster = true;
  } else {
    throw new TargetError('no cluster credentials: set kubernetes.kubeconfig or $KUBECONFIG, or run the gate in a pod with a service account');
  }
  if (o.context !== undefined) {
    if (!kc.getContexts().some((c) => c.name === o.context)) throw new TargetError(`kubeconfig has no context named ${o.context}`);
    kc.setCurrentContext(o.context);
  }
  return { kc, context: inCluster ? 'in-cluster' : kc.getCurrentContext(), inCluster };
}

export function statusCode(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined;
}

/** The API's own explanation (`namespaces "x" is forbidden: User ...`), not the client's wrapper text. */
export function apiErrorText(err: unknown): string {
  if (err instanceof ApiException) {
    const body: unknown = err.body;
    if (typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string') {
      return `${(body as { message: string }).message} (HTTP ${err.code})`;
    }
    if (typeof body === 'string') {
      try {
        const parsed = JSON.parse(body) as { message?: unknown };
        if (typeof parsed.message === 'string') return `${parsed.message} (HTTP ${err.code})`;
      } catch {
        return `${body.slice(0, 300)} (HTTP ${err.code})`;
      }
    }
    return `HTTP ${err.code}`;
  }
  return errorText(err);
}

/**
 * Deletes what a run created: its namespace (everything in it goes with it), or in a namespace the
 * gate was given, each object it created, newest first. Objects already gone are fine. With
 * `waitS`, waits that long for the namespace (or the objects) to be gone and says whether they are.
 * Throws on API errors other than 404.
 */
export async function deleteRun(access: ClusterAccess, state: RunState, waitS = 0): Promise<{ gone: boolean }> {
  const core = access.kc.makeApiClient(CoreV1Api);
  const objects = KubernetesObjectApi.makeApiClient(access.kc);
  const ignore404 = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (err) {
      if (statusCode(err) !== 404) throw new TargetError(`cannot delete: ${apiErrorText(err)}`);
    }
  };
  const refs = state.objects.map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.name, namespace: o.namespace } }));
  if (state.ephemeral) await ignore404(core.deleteNamespace({ name: state.namespace, propagationPolicy: 'Background' }));
  else for (const ref of [...refs].reverse()) await ignore404(objects.delete(ref, undefined, undefined, undefined, undefined, 'Background'));

  const deadline = Date.now() + waitS * 1000;
  for (;;) {
    const left = state.ephemeral ? await exists(() => core.readNamespace({ name: state.namespace })) : (await Promise.all(refs.map((r) => exists(() => objects.read(r))))).some(Boolean);
    if (!left) return { gone: true };
    if (Date.now() >= deadline) return { gone: false };
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function exists(read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read();
    return true;
  } catch (err) {
    if (statusCode(err) === 404) return false;
    throw new TargetError(`cannot read: ${apiErrorText(err)}`);
  }
}
