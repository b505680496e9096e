import { describe, expect, it } from 'vitest';
import { reportSchema, type Extras } from '../../src/report/schema.ts';
import { failingReport } from './fixtures.ts';

/** Every section the gate writes under `extras`, as report.json has stored them. */
const storedExtras: Extras = {
  hygiene: { image: 'llm:v2', sizeBytes: 2 * 1024 ** 3, layers: 12, user: '', findings: [{ id: 'runs-as-root', severity: 'high', message: 'no USER' }] },
  probes: {
    advice: {
      engine: 'vllm',
      containerName: 'server',
      measurement: { coldSeconds: 95, worstSeconds: 95, spreadSeconds: 0, boots: 1 },
      startupBudgetSeconds: 250,
      startupProbe: { httpGet: { path: '/health', port: 8000 }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 25 },
      readinessProbe: { httpGet: { path: '/health', port: 8000 }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
      livenessProbe: { httpGet: { path: '/health', port: 8000 }, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
      terminationGracePeriodSeconds: 60,
      minReadySeconds: 10,
      notes: ['startup allowed 250 s'],
    },
    yaml: 'startupProbe: {}\n',
    manifest: { file: 'k8s/deploy.yaml', findings: [{ id: 'liveness-on-inference', severity: 'high', message: 'kills a loading server', resource: 'Deployment/vllm', field: 'livenessProbe', file: 'k8s/deploy.yaml', line: 12 }] },
  },
  kubernetes: {
    context: 'kind-gpu',
    namespace: 'llm-gate-1a2b3c4d',
    ephemeral: true,
    workload: 'Deployment/vllm',
    container: 'server',
    access: 'port-forward',
    gpuRequests: { 'nvidia.com/gpu': '1' },
    timeline: { scheduledS: 0.4, runningS: 2.1, rolloutS: null },
    pods: [{ name: 'vllm-0', node: 'gpu-0', restarts: 0, scheduledS: 0.4 }],
    restarts: 0,
    failure: { reason: 'CrashLoopBackOff', message: 'CrashLoopBackOff: back-off restarting', restarts: 3, previousLogs: true },
  },
  engine: { engine: 'vllm', source: 'detected', evidence: ['GET /v1/models: owned_by "vllm"'], models: ['Qwen/Qwen2.5-0.5B-Instruct'] },
  capacity: {
    unit: 'req/s',
    rate: 12,
    bound: 'bracketed',
    bracket: [12, 16],
    syncRate: 4,
    maxRate: 30,
    slo: { ttftP99Ms: 500 },
    probes: [{ profile: 'rate=12', rate: 12, requests: 32, ok: 32, errors: 0, requestsPerSec: 11.8, ttftP99Ms: 310, tpotP99Ms: 9, meets: true, misses: [] }],
  },
  detectable: {
    confidence: 0.95,
    power: 0.8,
    tests: 2,
    rows: [{ dimension: 'quality.facts', kind: 'quality', units: 150, tolerance: 0.03, mde: 0.06, spread: { value: 0.04, source: 'assumed' } }],
  },
};

describe('the report schema', () => {
  it('reads every extras section of a stored report.json as a typed section, under the same keys', () => {
    const stored = JSON.parse(JSON.stringify(failingReport({ extras: storedExtras }))) as unknown;
    const report = reportSchema.parse(stored);
    expect(report.extras).toEqual(storedExtras);
    expect(report.extras?.engine?.models).toEqual(['Qwen/Qwen2.5-0.5B-Instruct']);
    expect(report.extras?.probes?.manifest?.findings[0]?.line).toBe(12);
  });

  it('reads a report without extras, and drops an extras key it has no schema for', () => {
    expect(reportSchema.parse(JSON.parse(JSON.stringify(failingReport()))).extras).toBeUndefined();
    const withUnknown = { ...failingReport(), extras: { capacity: storedExtras.capacity, later: { note: 'from a newer version' } } };
    expect(reportSchema.parse(JSON.parse(JSON.stringify(withUnknown))).extras).toEqual({ capacity: storedExtras.capacity });
  });

  it('refuses a section whose shape is wrong, naming where', () => {
    const bad = { ...failingReport(), extras: { engine: { engine: 'vllm', source: 'guessed', evidence: [] } } };
    const parsed = reportSchema.safeParse(JSON.parse(JSON.stringify(bad)));
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['extras', 'engine', 'source']);
  });

  it('reads server metrics recorded under an engine name the registry no longer has', () => {
    const report = failingReport();
    const server = { url: 'http://127.0.0.1:8000/metrics', available: true, engine: 'llama.cpp', intervalMs: 1000, scrapes: 3, failures: 0, series: [], steps: [] };
    const stored = { ...report, performance: { runs: report.performance!.runs, server } };
    expect(reportSchema.parse(JSON.parse(JSON.stringify(stored))).performance?.server?.engine).toBe('llama.cpp');
  });
});
