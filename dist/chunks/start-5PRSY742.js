import { createRequire as __llmGateCreateRequire } from 'node:module'; const require = __llmGateCreateRequire(import.meta.url);
import {
  DEFAULT_PORT,
  require_dist
} from "./chunk-HGILKTQ3.js";
import {
  external_exports
} from "./chunk-CBO2WUS7.js";
import {
  KubernetesObjectApi,
  ObjectCoreV1Api,
  PortForward,
  Watch,
  apiErrorText,
  deleteRun,
  loadClusterAccess
} from "./chunk-JJZRMRL4.js";
import {
  TargetError,
  __toESM
} from "./chunk-7VG5NXZU.js";

// src/target/kubernetes/start.ts
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";

// src/target/kubernetes/forward.ts
import net from "node:net";
async function startForwarder(kc, namespace, containerPort, pickPod) {
  const pf = new PortForward(kc, true);
  const sockets = /* @__PURE__ */ new Set();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    const pod = pickPod();
    if (pod === void 0) {
      socket.destroy();
      return;
    }
    pf.portForward(namespace, pod, [containerPort], socket, null, socket).then((opened) => {
      const ws = typeof opened === "function" ? opened() : opened;
      if (!ws) return socket.destroy();
      ws.on("close", () => socket.end());
      ws.on("error", () => socket.destroy());
      socket.on("close", () => ws.close());
    }).catch(() => socket.destroy());
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    })
  };
}

// src/target/kubernetes/manifests.ts
var import_yaml = __toESM(require_dist(), 1);
var RUN_LABEL = "llm-gate.dev/run";
var MANAGED_BY = { "app.kubernetes.io/managed-by": "llm-gate" };
var objectSchema = external_exports.object({
  apiVersion: external_exports.string().min(1),
  kind: external_exports.string().min(1),
  metadata: external_exports.object({ name: external_exports.string().min(1), namespace: external_exports.string().optional(), labels: external_exports.record(external_exports.string(), external_exports.string()).optional() }).passthrough()
}).passthrough();
var probeSchema = external_exports.object({
  httpGet: external_exports.object({ path: external_exports.string().optional(), port: external_exports.union([external_exports.number(), external_exports.string()]) }).passthrough().optional(),
  tcpSocket: external_exports.object({ port: external_exports.union([external_exports.number(), external_exports.string()]) }).passthrough().optional(),
  exec: external_exports.object({ command: external_exports.array(external_exports.string()) }).passthrough().optional(),
  initialDelaySeconds: external_exports.number().optional(),
  periodSeconds: external_exports.number().optional(),
  timeoutSeconds: external_exports.number().optional(),
  failureThreshold: external_exports.number().optional()
}).passthrough();
var containerSchema = external_exports.object({
  name: external_exports.string(),
  image: external_exports.string().optional(),
  ports: external_exports.array(external_exports.object({ containerPort: external_exports.number(), name: external_exports.string().optional() }).passthrough()).optional(),
  resources: external_exports.object({ limits: external_exports.record(external_exports.string(), external_exports.union([external_exports.string(), external_exports.number()])).optional(), requests: external_exports.record(external_exports.string(), external_exports.union([external_exports.string(), external_exports.number()])).optional() }).passthrough().optional(),
  livenessProbe: probeSchema.optional(),
  readinessProbe: probeSchema.optional(),
  startupProbe: probeSchema.optional()
}).passthrough();
var podTemplateSchema = external_exports.object({
  metadata: external_exports.object({ labels: external_exports.record(external_exports.string(), external_exports.string()).optional() }).passthrough().optional(),
  spec: external_exports.object({ containers: external_exports.array(containerSchema).min(1) }).passthrough()
}).passthrough();
var serviceSchema = external_exports.object({
  metadata: external_exports.object({ name: external_exports.string() }).passthrough(),
  spec: external_exports.object({
    ports: external_exports.array(external_exports.object({ port: external_exports.number(), targetPort: external_exports.union([external_exports.number(), external_exports.string()]).optional(), name: external_exports.string().optional() }).passthrough()).min(1)
  }).passthrough()
});
var WORKLOAD_KINDS = ["Deployment", "StatefulSet", "LeaderWorkerSet"];
var CLUSTER_SCOPED = /* @__PURE__ */ new Set([
  "Namespace",
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
  "PersistentVolume",
  "StorageClass",
  "PriorityClass",
  "RuntimeClass",
  "IngressClass",
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
  "APIService",
  "Node"
]);
function parseManifests(text, source) {
  const out = [];
  for (const doc of (0, import_yaml.parseAllDocuments)(text)) {
    if (doc.errors.length > 0) throw new TargetError(`${source}: ${doc.errors[0].message}`);
    const value = doc.toJSON();
    if (value === null || value === void 0) continue;
    const items = external_exports.object({ kind: external_exports.literal("List"), items: external_exports.array(external_exports.unknown()) }).safeParse(value);
    for (const item of items.success ? items.data.items : [value]) {
      const parsed = objectSchema.safeParse(item);
      if (!parsed.success) throw new TargetError(`${source}: every document needs apiVersion, kind and metadata.name (${parsed.error.issues[0].message})`);
      out.push(parsed.data);
    }
  }
  return out;
}
function podTemplates(o) {
  const spec = external_exports.object({ spec: external_exports.record(external_exports.string(), external_exports.unknown()) }).parse(o).spec;
  const found = [];
  const take = (path, value) => {
    if (value === void 0) return;
    const parsed = podTemplateSchema.safeParse(value);
    if (!parsed.success) throw new TargetError(`${o.kind} ${o.metadata.name}: ${path} is not a pod template with containers`);
    found.push({ path, template: parsed.data });
  };
  if (o.kind === "LeaderWorkerSet") {
    const lws = external_exports.object({ leaderWorkerTemplate: external_exports.object({ workerTemplate: external_exports.unknown(), leaderTemplate: external_exports.unknown().optional() }).passthrough() }).safeParse(spec);
    if (!lws.success) throw new TargetError(`LeaderWorkerSet ${o.metadata.name}: spec.leaderWorkerTemplate.workerTemplate is missing`);
    take("spec.leaderWorkerTemplate.leaderTemplate", lws.data.leaderWorkerTemplate.leaderTemplate);
    take("spec.leaderWorkerTemplate.workerTemplate", lws.data.leaderWorkerTemplate.workerTemplate);
  } else {
    take("spec.template", spec.template);
  }
  if (found.length === 0) throw new TargetError(`${o.kind} ${o.metadata.name}: no pod template`);
  return found;
}
function quantities(c) {
  const all = { ...c.resources?.requests, ...c.resources?.limits };
  return Object.fromEntries(Object.entries(all).flatMap(([k, v]) => /\/gpu$/.test(k) ? [[k, String(v)]] : []));
}
function prepareManifests(objects, o) {
  const refused = objects.filter((x) => CLUSTER_SCOPED.has(x.kind));
  if (refused.length > 0) {
    throw new TargetError(
      `the manifests hold cluster-scoped objects (${refused.map((x) => `${x.kind} ${x.metadata.name}`).join(", ")}): the gate creates namespaced objects only, so that deleting the namespace removes everything`
    );
  }
  const workloads = objects.filter((x) => WORKLOAD_KINDS.includes(x.kind) && (o.workload === void 0 || x.metadata.name === o.workload));
  if (workloads.length !== 1) {
    throw new TargetError(
      workloads.length === 0 ? `no ${o.workload ? `workload named ${o.workload}` : "Deployment, StatefulSet or LeaderWorkerSet"} in the manifests` : `several workloads in the manifests (${workloads.map((w2) => `${w2.kind} ${w2.metadata.name}`).join(", ")}): name one with kubernetes.workload`
    );
  }
  const labels = { ...MANAGED_BY, ...o.labels };
  const prepared = objects.map((x) => structuredClone(x));
  let candidate;
  for (const x of prepared) {
    x.metadata = { ...x.metadata, namespace: o.namespace, labels: { ...x.metadata.labels, ...labels } };
    if (x.kind !== workloads[0].kind || x.metadata.name !== workloads[0].metadata.name) continue;
    for (const { path, template } of podTemplates(x)) {
      template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, ...labels } };
      const c2 = template.spec.containers.find((k) => k.name === o.container);
      if (!c2) throw new TargetError(`${x.kind} ${x.metadata.name}: ${path} has no container named ${o.container} (it has ${template.spec.containers.map((k) => k.name).join(", ")})`);
      c2.image = o.image;
      candidate ??= c2;
      setPath(x, path, template);
    }
  }
  const w = workloads[0];
  const c = candidate;
  const namedPorts = new Set((c.ports ?? []).filter((p) => p.containerPort === o.containerPort && p.name).map((p) => p.name));
  const services = prepared.filter((x) => x.kind === "Service" && (o.service === void 0 || x.metadata.name === o.service));
  if (o.service !== void 0 && services.length === 0) throw new TargetError(`no Service named ${o.service} in the manifests`);
  let service;
  for (const s of services) {
    const parsed = serviceSchema.safeParse(s);
    if (!parsed.success) continue;
    const port = parsed.data.spec.ports.find(
      (p) => p.targetPort === void 0 ? p.port === o.containerPort : typeof p.targetPort === "number" ? p.targetPort === o.containerPort : namedPorts.has(p.targetPort)
    );
    if (port) {
      service = { name: parsed.data.metadata.name, port: port.port };
      break;
    }
  }
  if (o.service !== void 0 && !service) throw new TargetError(`Service ${o.service} has no port that reaches container port ${o.containerPort}`);
  return {
    objects: prepared,
    workload: { kind: w.kind, name: w.metadata.name, apiVersion: w.apiVersion },
    ...service ? { service } : {},
    container: {
      name: c.name,
      gpus: quantities(c),
      probes: {
        ...c.livenessProbe ? { liveness: c.livenessProbe } : {},
        ...c.readinessProbe ? { readiness: c.readinessProbe } : {},
        ...c.startupProbe ? { startup: c.startupProbe } : {}
      }
    }
  };
}
function setPath(root, dotted, value) {
  const keys = dotted.split(".");
  let at = root;
  for (const k of keys.slice(0, -1)) at = at[k];
  at[keys.at(-1)] = value;
}
function describeProbe(p) {
  const what = p.httpGet ? `httpGet :${p.httpGet.port}${p.httpGet.path ?? "/"}` : p.tcpSocket ? `tcpSocket :${p.tcpSocket.port}` : p.exec ? `exec ${p.exec.command.join(" ")}` : "probe";
  const delay = p.initialDelaySeconds ?? 0;
  const period = p.periodSeconds ?? 10;
  const failures = p.failureThreshold ?? 3;
  return `${what}, initialDelaySeconds ${delay}, periodSeconds ${period}, failureThreshold ${failures} (gives up after about ${delay + period * failures} s)`;
}

// src/target/kubernetes/failures.ts
var IMAGE_PULL = /* @__PURE__ */ new Set(["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull"]);
var CONFIG = /* @__PURE__ */ new Set(["CreateContainerConfigError", "CreateContainerError", "RunContainerError"]);
function seconds(from, to) {
  if (!from || !to) return null;
  const s = (new Date(to).getTime() - new Date(from).getTime()) / 1e3;
  return Number.isFinite(s) && s >= 0 ? s : null;
}
function eventTime(e) {
  const t = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp;
  return t ? new Date(t) : void 0;
}
function eventsOf(events, pod) {
  return events.filter((e) => e.involvedObject.name === pod).sort((a, b) => (eventTime(a)?.getTime() ?? 0) - (eventTime(b)?.getTime() ?? 0));
}
function classifyFailure(o) {
  for (const pod of o.pods) {
    const name = pod.metadata?.name ?? "?";
    const status = pod.status?.containerStatuses?.find((c) => c.name === o.container);
    const restarts = status?.restartCount ?? 0;
    const events = eventsOf(o.events, name);
    const last = status?.lastState?.terminated;
    const now = status?.state?.terminated;
    const kill = events.filter((e) => e.reason === "Killing" && /failed (liveness|startup) probe/i.test(e.message ?? "")).at(-1);
    const unhealthy = events.filter((e) => e.reason === "Unhealthy" && /^(Liveness|Startup) probe failed/i.test(e.message ?? "")).at(-1);
    if (kill || unhealthy && (restarts > 0 || last)) {
      const which = /startup/i.test(kill?.message ?? unhealthy?.message ?? "") ? "startup" : "liveness";
      const probe = which === "startup" ? o.probes.startup : o.probes.liveness;
      const ran = seconds(last?.startedAt, last?.finishedAt) ?? seconds(pod.status?.startTime, kill ? eventTime(kill) : unhealthy ? eventTime(unhealthy) : void 0);
      const parts = [
        `${which === "startup" ? "StartupProbe" : "LivenessProbe"}: the ${which} probe killed container ${o.container} of pod ${name}${ran !== null ? ` after ${ran.toFixed(0)} s` : ""} while it was loading`,
        ...probe ? [`probe: ${describeProbe(probe)}`] : [],
        ...unhealthy?.message ? [`last failure: ${unhealthy.message}`] : [],
        `restarts: ${restarts}`
      ];
      return { reason: which === "startup" ? "StartupProbe" : "LivenessProbe", message: parts.join("; "), pod: name, restarts, previousLogs: true, ...last?.exitCode !== void 0 ? { exitCode: last.exitCode } : {} };
    }
    const oom = [now, last].find((t) => t?.reason === "OOMKilled");
    if (oom) {
      return { reason: "OOMKilled", message: `OOMKilled: container ${o.container} of pod ${name} ran out of memory (exit ${oom.exitCode}); restarts: ${restarts}`, pod: name, restarts, exitCode: oom.exitCode, previousLogs: oom === last };
    }
    const waiting = status?.state?.waiting;
    if (waiting?.reason && IMAGE_PULL.has(waiting.reason)) {
      const failed = events.filter((e) => e.reason === "Failed" && /pull/i.test(e.message ?? "")).at(-1);
      const detail = failed?.message ?? waiting.message ?? "";
      return { reason: "ImagePull", message: `${waiting.reason}: ${detail || `cannot pull ${status?.image ?? "the image"}`}`, pod: name, restarts, previousLogs: false };
    }
    if (waiting?.reason === "CrashLoopBackOff") {
      const exit = last ? ` (last exit code ${last.exitCode}${last.reason ? `, ${last.reason}` : ""})` : "";
      return { reason: "CrashLoopBackOff", message: `CrashLoopBackOff: container ${o.container} of pod ${name} keeps crashing${exit}; restarts: ${restarts}`, pod: name, restarts, previousLogs: true, ...last ? { exitCode: last.exitCode } : {} };
    }
    if (waiting?.reason && CONFIG.has(waiting.reason)) {
      return { reason: "ContainerConfig", message: `${waiting.reason}: ${waiting.message ?? ""}`.trim(), pod: name, restarts, previousLogs: false };
    }
    if (now || last && restarts > 0) {
      const t = now ?? last;
      return {
        reason: "ContainerExited",
        message: `container ${o.container} of pod ${name} exited with code ${t.exitCode}${t.reason ? ` (${t.reason})` : ""}${t.signal ? `, signal ${t.signal}` : ""}; restarts: ${restarts}`,
        pod: name,
        restarts,
        exitCode: t.exitCode,
        previousLogs: !now
      };
    }
    if (pod.status?.phase === "Failed") {
      return { reason: "PodFailed", message: `${pod.status.reason ?? "Failed"}: pod ${name} failed${pod.status.message ? `: ${pod.status.message}` : ""}`, pod: name, restarts, previousLogs: false };
    }
    const scheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
    if (scheduled?.status !== "True") {
      const failed = events.filter((e) => e.reason === "FailedScheduling").at(-1);
      if (failed || scheduled?.reason === "Unschedulable") {
        return { reason: "FailedScheduling", message: `FailedScheduling: pod ${name}: ${failed?.message ?? scheduled?.message ?? "unschedulable"}`, pod: name, restarts, previousLogs: false };
      }
    }
  }
  const deadline = o.workloadConditions.find((c) => c.type === "Progressing" && c.status === "False" && c.reason === "ProgressDeadlineExceeded");
  if (deadline) return { reason: "ProgressDeadlineExceeded", message: `ProgressDeadlineExceeded: ${deadline.message ?? "the rollout made no progress within progressDeadlineSeconds"}`, restarts: 0, previousLogs: false };
  return null;
}

// src/target/kubernetes/watcher.ts
var SETTLE_MS = 1500;
var REWATCH_MS = 1e3;
function plural(kind) {
  return `${kind.toLowerCase()}s`;
}
function apiPath(apiVersion) {
  return apiVersion === "v1" ? "/api/v1" : `/apis/${apiVersion}`;
}
var RunWatcher = class {
  failed;
  resolveFailed;
  pods = /* @__PURE__ */ new Map();
  events = /* @__PURE__ */ new Map();
  workloadConditions = [];
  records = /* @__PURE__ */ new Map();
  timeline = { scheduledS: null, runningS: null, rolloutS: null };
  aborts = [];
  stopped = false;
  settling = false;
  failure = null;
  tail = [];
  digest;
  kc;
  namespace;
  runLabel;
  prepared;
  startedAt;
  logger;
  logLines;
  /** `runLabel` selects the run's pods (`key=value`); `startedAt` is performance.now() before the apply. */
  constructor(o) {
    ({ kc: this.kc, namespace: this.namespace, runLabel: this.runLabel, prepared: this.prepared, startedAt: this.startedAt, logger: this.logger, logLines: this.logLines } = o);
    this.failed = new Promise((resolve) => this.resolveFailed = resolve);
  }
  async start() {
    const w = this.prepared.workload;
    await Promise.all([
      this.watch(`/api/v1/namespaces/${this.namespace}/pods`, { labelSelector: this.runLabel }, (type, obj) => this.onPod(type, obj)),
      this.watch(`/api/v1/namespaces/${this.namespace}/events`, {}, (type, obj) => this.onEvent(type, obj)),
      this.watch(
        `${apiPath(w.apiVersion)}/namespaces/${this.namespace}/${plural(w.kind)}`,
        { fieldSelector: `metadata.name=${w.name}` },
        (_type, obj) => this.onWorkload(obj)
      )
    ]);
  }
  stop() {
    this.stopped = true;
    for (const a of this.aborts) a.abort();
  }
  /** The first pod whose candidate container runs: where the port-forward goes. */
  runningPod() {
    const running = [...this.pods.values()].filter((p) => !p.metadata?.deletionTimestamp && this.containerRunning(p));
    const ready = running.find((p) => p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
    return (ready ?? running[0])?.metadata?.name;
  }
  failureNow() {
    return this.failure;
  }
  logTail() {
    return this.tail;
  }
  /** The image digest the kubelet resolved (containerStatuses[].imageID), when it reports one. */
  imageDigest() {
    return this.digest;
  }
  summary() {
    const pods = [...this.records.values()];
    return { timeline: { ...this.timeline }, pods, restarts: pods.reduce((n, p) => n + p.restarts, 0) };
  }
  elapsedS() {
    return (performance.now() - this.startedAt) / 1e3;
  }
  async watch(path, query, onEvent) {
    if (this.stopped) return;
    const open = async () => {
      try {
        const ac = await new Watch(this.kc).watch(path, query, (type, obj) => onEvent(type, obj), () => {
          if (!this.stopped) setTimeout(() => void open(), REWATCH_MS);
        });
        this.aborts.push(ac);
      } catch (err) {
        if (this.stopped) return;
        this.logger.warn(`watch ${path}: ${err.message}; retrying`);
        setTimeout(() => void open(), REWATCH_MS);
      }
    };
    await open();
  }
  containerRunning(p) {
    return p.status?.phase === "Running" && Boolean(p.status.containerStatuses?.find((c) => c.name === this.prepared.container.name)?.state?.running);
  }
  onPod(type, pod) {
    const name = pod.metadata?.name;
    if (!name) return;
    if (type === "DELETED") {
      this.pods.delete(name);
      return;
    }
    this.pods.set(name, pod);
    const rec = this.records.get(name) ?? { name, restarts: 0 };
    this.records.set(name, rec);
    if (rec.scheduledS === void 0 && pod.status?.conditions?.some((c) => c.type === "PodScheduled" && c.status === "True")) {
      rec.scheduledS = this.elapsedS();
      rec.node = pod.spec?.nodeName;
      this.timeline.scheduledS ??= rec.scheduledS;
      this.logger.info(`pod ${name} scheduled on ${rec.node ?? "?"} after ${rec.scheduledS.toFixed(1)} s`);
      if (rec.node) void this.readNodeGpus(rec, rec.node);
    }
    const status = pod.status?.containerStatuses?.find((c) => c.name === this.prepared.container.name);
    rec.restarts = Math.max(rec.restarts, status?.restartCount ?? 0);
    if (status?.imageID) this.digest = /sha256:[0-9a-f]{64}/.exec(status.imageID)?.[0] ?? this.digest;
    if (rec.runningS === void 0 && this.containerRunning(pod)) {
      rec.runningS = this.elapsedS();
      this.timeline.runningS ??= rec.runningS;
      this.logger.info(`container ${this.prepared.container.name} of pod ${name} running after ${rec.runningS.toFixed(1)} s`);
    }
    this.check();
  }
  /** Reading nodes needs a cluster-wide permission the gate may lack (docs/kubernetes.md): without it the record just has no GPUs. */
  async readNodeGpus(rec, node) {
    try {
      const n = await this.kc.makeApiClient(ObjectCoreV1Api).readNode({ name: node });
      const gpus = (r) => Object.fromEntries(Object.entries(r ?? {}).filter(([k]) => /\/gpu$/.test(k)));
      rec.nodeGpus = { capacity: gpus(n.status?.capacity), allocatable: gpus(n.status?.allocatable) };
    } catch {
    }
  }
  onEvent(type, e) {
    const uid = e.metadata?.uid ?? e.metadata?.name;
    if (!uid || type === "DELETED") return;
    if (!this.events.has(uid) && e.type === "Warning" && this.ours(e)) this.logger.warn(`[event] ${e.involvedObject.name ?? ""}: ${e.reason ?? ""}: ${e.message ?? ""}`);
    this.events.set(uid, e);
    this.check();
  }
  /** In a shared namespace, only events of this run's pods, its workload and its ReplicaSets count. */
  ours(e) {
    const target = e.involvedObject.name ?? "";
    const w = this.prepared.workload.name;
    return this.pods.has(target) || target === w || target.startsWith(`${w}-`);
  }
  onWorkload(obj) {
    const status = obj.status;
    const spec = obj.spec;
    this.workloadConditions = status?.conditions ?? [];
    const want = spec?.replicas ?? 1;
    if (this.timeline.rolloutS === null && status && (status.updatedReplicas ?? 0) >= want && (status.availableReplicas ?? status.readyReplicas ?? 0) >= want) {
      this.timeline.rolloutS = this.elapsedS();
      this.logger.info(`rollout of ${this.prepared.workload.kind} ${this.prepared.workload.name} complete after ${this.timeline.rolloutS.toFixed(1)} s`);
    }
    this.check();
  }
  classify() {
    return classifyFailure({
      pods: [...this.pods.values()],
      events: [...this.events.values()].filter((e) => this.ours(e)),
      workloadConditions: this.workloadConditions,
      container: this.prepared.container.name,
      probes: this.prepared.container.probes
    });
  }
  check() {
    if (this.stopped || this.settling || this.failure) return;
    if (!this.classify()) return;
    this.settling = true;
    setTimeout(() => void this.conclude(), SETTLE_MS);
  }
  async conclude() {
    const f = this.classify();
    this.settling = false;
    if (!f || this.stopped) return;
    this.failure = f;
    this.tail = await this.collectTail(f);
    this.logger.error(f.message);
    this.resolveFailed(f);
  }
  /** The failing pod's events, then its container's last log lines (the crashed instance's, after a restart). */
  async collectTail(f) {
    if (!f.pod) return [];
    const events = [...this.events.values()].filter((e) => e.involvedObject.name === f.pod).map((e) => `[event] ${e.type ?? ""} ${e.reason ?? ""}: ${e.message ?? ""}${(e.count ?? 1) > 1 ? ` (x${e.count})` : ""}`);
    if (!["CrashLoopBackOff", "LivenessProbe", "StartupProbe", "OOMKilled", "ContainerExited"].includes(f.reason)) return events;
    try {
      const core = this.kc.makeApiClient(ObjectCoreV1Api);
      const log = await core.readNamespacedPodLog({
        name: f.pod,
        namespace: this.namespace,
        container: this.prepared.container.name,
        previous: f.previousLogs,
        tailLines: this.logLines
      });
      const lines = log.split("\n").filter((l, i, all) => l !== "" || i < all.length - 1);
      return [...events, `[logs] last ${lines.length} lines of ${this.prepared.container.name}${f.previousLogs ? " (the instance that was restarted)" : ""}:`, ...lines];
    } catch (err) {
      return [...events, `[logs] unavailable: ${err.message}`];
    }
  }
};

// src/target/kubernetes/start.ts
async function loadManifests(files) {
  const all = [];
  for (const f of files) {
    let text;
    try {
      text = await readFile(f, "utf8");
    } catch (err) {
      throw new TargetError(`cannot read manifest ${f}: ${err.message}`);
    }
    all.push(...parseManifests(text, f));
  }
  return all;
}
async function startKubernetes(config, logger, hooks = {}, env = process.env) {
  const k = config.kubernetes;
  const port = config.port ?? DEFAULT_PORT;
  const access = loadClusterAccess(k, env);
  const runId = randomBytes(4).toString("hex");
  const ephemeral = k.namespace === void 0;
  const namespace = k.namespace ?? `llm-gate-${runId}`;
  const labels = { [RUN_LABEL]: runId };
  const prepared = prepareManifests(await loadManifests(k.manifests), {
    image: config.image,
    container: k.container,
    ...k.workload ? { workload: k.workload } : {},
    ...k.service ? { service: k.service } : {},
    namespace,
    labels,
    containerPort: port
  });
  const useService = k.access === "service" || k.access === "auto" && access.inCluster;
  if (useService && !prepared.service) throw new TargetError(`access 'service' needs a Service in the manifests with a port that reaches container port ${port}`);
  const state = { ...k.kubeconfig ? { kubeconfig: k.kubeconfig } : {}, ...k.context ? { context: k.context } : {}, namespace, ephemeral, objects: [] };
  const save = () => hooks.onCleanupState?.({ kind: "kubernetes", run: state });
  save();
  let cleaned;
  const cleanup = (waitS = 0) => cleaned ??= deleteRun(access, state, waitS);
  const workload = `${prepared.workload.kind}/${prepared.workload.name}`;
  const startedAt = performance.now();
  const watcher = new RunWatcher({ kc: access.kc, namespace, runLabel: `${RUN_LABEL}=${runId}`, prepared, startedAt, logger, logLines: k.logLines });
  let forwarder;
  try {
    if (ephemeral) {
      await access.kc.makeApiClient(ObjectCoreV1Api).createNamespace({ body: { metadata: { name: namespace, labels: { ...MANAGED_BY, ...labels } } } });
    }
    logger.info(`kubernetes: context ${access.context}, namespace ${namespace}${ephemeral ? " (ephemeral)" : ""}, ${workload}, image ${config.image}`);
    const api = KubernetesObjectApi.makeApiClient(access.kc);
    for (const obj of prepared.objects) {
      state.objects.push({ apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, namespace });
      save();
      await api.create(obj);
      logger.info(`created ${obj.kind} ${obj.metadata.name}`);
    }
    await watcher.start();
    forwarder = useService ? void 0 : await startForwarder(access.kc, namespace, port, () => watcher.runningPod());
  } catch (err) {
    watcher.stop();
    await cleanup().catch((e) => logger.warn(`could not delete the run: ${e.message}`));
    throw err instanceof TargetError ? err : new TargetError(`applying the manifests to ${access.context} failed: ${apiErrorText(err)}`);
  }
  let exit = null;
  const exited = watcher.failed.then((f) => {
    exit = { code: f.exitCode ?? null, oomKilled: f.reason === "OOMKilled", reason: f.message };
    return exit;
  });
  const subject = { image: config.image, kubernetes: { context: access.context, namespace, workload } };
  const pinned = /@(sha256:[0-9a-f]{64})$/.exec(config.image)?.[1];
  if (pinned) subject.digest = pinned;
  let stopping;
  const stop = () => stopping ??= (async () => {
    watcher.stop();
    await forwarder?.close();
    const { gone } = await cleanup(k.cleanupTimeoutS);
    hooks.onCleanedUp?.({ kind: "kubernetes", run: state });
    if (gone) logger.info(`deleted ${ephemeral ? `namespace ${namespace}` : `the run's objects in ${namespace}`}`);
    else logger.warn(`${ephemeral ? `namespace ${namespace}` : `objects in ${namespace}`} still terminating after ${k.cleanupTimeoutS} s`);
  })();
  return {
    kind: "kubernetes",
    rootURL: forwarder ? forwarder.url : `http://${prepared.service.name}.${namespace}.svc:${prepared.service.port}`,
    exited,
    exitInfo: () => exit,
    logTail: () => watcher.logTail(),
    stop,
    get subject() {
      const digest = subject.digest ?? watcher.imageDigest();
      return { ...subject, ...digest ? { digest } : {} };
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
          access: useService ? "service" : "port-forward",
          gpuRequests: prepared.container.gpus,
          ...watcher.summary(),
          ...failure ? { failure } : {}
        }
      };
    }
  };
}
export {
  startKubernetes
};
//# sourceMappingURL=start-5PRSY742.js.map
