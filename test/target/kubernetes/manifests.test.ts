import { describe, expect, it } from 'vitest';
import { describeProbe, parseManifests, prepareManifests, RUN_LABEL } from '../../../src/target/kubernetes/manifests.ts';
import { TargetError } from '../../../src/target/types.ts';

const DEPLOYMENT = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: llm
  labels: { app: llm }
spec:
  replicas: 1
  selector: { matchLabels: { app: llm } }
  template:
    metadata: { labels: { app: llm } }
    spec:
      containers:
        - name: sidecar
          image: busybox:1
        - name: server
          image: vllm/vllm-openai:v0.9
          ports: [{ containerPort: 8000, name: http }]
          resources: { limits: { nvidia.com/gpu: 1, memory: 24Gi } }
          livenessProbe: { httpGet: { path: /health, port: http }, initialDelaySeconds: 10, periodSeconds: 5 }
---
apiVersion: v1
kind: Service
metadata: { name: llm }
spec:
  selector: { app: llm }
  ports: [{ name: metrics, port: 9090, targetPort: 9090 }, { name: api, port: 80, targetPort: http }]
`;

const options = { image: 'registry.example/llm:candidate', container: 'server', namespace: 'llm-gate-abc', labels: { [RUN_LABEL]: 'abc' }, containerPort: 8000 };

describe('parseManifests', () => {
  it('reads every document of a multi-document file, flattening List objects and skipping empty documents', () => {
    const text = `${DEPLOYMENT}\n---\n# only a comment\n---\napiVersion: v1\nkind: List\nitems:\n  - { apiVersion: v1, kind: ConfigMap, metadata: { name: a } }\n  - { apiVersion: v1, kind: ConfigMap, metadata: { name: b } }\n`;
    expect(parseManifests(text, 'x.yaml').map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Deployment/llm', 'Service/llm', 'ConfigMap/a', 'ConfigMap/b']);
  });

  it('refuses a document without kind or name, naming the file', () => {
    expect(() => parseManifests('apiVersion: v1\nmetadata: { name: a }\n', 'bad.yaml')).toThrow(/bad\.yaml/);
  });
});

describe('prepareManifests', () => {
  it('puts the candidate image into the named container only, and the namespace and run labels on every object and pod template', () => {
    const p = prepareManifests(parseManifests(DEPLOYMENT, 'd.yaml'), options);
    const d = p.objects[0] as unknown as { metadata: { namespace: string; labels: Record<string, string> }; spec: { template: { metadata: { labels: Record<string, string> }; spec: { containers: { name: string; image: string }[] } } } };
    expect(d.spec.template.spec.containers.map((c) => c.image)).toEqual(['busybox:1', 'registry.example/llm:candidate']);
    expect(d.metadata.namespace).toBe('llm-gate-abc');
    expect(d.metadata.labels).toMatchObject({ app: 'llm', [RUN_LABEL]: 'abc', 'app.kubernetes.io/managed-by': 'llm-gate' });
    expect(d.spec.template.metadata.labels).toMatchObject({ app: 'llm', [RUN_LABEL]: 'abc' });
    expect(p.objects[1]!.metadata.namespace).toBe('llm-gate-abc');
    expect(p.workload).toEqual({ kind: 'Deployment', name: 'llm', apiVersion: 'apps/v1' });
  });

  it('leaves the parsed input untouched', () => {
    const objects = parseManifests(DEPLOYMENT, 'd.yaml');
    const before = JSON.stringify(objects);
    prepareManifests(objects, options);
    expect(JSON.stringify(objects)).toBe(before);
  });

  it('finds the Service port whose targetPort reaches the container port, by number or by the port name', () => {
    expect(prepareManifests(parseManifests(DEPLOYMENT, 'd.yaml'), options).service).toEqual({ name: 'llm', port: 80 });
  });

  it('records the GPU request and the probes of the candidate container', () => {
    const p = prepareManifests(parseManifests(DEPLOYMENT, 'd.yaml'), options);
    expect(p.container.gpus).toEqual({ 'nvidia.com/gpu': '1' });
    expect(p.container.probes.liveness?.httpGet?.path).toBe('/health');
  });

  it('substitutes the image in the leader and worker templates of a LeaderWorkerSet', () => {
    const lws = `apiVersion: leaderworkerset.x-k8s.io/v1
kind: LeaderWorkerSet
metadata: { name: big }
spec:
  leaderWorkerTemplate:
    size: 2
    leaderTemplate: { spec: { containers: [{ name: server, image: old }] } }
    workerTemplate: { spec: { containers: [{ name: server, image: old }] } }
`;
    const p = prepareManifests(parseManifests(lws, 'l.yaml'), options);
    const t = (p.objects[0] as unknown as { spec: { leaderWorkerTemplate: Record<string, { metadata: { labels: Record<string, string> }; spec: { containers: { image: string }[] } }> } }).spec.leaderWorkerTemplate;
    expect(t.leaderTemplate!.spec.containers[0]!.image).toBe(options.image);
    expect(t.workerTemplate!.spec.containers[0]!.image).toBe(options.image);
    expect(t.workerTemplate!.metadata.labels[RUN_LABEL]).toBe('abc');
  });

  it.each([
    ['no workload', 'apiVersion: v1\nkind: Service\nmetadata: { name: s }\nspec: { ports: [{ port: 80 }] }\n', /no Deployment, StatefulSet or LeaderWorkerSet/],
    ['two workloads and no name', `${DEPLOYMENT}\n---\n${DEPLOYMENT.replace('name: llm\n  labels', 'name: other\n  labels')}`, /several workloads.*kubernetes\.workload/],
    ['a missing container', DEPLOYMENT.replace('- name: server', '- name: engine'), /has no container named server \(it has sidecar, engine\)/],
    ['a cluster-scoped object', `${DEPLOYMENT}\n---\napiVersion: v1\nkind: Namespace\nmetadata: { name: prod }\n`, /cluster-scoped objects \(Namespace prod\)/],
  ])('refuses manifests with %s', (_what, text, message) => {
    expect(() => prepareManifests(parseManifests(text, 'm.yaml'), options)).toThrow(TargetError);
    expect(() => prepareManifests(parseManifests(text, 'm.yaml'), options)).toThrow(message);
  });

  it('picks the named workload among several', () => {
    const text = `${DEPLOYMENT}\n---\n${DEPLOYMENT.replace('name: llm\n  labels', 'name: other\n  labels')}`;
    expect(prepareManifests(parseManifests(text, 'm.yaml'), { ...options, workload: 'other' }).workload.name).toBe('other');
  });
});

describe('describeProbe', () => {
  it('says what the probe checks and after how long it gives up, with the Kubernetes defaults filled in', () => {
    expect(describeProbe({ httpGet: { path: '/health', port: 8000 }, initialDelaySeconds: 10, periodSeconds: 5 })).toBe(
      'httpGet :8000/health, initialDelaySeconds 10, periodSeconds 5, failureThreshold 3 (gives up after about 25 s)',
    );
  });
});
