import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineProbeFacts } from '../../src/probes/engines.ts';
import { lintManifest, lintManifestText, type ManifestLintOptions } from '../../src/probes/manifest-lint.ts';

const fixture = (name: string) => join('test/probes/fixtures', name);
const measured: ManifestLintOptions = { loadSeconds: 180, nonInferencePaths: engineProbeFacts('openai').earlyPaths };
const summary = (fs: { id: string; severity: string; field: string }[]) => fs.map((f) => [f.id, f.severity, f.field]);

describe('lintManifest', () => {
  it('flags every setting of a web-service probe template on an LLM pod, with field paths and lines', async () => {
    const { findings, containers } = await lintManifest(fixture('web-service-probes.yaml'), measured);
    expect(containers).toEqual([{ resource: 'Deployment/llm-gateway', name: 'api' }]);
    const c = 'spec.template.spec.containers[0]';
    expect(summary(findings)).toEqual([
      ['liveness-kills-loading-pod', 'critical', `${c}.livenessProbe`],
      ['readiness-before-load', 'high', `${c}.readinessProbe.httpGet.path`],
      ['no-gpu-limit', 'high', `${c}.resources.limits`],
      ['no-shm-volume', 'medium', `${c}.volumeMounts`],
    ]);
    expect(findings[0]).toMatchObject({ resource: 'Deployment/llm-gateway', line: 28, evidence: 'initialDelaySeconds 30 + failureThreshold 3 × periodSeconds 10 = 60 s' });
    expect(findings[1]?.line).toBe(26);
    // Missing fields point at their container.
    expect(findings[2]?.line).toBe(20);
  });

  it('accepts a manifest whose startup probe covers the load, with inference readiness, a GPU and memory-backed shm', async () => {
    expect((await lintManifest(fixture('good-vllm.yaml'), { ...measured, nonInferencePaths: engineProbeFacts('vllm').earlyPaths })).findings).toEqual([]);
  });

  it('lints the GPU container of a Helm-rendered stream and leaves sidecars and other kinds alone', async () => {
    const { findings, containers } = await lintManifest(fixture('helm-rendered.yaml'), measured);
    expect(containers).toEqual([{ resource: 'StatefulSet/llm', name: 'engine' }]);
    const c = 'spec.template.spec.containers[1]';
    expect(summary(findings)).toEqual([
      ['startup-kills-loading-pod', 'critical', `${c}.startupProbe`],
      ['readiness-port-only', 'high', `${c}.readinessProbe`],
      ['liveness-runs-inference', 'medium', `${c}.livenessProbe`],
      ['shm-not-memory', 'medium', `${c}.volumeMounts`],
    ]);
    expect(findings.every((f) => f.resource === 'StatefulSet/llm')).toBe(true);
  });

  it('does not flag a liveness probe whose budget covers a faster load', async () => {
    const { findings } = await lintManifest(fixture('web-service-probes.yaml'), { ...measured, loadSeconds: 20 });
    expect(findings.map((f) => f.id)).not.toContain('liveness-kills-loading-pod');
    expect(findings.map((f) => f.id)).not.toContain('startup-thin-margin');
  });

  it('warns when the startup budget leaves less than half the load time as margin', async () => {
    const { findings } = await lintManifest(fixture('good-vllm.yaml'), { ...measured, loadSeconds: 500, nonInferencePaths: [] });
    expect(summary(findings)).toEqual([['startup-thin-margin', 'medium', 'spec.template.spec.containers[0].startupProbe']]);
  });

  it('takes the list of paths that answer before load as a parameter', async () => {
    const { findings } = await lintManifest(fixture('web-service-probes.yaml'), { ...measured, nonInferencePaths: engineProbeFacts('vllm').earlyPaths });
    expect(findings.map((f) => f.id)).not.toContain('readiness-before-load');
  });

  it('raises missing shm to high when a pod splits the model over several GPUs', () => {
    const text = `kind: Pod
metadata: {name: tp}
spec:
  containers:
    - name: engine
      resources: {limits: {nvidia.com/gpu: 4}}
      startupProbe: {tcpSocket: {port: 8000}, periodSeconds: 10, failureThreshold: 60}
      readinessProbe: {httpGet: {path: /health_generate, port: 8000}}
`;
    expect(summary(lintManifestText(text, 'pod.yaml', measured).findings)).toEqual([['no-shm-volume', 'high', 'spec.containers[0].volumeMounts']]);
  });

  it('reports a pod without any readiness probe', () => {
    const text = 'kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: x, resources: {limits: {nvidia.com/gpu: 1}}}]}\n';
    const { findings } = lintManifestText(text, 'p.yaml', { ...measured, needsShm: false });
    expect(summary(findings)).toEqual([['no-readiness-probe', 'high', 'spec.containers[0]']]);
  });

  it('names the file and line of invalid YAML, and a manifest without workloads', async () => {
    await expect(lintManifest(fixture('invalid.yaml'), measured)).rejects.toThrow(/invalid\.yaml:\d+: invalid YAML/);
    await expect(lintManifest(fixture('not-a-workload.yaml'), measured)).rejects.toThrow('no Deployment, StatefulSet');
    await expect(lintManifest(fixture('absent.yaml'), measured)).rejects.toThrow('--k8s-manifest test/probes/fixtures/absent.yaml: cannot read');
  });

  it('names the field whose type is wrong, and a container name that is not there', () => {
    const bad = 'kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: x, livenessProbe: {periodSeconds: ten}}]}\n';
    expect(() => lintManifestText(bad, 'p.yaml', measured)).toThrow('p.yaml: Pod/p: spec.containers[0].livenessProbe.periodSeconds');
    const ok = 'kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: x}]}\n';
    expect(() => lintManifestText(ok, 'p.yaml', { ...measured, containerName: 'engine' })).toThrow('no container named "engine" (found x)');
  });
});
