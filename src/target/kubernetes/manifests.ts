import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { TargetError } from '../types.ts';

/** Labels on every object the gate creates: what the post step and a person use to find a run's leftovers. */
export const RUN_LABEL = 'llm-gate.dev/run';
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'llm-gate' } as const;

const objectSchema = z
  .object({
    apiVersion: z.string().min(1),
    kind: z.string().min(1),
    metadata: z.object({ name: z.string().min(1), namespace: z.string().optional(), labels: z.record(z.string(), z.string()).optional() }).passthrough(),
  })
  .passthrough();
export type ManifestObject = z.infer<typeof objectSchema>;

const probeSchema = z
  .object({
    httpGet: z.object({ path: z.string().optional(), port: z.union([z.number(), z.string()]) }).passthrough().optional(),
    tcpSocket: z.object({ port: z.union([z.number(), z.string()]) }).passthrough().optional(),
    exec: z.object({ command: z.array(z.string()) }).passthrough().optional(),
    initialDelaySeconds: z.number().optional(),
    periodSeconds: z.number().optional(),
    timeoutSeconds: z.number().optional(),
    failureThreshold: z.number().optional(),
  })
  .passthrough();
export type Probe = z.infer<typeof probeSchema>;

const containerSchema = z
  .object({
    name: z.string(),
    image: z.string().optional(),
    ports: z.array(z.object({ containerPort: z.number(), name: z.string().optional() }).passthrough()).optional(),
    resources: z
      .object({ limits: z.record(z.string(), z.union([z.string(), z.number()])).optional(), requests: z.record(z.string(), z.union([z.string(), z.number()])).optional() })
      .passthrough()
      .optional(),
    livenessProbe: probeSchema.optional(),
    readinessProbe: probeSchema.optional(),
    startupProbe: probeSchema.optional(),
  })
  .passthrough();
type Container = z.infer<typeof containerSchema>;

const podTemplateSchema = z
  .object({
    metadata: z.object({ labels: z.record(z.string(), z.string()).optional() }).passthrough().optional(),
    spec: z.object({ containers: z.array(containerSchema).min(1) }).passthrough(),
  })
  .passthrough();
type PodTemplate = z.infer<typeof podTemplateSchema>;

const serviceSchema = z.object({
  metadata: z.object({ name: z.string() }).passthrough(),
  spec: z
    .object({
      ports: z.array(z.object({ port: z.number(), targetPort: z.union([z.number(), z.string()]).optional(), name: z.string().optional() }).passthrough()).min(1),
    })
    .passthrough(),
});

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'LeaderWorkerSet'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** Kinds that live outside a namespace: deleting the namespace would leave them behind, so the gate refuses them. */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'RuntimeClass',
  'IngressClass',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'APIService',
  'Node',
]);

export interface PreparedManifests {
  /** The objects to create, in file order, with the candidate image, the namespace and the run labels set. */
  objects: ManifestObject[];
  workload: { kind: WorkloadKind; name: string; apiVersion: string };
  /** The Service that reaches the candidate container's port, when the manifests have one. */
  service?: { name: string; port: number };
  /** The candidate container as declared: GPU requests and probes, for the report and for naming a probe that killed it. */
  container: { name: string; gpus: Record<string, string>; probes: { liveness?: Probe; readiness?: Probe; startup?: Probe } };
}

/** Parses YAML text holding one or more documents; `kind: List` is flattened; empty documents are skipped. */
export function parseManifests(text: string, source: string): ManifestObject[] {
  const out: ManifestObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new TargetError(`${source}: ${doc.errors[0]!.message}`);
    const value: unknown = doc.toJSON();
    if (value === null || value === undefined) continue;
    const items = z.object({ kind: z.literal('List'), items: z.array(z.unknown()) }).safeParse(value);
    for (const item of items.success ? items.data.items : [value]) {
      const parsed = objectSchema.safeParse(item);
      if (!parsed.success) throw new TargetError(`${source}: every document needs apiVersion, kind and metadata.name (${parsed.error.issues[0]!.message})`);
      out.push(parsed.data);
    }
  }
  return out;
}

function podTemplates(o: ManifestObject): { path: string; template: PodTemplate }[] {
  const spec = z.object({ spec: z.record(z.string(), z.unknown()) }).parse(o).spec;
  const found: { path: string; template: PodTemplate }[] = [];
  const take = (path: string, value: unknown) => {
    if (value === undefined) return;
    const parsed = podTemplateSchema.safeParse(value);
    if (!parsed.success) throw new TargetError(`${o.kind} ${o.metadata.name}: ${path} is not a pod template with containers`);
    found.push({ path, template: parsed.data });
  };
  if (o.kind === 'LeaderWorkerSet') {
    const lws = z.object({ leaderWorkerTemplate: z.object({ workerTemplate: z.unknown(), leaderTemplate: z.unknown().optional() }).passthrough() }).safeParse(spec);
    if (!lws.success) throw new TargetError(`LeaderWorkerSet ${o.metadata.name}: spec.leaderWorkerTemplate.workerTemplate is missing`);
    take('spec.leaderWorkerTemplate.leaderTemplate', lws.data.leaderWorkerTemplate.leaderTemplate);
    take('spec.leaderWorkerTemplate.workerTemplate', lws.data.leaderWorkerTemplate.workerTemplate);
  } else {
    take('spec.template', spec.template);
  }
  if (found.length === 0) throw new TargetError(`${o.kind} ${o.metadata.name}: no pod template`);
  return found;
}

function quantities(c: Container): Record<string, string> {
  const all = { ...c.resources?.requests, ...c.resources?.limits };
  return Object.fromEntries(Object.entries(all).flatMap(([k, v]) => (/\/gpu$/.test(k) ? [[k, String(v)]] : [])));
}

/**
 * Prepares the team's manifests for one gate run: the candidate image replaces the image of the
 * named container in every pod template of the workload, every object gets the namespace and
 * the run's labels (pod templates too, so pods and their events can be told apart), and the
 * Service port that reaches `containerPort` is found. Pure; throws TargetError on manifests the
 * gate cannot run (no workload or several, the container missing, cluster-scoped objects).
 */
export function prepareManifests(
  objects: ManifestObject[],
  o: { image: string; container: string; workload?: string; namespace: string; labels: Record<string, string>; containerPort: number; service?: string },
): PreparedManifests {
  const refused = objects.filter((x) => CLUSTER_SCOPED.has(x.kind));
  if (refused.length > 0) {
    throw new TargetError(
      `the manifests hold cluster-scoped objects (${refused.map((x) => `${x.kind} ${x.metadata.name}`).join(', ')}): the gate creates namespaced objects only, so that deleting the namespace removes everything`,
    );
  }
  const workloads = objects.filter((x) => (WORKLOAD_KINDS as readonly string[]).includes(x.kind) && (o.workload === undefined || x.metadata.name === o.workload));
  if (workloads.length !== 1) {
    throw new TargetError(
      workloads.length === 0
        ? `no ${o.workload ? `workload named ${o.workload}` : 'Deployment, StatefulSet or LeaderWorkerSet'} in the manifests`
        : `several workloads in the manifests (${workloads.map((w) => `${w.kind} ${w.metadata.name}`).join(', ')}): name one with kubernetes.workload`,
    );
  }
  const labels = { ...MANAGED_BY, ...o.labels };
  const prepared = objects.map((x) => structuredClone(x));
  let candidate: Container | undefined;
  for (const x of prepared) {
    x.metadata = { ...x.metadata, namespace: o.namespace, labels: { ...x.metadata.labels, ...labels } };
    if (x.kind !== workloads[0]!.kind || x.metadata.name !== workloads[0]!.metadata.name) continue;
    for (const { path, template } of podTemplates(x)) {
      // Parsing copied the template: write the changed copy back where it came from.
      template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, ...labels } };
      const c = template.spec.containers.find((k) => k.name === o.container);
      if (!c) throw new TargetError(`${x.kind} ${x.metadata.name}: ${path} has no container named ${o.container} (it has ${template.spec.containers.map((k) => k.name).join(', ')})`);
      c.image = o.image;
      candidate ??= c;
      setPath(x, path, template);
    }
  }
  const w = workloads[0]!;
  const c = candidate!;
  const namedPorts = new Set((c.ports ?? []).filter((p) => p.containerPort === o.containerPort && p.name).map((p) => p.name!));
  const services = prepared.filter((x) => x.kind === 'Service' && (o.service === undefined || x.metadata.name === o.service));
  if (o.service !== undefined && services.length === 0) throw new TargetError(`no Service named ${o.service} in the manifests`);
  let service: PreparedManifests['service'];
  for (const s of services) {
    const parsed = serviceSchema.safeParse(s);
    if (!parsed.success) continue;
    const port = parsed.data.spec.ports.find((p) =>
      p.targetPort === undefined ? p.port === o.containerPort : typeof p.targetPort === 'number' ? p.targetPort === o.containerPort : namedPorts.has(p.targetPort),
    );
    if (port) {
      service = { name: parsed.data.metadata.name, port: port.port };
      break;
    }
  }
  if (o.service !== undefined && !service) throw new TargetError(`Service ${o.service} has no port that reaches container port ${o.containerPort}`);
  return {
    objects: prepared,
    workload: { kind: w.kind as WorkloadKind, name: w.metadata.name, apiVersion: w.apiVersion },
    ...(service ? { service } : {}),
    container: {
      name: c.name,
      gpus: quantities(c),
      probes: {
        ...(c.livenessProbe ? { liveness: c.livenessProbe } : {}),
        ...(c.readinessProbe ? { readiness: c.readinessProbe } : {}),
        ...(c.startupProbe ? { startup: c.startupProbe } : {}),
      },
    },
  };
}

function setPath(root: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let at = root;
  for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
  at[keys.at(-1)!] = value;
}

/** One line for a probe: `httpGet :8000/health, initialDelaySeconds 10, periodSeconds 10, failureThreshold 3 (kills after ~40 s without an answer)`. */
export function describeProbe(p: Probe): string {
  const what = p.httpGet ? `httpGet :${p.httpGet.port}${p.httpGet.path ?? '/'}` : p.tcpSocket ? `tcpSocket :${p.tcpSocket.port}` : p.exec ? `exec ${p.exec.command.join(' ')}` : 'probe';
  // Kubernetes defaults: initialDelaySeconds 0, periodSeconds 10, failureThreshold 3.
  const delay = p.initialDelaySeconds ?? 0;
  const period = p.periodSeconds ?? 10;
  const failures = p.failureThreshold ?? 3;
  return `${what}, initialDelaySeconds ${delay}, periodSeconds ${period}, failureThreshold ${failures} (gives up after about ${delay + period * failures} s)`;
}
