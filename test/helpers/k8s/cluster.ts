import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api, KubeConfig, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { freePort } from '../../../src/cli/free-port.ts';

/**
 * A real Kubernetes control plane for tests, from the binaries .ci/build-k8s.sh builds: etcd,
 * kube-apiserver, kube-controller-manager, kube-scheduler, and kwok playing the kubelet of
 * nodes with GPUs. kwok's pod stages (kwok-stages.yaml) play the pod lifecycle, faults included,
 * and its port-forward sends every pod's container port to a local server, so a port-forward
 * through the API server reaches a real HTTP server.
 */
export const K8S_BIN = process.env.LLM_GATE_K8S_BIN ?? '/var/cache/llm-gate/k8s/bin';
const BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'];

/** Whether the control plane's binaries are built; CI (LLM_GATE_REQUIRE_K8S=1) fails instead of skipping. */
export function controlPlaneAvailable(): boolean {
  const ok = BINARIES.every((b) => existsSync(path.join(K8S_BIN, b)));
  if (!ok && process.env.LLM_GATE_REQUIRE_K8S === '1') throw new Error(`the Kubernetes control plane is not built in ${K8S_BIN}: run .ci/build-k8s.sh`);
  return ok;
}

export interface ClusterOptions {
  /** Container port -> local port: kwok forwards a pod's container port there. */
  forwards: Record<number, number>;
  /** What `kubectl logs` answers for every container: current and previous instance. */
  logs?: { current: string[]; previous: string[] };
  /** GPUs per node (nvidia.com/gpu); one node. */
  gpusPerNode?: number;
}

export interface TestCluster {
  dir: string;
  /** A kubeconfig with cluster-admin rights (system:masters). */
  kubeconfig: string;
  /** A kubeconfig for user `llm-gate`, who has no rights until a test binds some. */
  restrictedKubeconfig: string;
  context: string;
  kc: KubeConfig;
  apply(objects: KubernetesObject[]): Promise<void>;
  namespaceExists(name: string): Promise<boolean>;
  /** Waits until the namespace is gone (the namespace controller deletes its content first). */
  waitNamespaceGone(name: string, timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

const ADMIN_TOKEN = 'llm-gate-test-admin';
const GATE_TOKEN = 'llm-gate-test-gate';

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'ignore' });
}

/** A CA and the certificates the parts show each other; ECDSA keys, valid for a day. */
function makePki(dir: string): void {
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=llm-gate-test-ca'], dir);
  const leaf = (name: string, subj: string, san?: string) =>
    openssl(
      [
        'req', '-x509', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '1', '-subj', subj,
        ...(san ? ['-addext', `subjectAltName=${san}`] : []),
      ],
      dir,
    );
  leaf('apiserver', '/CN=kube-apiserver', 'IP:127.0.0.1,DNS:localhost,IP:10.96.0.1,DNS:kubernetes.default.svc');
  leaf('kubelet', '/CN=kwok', 'IP:127.0.0.1,DNS:localhost');
  leaf('kubelet-client', '/O=system:masters/CN=kube-apiserver-kubelet-client');
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'sa.key'], dir);
  openssl(['ec', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir);
}

function kubeconfigText(server: string, ca: string, user: string, token: string): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: llm-gate-test
  cluster: { server: '${server}', certificate-authority: '${ca}' }
users:
- name: ${user}
  user: { token: '${token}' }
contexts:
- name: llm-gate-test
  context: { cluster: llm-gate-test, user: ${user} }
current-context: llm-gate-test
`;
}

function get(url: string, ca: Buffer, token?: string): Promise<number> {
  return new Promise((resolve) => {
    const req = https.get(url, { ca, headers: token ? { authorization: `Bearer ${token}` } : {}, timeout: 5000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
  });
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>, died?: () => string | null): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const dead = died?.();
    if (dead) throw new Error(`${what}: ${dead}`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
}

/** CRI log lines, the format kwok's log server reads. */
function criLog(lines: string[]): string {
  const t = new Date().toISOString().replace('Z', '000000Z');
  return lines.map((l) => `${t} stderr F ${l}\n`).join('');
}

export async function startTestCluster(o: ClusterOptions): Promise<TestCluster> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'llm-gate-k8s-'));
  const children: { name: string; child: ChildProcess }[] = [];
  const run = (name: string, args: string[]) => {
    const log = createWriteStream(path.join(dir, `${name}.log`));
    const child = spawn(path.join(K8S_BIN, name), args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    children.push({ name, child });
    return child;
  };
  const exitedEarly = (): string | null => {
    const dead = children.find((c) => c.child.exitCode !== null || c.child.signalCode !== null);
    return dead ? `${dead.name} exited (${dead.child.exitCode ?? dead.child.signalCode}); see ${path.join(dir, `${dead.name}.log`)}` : null;
  };
  const stop = async () => {
    for (const { child } of [...children].reverse()) child.kill('SIGTERM');
    await Promise.all(
      children.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const t = setTimeout(() => child.kill('SIGKILL'), 5000);
            child.on('exit', () => {
              clearTimeout(t);
              resolve();
            });
          }),
      ),
    );
    if (process.env.LLM_GATE_KEEP_K8S_LOGS !== '1') await rm(dir, { recursive: true, force: true });
  };

  try {
    makePki(dir);
    const ca = await readFile(path.join(dir, 'ca.crt'));
    await writeFile(path.join(dir, 'tokens.csv'), `${ADMIN_TOKEN},admin,admin,system:masters\n${GATE_TOKEN},llm-gate,llm-gate\n`);
    const [etcdClient, etcdPeer, apiPort, kubeletPort] = [await freePort(), await freePort(), await freePort(), await freePort()];

    run('etcd', [
      '--name', 'default', '--data-dir', path.join(dir, 'etcd'),
      '--listen-client-urls', `http://127.0.0.1:${etcdClient}`, '--advertise-client-urls', `http://127.0.0.1:${etcdClient}`,
      '--listen-peer-urls', `http://127.0.0.1:${etcdPeer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${etcdPeer}`,
      '--initial-cluster', `default=http://127.0.0.1:${etcdPeer}`, '--unsafe-no-fsync', '--log-level', 'warn',
    ]);
    await until('etcd', 60_000, async () => (await fetch(`http://127.0.0.1:${etcdClient}/health`)).ok, exitedEarly);

    run('kube-apiserver', [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${apiPort}`,
      // A loopback advertise address is refused by the default endpoint reconciler; nothing here needs the kubernetes Service's endpoints.
      '--endpoint-reconciler-type=none',
      '--tls-cert-file=apiserver.crt', '--tls-private-key-file=apiserver.key', '--client-ca-file=ca.crt',
      '--token-auth-file=tokens.csv', '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc', '--service-account-key-file=sa.pub', '--service-account-signing-key-file=sa.key',
      '--service-cluster-ip-range=10.96.0.0/16',
      '--kubelet-certificate-authority=ca.crt', '--kubelet-client-certificate=kubelet-client.crt', '--kubelet-client-key=kubelet-client.key',
      '--kubelet-preferred-address-types=InternalIP',
      `--cert-dir=${path.join(dir, 'certs')}`, '--enable-priority-and-fairness=false', '--v=1',
    ]);
    const server = `https://127.0.0.1:${apiPort}`;
    await until('kube-apiserver', 180_000, async () => (await get(`${server}/readyz`, ca, ADMIN_TOKEN)) === 200, exitedEarly);

    const kubeconfig = path.join(dir, 'admin.kubeconfig');
    const restrictedKubeconfig = path.join(dir, 'gate.kubeconfig');
    await writeFile(kubeconfig, kubeconfigText(server, path.join(dir, 'ca.crt'), 'admin', ADMIN_TOKEN));
    await writeFile(restrictedKubeconfig, kubeconfigText(server, path.join(dir, 'ca.crt'), 'llm-gate', GATE_TOKEN));

    run('kube-controller-manager', [
      `--kubeconfig=${kubeconfig}`, '--bind-address=127.0.0.1', `--secure-port=${await freePort()}`, '--leader-elect=false',
      '--service-account-private-key-file=sa.key', '--root-ca-file=ca.crt', '--use-service-account-credentials=false',
      '--v=1',
    ]);
    run('kube-scheduler', [`--kubeconfig=${kubeconfig}`, '--bind-address=127.0.0.1', `--secure-port=${await freePort()}`, '--leader-elect=false', '--v=1']);

    const logs = o.logs ?? { current: ['server starting'], previous: ['server starting'] };
    await writeFile(path.join(dir, 'current.log'), criLog(logs.current));
    await writeFile(path.join(dir, 'previous.log'), criLog(logs.previous));
    const stages = await readFile(path.join(import.meta.dirname, 'kwok-stages.yaml'), 'utf8');
    const forwards = Object.entries(o.forwards)
      .map(([from, to]) => `  - ports: [${from}]\n    target: { port: ${to}, address: 127.0.0.1 }`)
      .join('\n');
    await writeFile(
      path.join(dir, 'kwok.yaml'),
      `${stages}
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterPortForward
metadata: { name: llm-gate-test }
spec:
  forwards:
${forwards}
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterLogs
metadata: { name: llm-gate-test }
spec:
  logs:
  - logsFile: ${path.join(dir, 'current.log')}
    previousLogsFile: ${path.join(dir, 'previous.log')}
`,
    );
    run('kwok', [
      `--config=${path.join(dir, 'kwok.yaml')}`, `--kubeconfig=${kubeconfig}`,
      '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
      '--node-ip=127.0.0.1', `--node-port=${kubeletPort}`, `--server-address=127.0.0.1:${kubeletPort}`,
      '--tls-cert-file=kubelet.crt', '--tls-private-key-file=kubelet.key',
    ]);

    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const gpus = String(o.gpusPerNode ?? 1);
    const resources = { cpu: '32', memory: '256Gi', pods: '110', 'nvidia.com/gpu': gpus };
    await until('node created', 60_000, async () => {
      await objects.create({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'kwok-gpu-0', annotations: { 'kwok.x-k8s.io/node': 'fake' }, labels: { 'kubernetes.io/hostname': 'kwok-gpu-0', type: 'kwok' } },
        status: { capacity: resources, allocatable: resources },
      } as KubernetesObject);
      return true;
    }, exitedEarly);
    const core = kc.makeApiClient(CoreV1Api);
    await until('node ready', 120_000, async () => {
      const node = await core.readNode({ name: 'kwok-gpu-0' });
      return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
    }, exitedEarly);
    // ServiceAccount admission refuses pods until the controller-manager made the default account.
    await until('default service account', 120_000, async () => {
      await core.readNamespacedServiceAccount({ name: 'default', namespace: 'default' });
      return true;
    }, exitedEarly);

    return {
      dir,
      kubeconfig,
      restrictedKubeconfig,
      context: 'llm-gate-test',
      kc,
      apply: async (list) => {
        for (const obj of list) await objects.create(obj);
      },
      namespaceExists: async (name) => {
        try {
          await core.readNamespace({ name });
          return true;
        } catch {
          return false;
        }
      },
      waitNamespaceGone: async (name, timeoutMs) => {
        const deadline = Date.now() + timeoutMs;
        while (Date.now() < deadline) {
          try {
            await core.readNamespace({ name });
          } catch {
            return true;
          }
          await new Promise((r) => setTimeout(r, 250));
        }
        return false;
      },
      stop,
    };
  } catch (err) {
    // The parts' own last words, before stop() removes the folder.
    const tails = await Promise.all(
      children.map(async ({ name }) => `--- ${name}:\n${(await readFile(path.join(dir, `${name}.log`), 'utf8').catch(() => '')).split('\n').slice(-15).join('\n')}`),
    );
    await stop().catch(() => undefined);
    throw new Error(`${(err as Error).message}\n${tails.join('\n')}`, { cause: err });
  }
}

/** The YAML documents of a file as objects to apply. */
export function yamlObjects(text: string): KubernetesObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJSON() as KubernetesObject | null)
    .filter((o): o is KubernetesObject => o !== null);
}
