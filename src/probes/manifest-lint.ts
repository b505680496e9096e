import { readFile } from 'node:fs/promises';
import { isMap, isNode, isScalar, isSeq, LineCounter, parseAllDocuments, type Document } from 'yaml';
import { z } from 'zod';
import { sortFindings } from '../report/findings.ts';
import type { ManifestFinding } from '../report/schema.ts';

export interface ManifestLintOptions {
  /** Slowest measured seconds-to-ready of the image: what the probes must survive. */
  loadSeconds: number;
  /** Paths that answer before the model is loaded (see `engineProbeFacts(engine).earlyPaths`). */
  nonInferencePaths: readonly string[];
  /** Paths that run or depend on a generation; a liveness probe on them restarts busy pods. */
  inferencePaths?: readonly string[];
  /** Check this container only; otherwise containers that request a GPU, or all when none does. */
  containerName?: string;
  /** Report containers without a GPU limit (default true). */
  needsGpu?: boolean;
  /** Report containers without a memory-backed /dev/shm (default true: NCCL and engine workers use it). */
  needsShm?: boolean;
}

export const DEFAULT_INFERENCE_PATHS: readonly string[] = [
  '/v1/completions',
  '/v1/chat/completions',
  '/generate',
  '/generate_stream',
  '/api/generate',
  '/api/chat',
  '/health_generate',
  '/v1/health/ready',
];

const portSchema = z.union([z.number(), z.string()]);
// Loose: a manifest has many fields we do not read; only the ones we read must have the right type.
const probeSchema = z.looseObject({
  httpGet: z.looseObject({ path: z.string().optional(), port: portSchema }).optional(),
  tcpSocket: z.looseObject({ port: portSchema }).optional(),
  exec: z.looseObject({ command: z.array(z.string()).optional() }).optional(),
  grpc: z.looseObject({ port: z.number() }).optional(),
  initialDelaySeconds: z.number().optional(),
  periodSeconds: z.number().optional(),
  failureThreshold: z.number().optional(),
});
type ManifestProbe = z.infer<typeof probeSchema>;
const containerSchema = z.looseObject({
  name: z.string(),
  resources: z
    .looseObject({
      limits: z.record(z.string(), z.union([z.string(), z.number()])).nullish(),
      requests: z.record(z.string(), z.union([z.string(), z.number()])).nullish(),
    })
    .nullish(),
  volumeMounts: z.array(z.looseObject({ name: z.string(), mountPath: z.string() })).nullish(),
  startupProbe: probeSchema.nullish(),
  readinessProbe: probeSchema.nullish(),
  livenessProbe: probeSchema.nullish(),
});
type Container = z.infer<typeof containerSchema>;
const podSpecSchema = z.looseObject({
  containers: z.array(containerSchema).min(1),
  volumes: z.array(z.looseObject({ name: z.string(), emptyDir: z.looseObject({ medium: z.string().optional() }).nullish() })).nullish(),
});
type PodSpec = z.infer<typeof podSpecSchema>;

/** Kinds whose pods live under spec.template.spec; a bare Pod has them under spec. */
const templated = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

type Path = (string | number)[];
const fieldName = (path: Path) => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');

function isGpuResource(name: string): boolean {
  return /^(?:nvidia\.com|amd\.com)\/gpu$|^nvidia\.com\/mig-/.test(name);
}

function gpuCount(c: Container): number {
  return Object.entries(c.resources?.limits ?? {})
    .filter(([k]) => isGpuResource(k))
    .reduce((n, [, v]) => n + (Number(v) || 0), 0);
}

/** Seconds of failing checks before Kubernetes acts, with its defaults (period 10, threshold 3, delay 0). */
function probeBudget(p: ManifestProbe): number {
  return (p.initialDelaySeconds ?? 0) + (p.failureThreshold ?? 3) * (p.periodSeconds ?? 10);
}

const pathOf = (p: ManifestProbe) => p.httpGet?.path?.split('?')[0] ?? '/';

function describeProbe(p: ManifestProbe): string {
  if (p.httpGet) return `httpGet ${p.httpGet.path ?? '/'}`;
  if (p.tcpSocket) return `tcpSocket ${p.tcpSocket.port}`;
  if (p.exec) return `exec ${(p.exec.command ?? []).join(' ').slice(0, 80)}`;
  return p.grpc ? 'grpc' : 'probe';
}

type Draft = Omit<ManifestFinding, 'resource' | 'file' | 'field' | 'line'> & { path: Path };

function lintContainer(c: Container, base: Path, pod: PodSpec, o: ManifestLintOptions): Draft[] {
  const out: Draft[] = [];
  const load = o.loadSeconds;
  const inference = o.inferencePaths ?? DEFAULT_INFERENCE_PATHS;
  const loadText = `${load.toFixed(0)} s`;

  // Whichever probe runs first during startup decides whether a loading container gets restarted.
  const guard = c.startupProbe ? 'startupProbe' : c.livenessProbe ? 'livenessProbe' : undefined;
  const guardProbe = c.startupProbe ?? c.livenessProbe;
  if (guard && guardProbe) {
    const budget = probeBudget(guardProbe);
    const settings = `initialDelaySeconds ${guardProbe.initialDelaySeconds ?? 0} + failureThreshold ${guardProbe.failureThreshold ?? 3} × periodSeconds ${guardProbe.periodSeconds ?? 10} = ${budget} s`;
    if (budget < load) {
      out.push({
        path: [...base, guard],
        id: guard === 'startupProbe' ? 'startup-kills-loading-pod' : 'liveness-kills-loading-pod',
        severity: 'critical',
        message:
          guard === 'startupProbe'
            ? `The startupProbe gives up after ${budget} s but the image took ${loadText} to load in the gate: Kubernetes restarts the container before the model is loaded, in a loop.`
            : `The livenessProbe restarts the container after ${budget} s of failed checks and no startupProbe holds it off, but the image took ${loadText} to load in the gate: the pod is killed while loading weights, in a restart loop. Add a startupProbe that covers the load.`,
        evidence: settings,
      });
    } else if (budget < 1.5 * load) {
      out.push({
        path: [...base, guard],
        id: 'startup-thin-margin',
        severity: 'medium',
        message: `The ${guard} allows ${budget} s, less than 1.5 × the measured load of ${loadText}: a slower node or a colder cache restarts the pod mid-load.`,
        evidence: settings,
      });
    }
  }

  if (c.livenessProbe) {
    const p = c.livenessProbe;
    const cmd = (p.exec?.command ?? []).join(' ');
    if ((p.httpGet && inference.includes(pathOf(p))) || inference.some((i) => cmd.includes(i))) {
      out.push({
        path: [...base, 'livenessProbe'],
        id: 'liveness-runs-inference',
        severity: 'medium',
        message: 'The livenessProbe depends on a generation: under load it times out and Kubernetes restarts a busy, healthy pod (a full reload). Keep inference in the readinessProbe; make liveness a cheap check.',
        evidence: describeProbe(p),
      });
    }
  }

  const r = c.readinessProbe;
  if (!r) {
    out.push({
      path: base,
      id: 'no-readiness-probe',
      severity: 'high',
      message: 'The container has no readinessProbe: it receives traffic as soon as it starts, minutes before the model can answer.',
    });
  } else if (r.tcpSocket) {
    out.push({
      path: [...base, 'readinessProbe'],
      id: 'readiness-port-only',
      severity: 'high',
      message: 'The readinessProbe only checks that the port is open: several engines (llama.cpp server, Ollama, the NIM proxy, most wrappers) accept connections before the weights are loaded, so traffic reaches a pod that answers errors. Probe a path that runs inference.',
      evidence: describeProbe(r),
    });
  } else if (r.httpGet && o.nonInferencePaths.includes(pathOf(r))) {
    out.push({
      path: [...base, 'readinessProbe', 'httpGet', 'path'],
      id: 'readiness-before-load',
      severity: 'high',
      message: `The readinessProbe uses ${pathOf(r)}, which answers before the model is loaded: the pod is marked ready and receives traffic while it still loads weights. Probe a path that runs a one-token inference.`,
      evidence: describeProbe(r),
    });
  }

  const gpus = gpuCount(c);
  if ((o.needsGpu ?? true) && gpus === 0) {
    const requested = Object.keys(c.resources?.requests ?? {}).some(isGpuResource);
    out.push({
      path: [...base, 'resources', 'limits'],
      id: 'no-gpu-limit',
      severity: 'high',
      message: requested
        ? 'The GPU is requested but not limited: Kubernetes rejects extended resources in requests alone. Set resources.limits["nvidia.com/gpu"].'
        : 'No nvidia.com/gpu in resources.limits: the device plugin assigns no GPU, so the pod may land on a CPU node or see GPUs the scheduler has given to others.',
    });
  }

  if (o.needsShm ?? true) {
    const mount = c.volumeMounts?.find((m) => m.mountPath.replace(/\/$/, '') === '/dev/shm');
    const volume = mount ? pod.volumes?.find((v) => v.name === mount.name) : undefined;
    if (!mount) {
      out.push({
        path: [...base, 'volumeMounts'],
        id: 'no-shm-volume',
        severity: gpus > 1 ? 'high' : 'medium',
        message: `No memory-backed /dev/shm: containers get 64 MiB, which starves NCCL${gpus > 1 ? ` across the ${gpus} GPUs of this pod` : ' and engine worker processes'}. Mount an emptyDir with medium: Memory at /dev/shm.`,
      });
    } else if (volume?.emptyDir?.medium !== 'Memory') {
      out.push({
        path: [...base, 'volumeMounts'],
        id: 'shm-not-memory',
        severity: 'medium',
        message: `/dev/shm is mounted from volume ${mount.name}, which is not an emptyDir with medium: Memory; shared memory on disk slows NCCL and worker IPC.`,
      });
    }
  }
  return out;
}

/** Where the field's key starts, or its nearest existing parent's: a missing field points at its parent. */
function offsetOf(doc: Document, path: Path): number | undefined {
  for (let n = path.length; n > 0; n--) {
    const parent = n === 1 ? doc.contents : doc.getIn(path.slice(0, n - 1), true);
    const key = path[n - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === key);
      if (pair && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
    } else if (isSeq(parent) && typeof key === 'number') {
      const item = parent.items[key];
      if (isNode(item) && item.range) return item.range[0];
    }
  }
  return undefined;
}

export interface ManifestLint {
  findings: ManifestFinding[];
  /** The containers that were checked, so advice can be written for the same name. */
  containers: { resource: string; name: string }[];
}

/** Lints every workload in a (multi-document, Helm-rendered) manifest text. Throws on YAML or shape errors. */
export function lintManifestText(text: string, file: string, options: ManifestLintOptions): ManifestLint {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter });
  if (!Array.isArray(docs)) throw new Error(`${file}: not a YAML stream`);
  const findings: ManifestFinding[] = [];
  const checked: ManifestLint['containers'] = [];
  let workloads = 0;
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) throw new Error(`${file}:${lineCounter.linePos(err.pos[0]).line}: invalid YAML: ${err.message.split('\n')[0]}`);
    const value: unknown = doc.toJS();
    const head = z.looseObject({ kind: z.string(), metadata: z.looseObject({ name: z.string().optional() }).optional() }).safeParse(value);
    if (!head.success || (!templated.has(head.data.kind) && head.data.kind !== 'Pod')) continue;
    const resource = `${head.data.kind}/${head.data.metadata?.name ?? '(unnamed)'}`;
    const podPath: Path = head.data.kind === 'Pod' ? ['spec'] : ['spec', 'template', 'spec'];
    const podValue = podPath.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), value);
    const pod = podSpecSchema.safeParse(podValue);
    if (!pod.success) {
      const issue = pod.error.issues[0]!;
      throw new Error(`${file}: ${resource}: ${fieldName([...podPath, ...(issue.path as Path)])}: ${issue.message}`);
    }
    workloads++;
    const containers = pod.data.containers.map((c, i) => ({ c, i }));
    const chosen = options.containerName
      ? containers.filter(({ c }) => c.name === options.containerName)
      : containers.some(({ c }) => gpuCount(c) > 0)
        ? containers.filter(({ c }) => gpuCount(c) > 0)
        : containers;
    if (options.containerName && chosen.length === 0) {
      throw new Error(`${file}: ${resource}: no container named "${options.containerName}" (found ${containers.map(({ c }) => c.name).join(', ')})`);
    }
    for (const { c, i } of chosen) {
      checked.push({ resource, name: c.name });
      for (const { path, ...rest } of lintContainer(c, [...podPath, 'containers', i], pod.data, options)) {
        const offset = offsetOf(doc, path);
        const line = offset === undefined ? undefined : lineCounter.linePos(offset).line;
        findings.push({ ...rest, resource, field: fieldName(path), file, ...(line !== undefined ? { line } : {}) });
      }
    }
  }
  if (workloads === 0) throw new Error(`${file}: no Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or Pod found`);
  return { findings: sortFindings(findings), containers: checked };
}

/** Reads and lints the manifest given as `--k8s-manifest`. */
export async function lintManifest(file: string, options: ManifestLintOptions): Promise<ManifestLint> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`--k8s-manifest ${file}: cannot read: ${(err as Error).message}`, { cause: err });
  }
  return lintManifestText(text, file, options);
}
