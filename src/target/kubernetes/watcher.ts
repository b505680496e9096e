import { CoreV1Api, Watch, type CoreV1Event, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import type { Logger } from '../../log.ts';
import { classifyFailure, type Failure } from './failures.ts';
import type { PreparedManifests } from './manifests.ts';

/** Seconds from the start of the apply to each step, as this gate saw it happen. */
export interface Timeline {
  scheduledS: number | null;
  runningS: number | null;
  /** Deployments and StatefulSets: all replicas updated and available. */
  rolloutS: number | null;
}

export interface PodRecord {
  name: string;
  node?: string;
  /** The node's GPU capacity and allocatable (`nvidia.com/gpu` and other `*\/gpu` resources), where the gate may read nodes. */
  nodeGpus?: { capacity: Record<string, string>; allocatable: Record<string, string> };
  restarts: number;
  scheduledS?: number;
  runningS?: number;
}

type Condition = { type: string; status: string; reason?: string; message?: string };

/** Failures seen in pod status can be told apart only once the kubelet's events arrive: wait this long for them. */
const SETTLE_MS = 1500;
const REWATCH_MS = 1000;

function plural(kind: string): string {
  return `${kind.toLowerCase()}s`;
}

function apiPath(apiVersion: string): string {
  return apiVersion === 'v1' ? '/api/v1' : `/apis/${apiVersion}`;
}

/**
 * Watches a run's pods, its namespace's events and its workload, keeps the rollout timeline, and
 * resolves `failed` once classifyFailure says the rollout cannot succeed, with the last log lines
 * of the failing container. Watches that the API server closes are opened again (each opening
 * lists the current objects first, so nothing is missed in between).
 */
export class RunWatcher {
  readonly failed: Promise<Failure>;
  private resolveFailed!: (f: Failure) => void;
  private readonly pods = new Map<string, V1Pod>();
  private readonly events = new Map<string, CoreV1Event>();
  private workloadConditions: Condition[] = [];
  private readonly records = new Map<string, PodRecord>();
  private readonly timeline: Timeline = { scheduledS: null, runningS: null, rolloutS: null };
  private readonly aborts: AbortController[] = [];
  private stopped = false;
  private settling = false;
  private failure: Failure | null = null;
  private tail: string[] = [];
  private digest: string | undefined;

  private readonly kc: KubeConfig;
  private readonly namespace: string;
  private readonly runLabel: string;
  private readonly prepared: PreparedManifests;
  private readonly startedAt: number;
  private readonly logger: Logger;
  private readonly logLines: number;

  /** `runLabel` selects the run's pods (`key=value`); `startedAt` is performance.now() before the apply. */
  constructor(o: { kc: KubeConfig; namespace: string; runLabel: string; prepared: PreparedManifests; startedAt: number; logger: Logger; logLines: number }) {
    ({ kc: this.kc, namespace: this.namespace, runLabel: this.runLabel, prepared: this.prepared, startedAt: this.startedAt, logger: this.logger, logLines: this.logLines } = o);
    this.failed = new Promise((resolve) => (this.resolveFailed = resolve));
  }

  async start(): Promise<void> {
    const w = this.prepared.workload;
    await Promise.all([
      this.watch(`/api/v1/namespaces/${this.namespace}/pods`, { labelSelector: this.runLabel }, (type, obj: V1Pod) => this.onPod(type, obj)),
      this.watch(`/api/v1/namespaces/${this.namespace}/events`, {}, (type, obj: CoreV1Event) => this.onEvent(type, obj)),
      this.watch(`${apiPath(w.apiVersion)}/namespaces/${this.namespace}/${plural(w.kind)}`, { fieldSelector: `metadata.name=${w.name}` }, (_type, obj: unknown) =>
        this.onWorkload(obj),
      ),
    ]);
  }

  stop(): void {
    this.stopped = true;
    for (const a of this.aborts) a.abort();
  }

  /** The first pod whose candidate container runs: where the port-forward goes. */
  runningPod(): string | undefined {
    const running = [...this.pods.values()].filter((p) => !p.metadata?.deletionTimestamp && this.containerRunning(p));
    const ready = running.find((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    return (ready ?? running[0])?.metadata?.name;
  }

  failureNow(): Failure | null {
    return this.failure;
  }

  logTail(): string[] {
    return this.tail;
  }

  /** The image digest the kubelet resolved (containerStatuses[].imageID), when it reports one. */
  imageDigest(): string | undefined {
    return this.digest;
  }

  summary(): { timeline: Timeline; pods: PodRecord[]; restarts: number } {
    const pods = [...this.records.values()];
    return { timeline: { ...this.timeline }, pods, restarts: pods.reduce((n, p) => n + p.restarts, 0) };
  }

  private elapsedS(): number {
    return (performance.now() - this.startedAt) / 1000;
  }

  private async watch<T>(path: string, query: Record<string, string>, onEvent: (type: string, obj: T) => void): Promise<void> {
    if (this.stopped) return;
    const open = async () => {
      try {
        const ac = await new Watch(this.kc).watch(path, query, (type: string, obj: T) => onEvent(type, obj), () => {
          if (!this.stopped) setTimeout(() => void open(), REWATCH_MS);
        });
        this.aborts.push(ac);
      } catch (err) {
        if (this.stopped) return;
        this.logger.warn(`watch ${path}: ${(err as Error).message}; retrying`);
        setTimeout(() => void open(), REWATCH_MS);
      }
    };
    await open();
  }

  private containerRunning(p: V1Pod): boolean {
    return p.status?.phase === 'Running' && Boolean(p.status.containerStatuses?.find((c) => c.name === this.prepared.container.name)?.state?.running);
  }

  private onPod(type: string, pod: V1Pod): void {
    const name = pod.metadata?.name;
    if (!name) return;
    if (type === 'DELETED') {
      this.pods.delete(name);
      return;
    }
    this.pods.set(name, pod);
    const rec = this.records.get(name) ?? { name, restarts: 0 };
    this.records.set(name, rec);
    if (rec.scheduledS === undefined && pod.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'True')) {
      rec.scheduledS = this.elapsedS();
      rec.node = pod.spec?.nodeName;
      this.timeline.scheduledS ??= rec.scheduledS;
      this.logger.info(`pod ${name} scheduled on ${rec.node ?? '?'} after ${rec.scheduledS.toFixed(1)} s`);
      if (rec.node) void this.readNodeGpus(rec, rec.node);
    }
    const status = pod.status?.containerStatuses?.find((c) => c.name === this.prepared.container.name);
    rec.restarts = Math.max(rec.restarts, status?.restartCount ?? 0);
    if (status?.imageID) this.digest = /sha256:[0-9a-f]{64}/.exec(status.imageID)?.[0] ?? this.digest;
    if (rec.runningS === undefined && this.containerRunning(pod)) {
      rec.runningS = this.elapsedS();
      this.timeline.runningS ??= rec.runningS;
      this.logger.info(`container ${this.prepared.container.name} of pod ${name} running after ${rec.runningS.toFixed(1)} s`);
    }
    this.check();
  }

  /** Reading nodes needs a cluster-wide permission the gate may lack (docs/kubernetes.md): without it the record just has no GPUs. */
  private async readNodeGpus(rec: PodRecord, node: string): Promise<void> {
    try {
      const n = await this.kc.makeApiClient(CoreV1Api).readNode({ name: node });
      const gpus = (r?: Record<string, string>) => Object.fromEntries(Object.entries(r ?? {}).filter(([k]) => /\/gpu$/.test(k)));
      rec.nodeGpus = { capacity: gpus(n.status?.capacity), allocatable: gpus(n.status?.allocatable) };
    } catch {
      // Forbidden or gone: nothing to record.
    }
  }

  private onEvent(type: string, e: CoreV1Event): void {
    const uid = e.metadata?.uid ?? e.metadata?.name;
    if (!uid || type === 'DELETED') return;
    // Kept even when its pod is not known yet: the pod watch may deliver it later.
    if (!this.events.has(uid) && e.type === 'Warning' && this.ours(e)) this.logger.warn(`[event] ${e.involvedObject.name ?? ''}: ${e.reason ?? ''}: ${e.message ?? ''}`);
    this.events.set(uid, e);
    this.check();
  }

  /** In a shared namespace, only events of this run's pods, its workload and its ReplicaSets count. */
  private ours(e: CoreV1Event): boolean {
    const target = e.involvedObject.name ?? '';
    const w = this.prepared.workload.name;
    return this.pods.has(target) || target === w || target.startsWith(`${w}-`);
  }

  private onWorkload(obj: unknown): void {
    const status = (obj as { status?: { conditions?: Condition[]; replicas?: number; updatedReplicas?: number; availableReplicas?: number; readyReplicas?: number } })
      .status;
    const spec = (obj as { spec?: { replicas?: number } }).spec;
    this.workloadConditions = status?.conditions ?? [];
    const want = spec?.replicas ?? 1;
    if (this.timeline.rolloutS === null && status && (status.updatedReplicas ?? 0) >= want && (status.availableReplicas ?? status.readyReplicas ?? 0) >= want) {
      this.timeline.rolloutS = this.elapsedS();
      this.logger.info(`rollout of ${this.prepared.workload.kind} ${this.prepared.workload.name} complete after ${this.timeline.rolloutS.toFixed(1)} s`);
    }
    this.check();
  }

  private classify(): Failure | null {
    return classifyFailure({
      pods: [...this.pods.values()],
      events: [...this.events.values()].filter((e) => this.ours(e)),
      workloadConditions: this.workloadConditions,
      container: this.prepared.container.name,
      probes: this.prepared.container.probes,
    });
  }

  private check(): void {
    if (this.stopped || this.settling || this.failure) return;
    if (!this.classify()) return;
    this.settling = true;
    setTimeout(() => void this.conclude(), SETTLE_MS);
  }

  private async conclude(): Promise<void> {
    const f = this.classify();
    this.settling = false;
    if (!f || this.stopped) return;
    this.failure = f;
    this.tail = await this.collectTail(f);
    this.logger.error(f.message);
    this.resolveFailed(f);
  }

  /** The failing pod's events, then its container's last log lines (the crashed instance's, after a restart). */
  private async collectTail(f: Failure): Promise<string[]> {
    if (!f.pod) return [];
    const events = [...this.events.values()]
      .filter((e) => e.involvedObject.name === f.pod)
      .map((e) => `[event] ${e.type ?? ''} ${e.reason ?? ''}: ${e.message ?? ''}${(e.count ?? 1) > 1 ? ` (x${e.count})` : ''}`);
    if (!['CrashLoopBackOff', 'LivenessProbe', 'StartupProbe', 'OOMKilled', 'ContainerExited'].includes(f.reason)) return events;
    try {
      const core = this.kc.makeApiClient(CoreV1Api);
      const log = await core.readNamespacedPodLog({
        name: f.pod,
        namespace: this.namespace,
        container: this.prepared.container.name,
        previous: f.previousLogs,
        tailLines: this.logLines,
      });
      const lines = log.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);
      return [...events, `[logs] last ${lines.length} lines of ${this.prepared.container.name}${f.previousLogs ? ' (the instance that was restarted)' : ''}:`, ...lines];
    } catch (err) {
      return [...events, `[logs] unavailable: ${(err as Error).message}`];
    }
  }
}
