import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGateConfig } from '../../../src/config/load.ts';
import { runGate } from '../../../src/gate/gate.ts';
import { silentLogger, type Logger } from '../../../src/log.ts';
import { reportSchema, type Report } from '../../../src/report/schema.ts';
import { referenceAnswers } from '../../../src/eval/reference-answers.ts';
import { startSimulator, type RunningSimulator } from '../../../src/sim/server.ts';
import { actionEntries, parseCommandFile, runAction } from '../../action/runner.ts';
import { controlPlaneAvailable, startTestCluster, yamlObjects, type TestCluster } from '../../helpers/k8s/cluster.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const HEALTHY_PORT = 8000;
/** Container port whose forward reaches a server that never finishes loading: a gate that is still waiting when killed. */
const LOADING_PORT = 8001;
const CRASH_LOGS = ['INFO loading weights from /models/llm (14.2 GiB)', 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB', 'ERROR engine core failed to start'];

function manifest(o: { gpus?: number; annotations?: Record<string, string>; liveness?: boolean; port?: number } = {}): string {
  const port = o.port ?? HEALTHY_PORT;
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: llm
spec:
  replicas: 1
  progressDeadlineSeconds: 600
  selector: { matchLabels: { app: llm } }
  template:
    metadata:
      labels: { app: llm }
      annotations: ${JSON.stringify(o.annotations ?? {})}
    spec:
      containers:
        - name: server
          image: placeholder
          ports: [{ containerPort: ${port}, name: http }]
          resources: { limits: { nvidia.com/gpu: ${o.gpus ?? 1} } }${
            o.liveness ? `\n          livenessProbe: { httpGet: { path: /health, port: http }, initialDelaySeconds: 2, periodSeconds: 1, failureThreshold: 1 }` : ''
          }
---
apiVersion: v1
kind: Service
metadata: { name: llm }
spec:
  selector: { app: llm }
  ports: [{ name: api, port: 80, targetPort: http }]
`;
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (m: string) => lines.push(m);
  return { ...silentLogger, info: log, warn: log, error: log, lines };
}

describe.skipIf(!controlPlaneAvailable())('the kubernetes target on a real control plane (kube-apiserver, controller-manager, scheduler, etcd, kwok)', () => {
  let cluster: TestCluster;
  let healthy: RunningSimulator;
  let loading: RunningSimulator;
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'llm-gate-k8s-test-'));
    healthy = await startSimulator({ answers: await referenceAnswers(path.join(ROOT, 'datasets/starter/v1')), ttftMs: 10, decodeMsPerToken: 2 });
    loading = await startSimulator({ loadTimeMs: 3_600_000 });
    cluster = await startTestCluster({ forwards: { [HEALTHY_PORT]: healthy.port, [LOADING_PORT]: loading.port }, logs: { current: CRASH_LOGS, previous: CRASH_LOGS } });
  }, 300_000);

  afterAll(async () => {
    await cluster?.stop();
    await healthy?.close();
    await loading?.close();
  });

  async function gate(name: string, manifestText: string, o: { image?: string; kubeconfig?: string; port?: number; timeoutS?: number } = {}) {
    const file = path.join(work, `${name}.yaml`);
    await writeFile(file, manifestText);
    const out = path.join(work, `${name}-out`);
    const config = parseGateConfig(
      {
        target: {
          image: o.image ?? 'registry.example/llm-gate/candidate:1',
          port: o.port ?? HEALTHY_PORT,
          kubernetes: { manifests: [file], container: 'server', kubeconfig: o.kubeconfig ?? cluster.kubeconfig, cleanupTimeoutS: 90 },
        },
        readiness: { intervalS: 0.5, timeoutS: o.timeoutS ?? 600, probeTimeoutS: 10 },
        bench: { concurrency: [2], requests: 12, warmupRequests: 2 },
        compare: { baseline: 'none' },
        hygiene: { enabled: false },
        out,
      },
      'test',
    );
    const logger = recordingLogger();
    const started = performance.now();
    const result = await runGate(config, { logger, env: process.env });
    const report: Report = reportSchema.parse(JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')));
    return { result, report, logger, seconds: (performance.now() - started) / 1000 };
  }

  it(
    'gates a healthy candidate end to end as the restricted identity of docs/kubernetes.md: ready, eval, bench, pass, and the namespace gone',
    async () => {
      // The ClusterRole exactly as the docs print it, bound to the gate's own user.
      const docs = await readFile(path.join(ROOT, 'docs/kubernetes.md'), 'utf8');
      const role = yamlObjects(/```yaml\n(apiVersion: rbac[\s\S]*?kind: ClusterRole\n[\s\S]*?)```/.exec(docs)![1]!);
      await cluster.apply([
        ...role,
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRoleBinding',
          metadata: { name: 'llm-gate-test' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'llm-gate' },
          subjects: [{ kind: 'User', name: 'llm-gate', apiGroup: 'rbac.authorization.k8s.io' }],
        } as never,
      ]);
      const served = healthy.stats().inferenceRequests;
      const { result, report, logger } = await gate('healthy', manifest(), { kubeconfig: cluster.restrictedKubeconfig });
      expect(report.verdict, JSON.stringify(report.reasons)).toBe('pass');
      expect(result.exitCode).toBe(0);
      expect(report.readiness?.ready).toBe(true);
      expect(Object.values(report.quality?.dimensions ?? {}).every((d) => d.score === 1)).toBe(true);
      expect(report.performance?.runs[0]?.ok).toBe(12);
      // Real traffic: API server -> kwok's kubelet port-forward -> the simulator.
      expect(healthy.stats().inferenceRequests - served).toBeGreaterThanOrEqual(12);

      const ns = report.subject.kubernetes!.namespace;
      expect(report.subject.kubernetes).toEqual({ context: 'llm-gate-test', namespace: expect.stringMatching(/^llm-gate-[0-9a-f]{8}$/), workload: 'Deployment/llm' });
      const k8s = report.extras!.kubernetes!;
      expect(k8s.timeline.scheduledS).toBeGreaterThan(0);
      expect(k8s.timeline.runningS).toBeGreaterThanOrEqual(k8s.timeline.scheduledS!);
      expect(k8s.pods[0]!.node).toBe('kwok-gpu-0');
      expect(k8s.pods[0]!.nodeGpus?.capacity).toEqual({ 'nvidia.com/gpu': '1' });
      expect(k8s.gpuRequests).toEqual({ 'nvidia.com/gpu': '1' });
      expect(k8s.restarts).toBe(0);
      expect(await cluster.namespaceExists(ns)).toBe(false);
      expect(logger.lines.join('\n')).toContain(`deleted namespace ${ns}`);
    },
    600_000,
  );

  it(
    'ends fast on a GPU request no node can hold, naming FailedScheduling and the scheduler message',
    async () => {
      const { report, seconds } = await gate('unschedulable', manifest({ gpus: 2 }));
      expect(report.verdict).toBe('error');
      expect(report.readiness?.ready).toBe(false);
      expect(report.readiness?.lastError).toMatch(/^FailedScheduling: pod llm-\S+: 0\/1 nodes are available: 1 Insufficient nvidia\.com\/gpu/);
      // Readiness would wait 600 s; the scheduler's verdict ends it within the time it takes to come.
      expect(seconds).toBeLessThan(120);
      expect(await cluster.namespaceExists(report.subject.kubernetes!.namespace)).toBe(false);
    },
    300_000,
  );

  it(
    'ends on a crash-looping pod with its restarts and the last lines of the crashed instance',
    async () => {
      const { report } = await gate('crashloop', manifest({ annotations: { 'llm-gate.test/fault': 'crashloop' } }));
      expect(report.readiness?.ready).toBe(false);
      expect(report.readiness?.lastError).toMatch(/^CrashLoopBackOff: container server of pod llm-\S+ keeps crashing \(last exit code 1, Error\); restarts: 4$/);
      expect(report.readiness?.logTail).toEqual(expect.arrayContaining([expect.stringContaining('(the instance that was restarted)'), ...CRASH_LOGS]));
      expect(report.extras!.kubernetes!.restarts).toBe(4);
      expect(report.reasons.map((r) => r.message).join('\n')).toMatch(/CrashLoopBackOff/);
    },
    300_000,
  );

  it(
    'names a liveness probe that killed the loading server as the cause, with how long it ran and the probe as configured',
    async () => {
      // The server behind the pod is still loading (503) when the probe kills it, as in the articles' restart loop.
      const { report } = await gate('liveness', manifest({ annotations: { 'llm-gate.test/fault': 'liveness' }, liveness: true, port: LOADING_PORT }), { port: LOADING_PORT });
      expect(report.readiness?.ready).toBe(false);
      const why = report.readiness?.lastError ?? '';
      expect(why).toMatch(/^LivenessProbe: the liveness probe killed container server of pod llm-\S+ after \d+ s while it was loading/);
      expect(why).toContain('probe: httpGet :http/health, initialDelaySeconds 2, periodSeconds 1, failureThreshold 1');
      expect(why).toContain('last failure: Liveness probe failed');
      expect(why).toContain('restarts: 1');
    },
    300_000,
  );

  it(
    'ends on an image the registry does not have, with the kubelet message',
    async () => {
      const { report } = await gate('image', manifest(), { image: 'registry.invalid/llm-gate/missing:1' });
      expect(report.readiness?.ready).toBe(false);
      expect(report.readiness?.lastError).toMatch(/^ErrImagePull: Failed to pull image "registry\.invalid\/llm-gate\/missing:1": .*not found/);
      expect(await cluster.namespaceExists(report.subject.kubernetes!.namespace)).toBe(false);
    },
    300_000,
  );

  it(
    'leaves nothing behind when the gate is killed mid-run: the post step deletes the namespace from the saved state',
    async () => {
      const file = path.join(work, 'killed.yaml');
      await writeFile(file, manifest({ port: LOADING_PORT }));
      await writeFile(
        path.join(work, 'killed.llm-gate.yml'),
        JSON.stringify({
          target: { image: 'registry.example/llm-gate/candidate:1', port: LOADING_PORT, kubernetes: { manifests: [file], container: 'server', kubeconfig: cluster.kubeconfig } },
          readiness: { intervalS: 0.5, timeoutS: 600 },
          compare: { baseline: 'none' },
          hygiene: { enabled: false },
          out: path.join(work, 'killed-out'),
        }),
      );
      const stateFile = path.join(work, 'killed.state');
      await writeFile(stateFile, '');
      const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(GITHUB_|INPUT_|STATE_|RUNNER_)/.test(k)));
      const main = spawn(process.execPath, [actionEntries('main').at(-1)!], {
        cwd: ROOT,
        env: { ...base, GITHUB_STATE: stateFile, GITHUB_OUTPUT: path.join(work, 'killed.output'), INPUT_CONFIG: path.join(work, 'killed.llm-gate.yml') },
        stdio: 'ignore',
      });
      try {
        // Wait until the gate is waiting for readiness: the pod runs, the server loads for an hour.
        const core = cluster.kc.makeApiClient(CoreV1Api);
        let saved: { namespace: string } | undefined;
        const deadline = Date.now() + 180_000;
        while (Date.now() < deadline) {
          const k8s = parseCommandFile(await readFile(stateFile, 'utf8')).k8s;
          if (k8s) {
            saved = JSON.parse(k8s) as { namespace: string };
            const pods = await core.listNamespacedPod({ namespace: saved.namespace }).catch(() => ({ items: [] }));
            if (pods.items.some((p) => p.status?.phase === 'Running')) break;
          }
          await new Promise((r) => setTimeout(r, 500));
        }
        expect(saved).toBeDefined();
        main.kill('SIGKILL');
        await new Promise((r) => main.on('exit', r));
        const k8sState = parseCommandFile(await readFile(stateFile, 'utf8')).k8s!;
        expect(await cluster.namespaceExists(saved!.namespace)).toBe(true);

        // The sources: a committed dist/ may predate this target until it is rebuilt (the bundle passed this test when rebuilt).
        const post = await runAction(actionEntries('post').at(-1)!, {}, { STATE_k8s: k8sState }, 120_000);
        expect(post.code, post.stdout).toBe(0);
        expect(post.stdout).toContain(`deleted namespace ${saved!.namespace} (context llm-gate-test)`);
        expect(await cluster.namespaceExists(saved!.namespace)).toBe(false);
      } finally {
        if (main.exitCode === null) main.kill('SIGKILL');
      }
    },
    300_000,
  );

  it(
    'deletes its namespace itself when stopped with SIGTERM',
    async () => {
      const file = path.join(work, 'term.yaml');
      await writeFile(file, manifest({ port: LOADING_PORT }));
      const configFile = path.join(work, 'term.llm-gate.yml');
      await writeFile(
        configFile,
        JSON.stringify({
          target: { image: 'registry.example/llm-gate/candidate:1', port: LOADING_PORT, kubernetes: { manifests: [file], container: 'server', kubeconfig: cluster.kubeconfig } },
          readiness: { intervalS: 0.5, timeoutS: 600 },
          compare: { baseline: 'none' },
          hygiene: { enabled: false },
          out: path.join(work, 'term-out'),
        }),
      );
      const core = cluster.kc.makeApiClient(CoreV1Api);
      const before = new Set((await core.listNamespace()).items.map((n) => n.metadata!.name));
      const cli = spawn(process.execPath, [path.join(ROOT, 'src/cli/main.ts'), 'run', '--config', configFile], { stdio: 'ignore' });
      try {
        let ns: string | undefined;
        const deadline = Date.now() + 180_000;
        while (!ns && Date.now() < deadline) {
          const fresh = (await core.listNamespace({ labelSelector: 'app.kubernetes.io/managed-by=llm-gate' })).items.map((n) => n.metadata!.name!).filter((n) => !before.has(n));
          for (const candidate of fresh) {
            const pods = await core.listNamespacedPod({ namespace: candidate });
            if (pods.items.some((p) => p.status?.phase === 'Running')) ns = candidate;
          }
          await new Promise((r) => setTimeout(r, 500));
        }
        expect(ns).toBeDefined();
        cli.kill('SIGTERM');
        await new Promise((r) => cli.on('exit', r));
        expect(await cluster.waitNamespaceGone(ns!, 90_000)).toBe(true);
      } finally {
        if (cli.exitCode === null) cli.kill('SIGKILL');
      }
    },
    300_000,
  );
});
