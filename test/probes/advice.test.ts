import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { adviseProbes, renderProbeYaml } from '../../src/probes/advice.ts';
import { probeAdviceSchema } from '../../src/report/schema.ts';
import { DEFAULT_INFERENCE_PATHS, lintManifestText } from '../../src/probes/manifest-lint.ts';
import { ENGINE_NAMES } from '../../src/engines/registry.ts';
import { engineProbeFacts } from '../../src/probes/engines.ts';

const budgetOf = (p: { initialDelaySeconds?: number; periodSeconds: number; failureThreshold: number }) =>
  (p.initialDelaySeconds ?? 0) + p.periodSeconds * p.failureThreshold;

describe('adviseProbes', () => {
  it('gives the startup probe twice the slowest measured load plus a minute', () => {
    const a = adviseProbes({ secondsToReady: [184, 150, 162] }, { port: 8000, engine: 'vllm' });
    expect(a.measurement).toEqual({ coldSeconds: 184, worstSeconds: 184, spreadSeconds: 34, boots: 3 });
    expect(a.startupBudgetSeconds).toBe(428);
    expect(budgetOf(a.startupProbe)).toBeGreaterThanOrEqual(428);
    expect(budgetOf(a.startupProbe)).toBeLessThan(428 + a.startupProbe.periodSeconds);
  });

  it('sizes the budget on the slowest boot, not the cold one, when a later boot was slower', () => {
    const a = adviseProbes({ secondsToReady: [100, 240] }, { port: 8000 });
    expect(a.startupBudgetSeconds).toBe(2 * 240 + 60);
    expect(a.notes.join(' ')).toContain('spread 140 s');
  });

  it('checks short loads more often so the pod is ready soon after loading', () => {
    const a = adviseProbes({ secondsToReady: [12] }, { port: 8080, engine: 'llamacpp' });
    expect(a.startupProbe.periodSeconds).toBe(5);
    expect(budgetOf(a.startupProbe)).toBeGreaterThanOrEqual(84);
  });

  it('makes readiness run a one-token completion where the engine has no generating health path', () => {
    const a = adviseProbes({ secondsToReady: [60] }, { port: 8000, engine: 'vllm', model: 'llama' });
    const cmd = a.readinessProbe.exec?.command.join(' ') ?? '';
    expect(cmd).toContain('/v1/completions');
    expect(cmd).toContain('"max_tokens":1');
    expect(cmd).toContain('"model":"llama"');
    expect(a.readinessProbe.exec?.command[0]).toBe('python3');
    const curl = adviseProbes({ secondsToReady: [60] }, { port: 8080, engine: 'llamacpp' });
    expect(curl.readinessProbe.exec?.command[0]).toBe('curl');
    expect(curl.notes.join(' ')).toContain('ships it');
  });

  it("uses the engine's own generating health path when it has one", () => {
    expect(adviseProbes({ secondsToReady: [60] }, { port: 8000, engine: 'tgi' }).readinessProbe.httpGet?.path).toBe('/health');
    expect(adviseProbes({ secondsToReady: [60] }, { port: 30000, engine: 'sglang' }).readinessProbe.httpGet?.path).toBe('/health_generate');
  });

  it('keeps liveness cheap and generous: no inference, two minutes of silence before a restart', () => {
    for (const engine of ENGINE_NAMES) {
      const a = adviseProbes({ secondsToReady: [60] }, { port: 8000, engine });
      expect(a.livenessProbe.exec).toBeUndefined();
      const path = a.livenessProbe.httpGet?.path;
      if (path !== undefined) {
        expect(DEFAULT_INFERENCE_PATHS).not.toContain(path);
        expect(path).not.toBe(engineProbeFacts(engine).readyPath);
      }
      expect(budgetOf(a.livenessProbe)).toBeGreaterThanOrEqual(120);
    }
  });

  it('sizes the readiness timeout and grace period from measured latency when the benchmark ran', () => {
    const a = adviseProbes({ secondsToReady: [60], ttftP99Ms: 6_000, e2eP99Ms: 45_000 }, { port: 8000 });
    expect(a.readinessProbe.timeoutSeconds).toBe(18);
    expect(a.terminationGracePeriodSeconds).toBe(120);
    const b = adviseProbes({ secondsToReady: [60] }, { port: 8000 });
    expect(b.readinessProbe.timeoutSeconds).toBe(10);
    expect(b.terminationGracePeriodSeconds).toBe(120);
    expect(b.notes.join(' ')).toContain('no end-to-end latency measured');
  });

  it('holds a new pod for a quarter of its load time before it counts as available, within 30..300 s', () => {
    expect(adviseProbes({ secondsToReady: [20] }, { port: 8000 }).minReadySeconds).toBe(30);
    expect(adviseProbes({ secondsToReady: [400] }, { port: 8000 }).minReadySeconds).toBe(100);
    expect(adviseProbes({ secondsToReady: [3000] }, { port: 8000 }).minReadySeconds).toBe(300);
  });

  it('rejects a measurement without any boot', () => {
    expect(() => adviseProbes({ secondsToReady: [] }, { port: 8000 })).toThrow();
  });
});

describe('renderProbeYaml', () => {
  const advice = adviseProbes({ secondsToReady: [184, 150] }, { port: 8000, engine: 'vllm', containerName: 'engine' });
  const text = renderProbeYaml(advice);

  it('renders a Deployment fragment that parses back to the advice', () => {
    const parsed = parse(text) as { spec: { minReadySeconds: number; template: { spec: { terminationGracePeriodSeconds: number; containers: unknown[] } } } };
    expect(parsed.spec.minReadySeconds).toBe(advice.minReadySeconds);
    expect(parsed.spec.template.spec.terminationGracePeriodSeconds).toBe(advice.terminationGracePeriodSeconds);
    expect(parsed.spec.template.spec.containers[0]).toEqual({
      name: 'engine',
      startupProbe: advice.startupProbe,
      readinessProbe: advice.readinessProbe,
      livenessProbe: advice.livenessProbe,
    });
    expect(probeAdviceSchema.parse(advice)).toEqual(advice);
  });

  it('says in comments what was measured and why each probe is there', () => {
    expect(text).toMatch(/^# llm-gate probe advice \(vllm\): measured seconds-to-ready: cold 184 s, slowest 184 s, spread 34 s over 2 boots/);
    expect(text).toContain('# allows 428 s of loading before a restart');
    expect(text).toContain('# gates traffic: passes only when the model answers');
  });

  it('passes the manifest lint for the load it was derived from, once GPU and shm are added', () => {
    const manifest = `kind: Deployment
metadata: {name: llm}
${text.replace(/^spec:\n/m, 'spec:\n  selector: {}\n')}`;
    const { findings } = lintManifestText(manifest, 'advice.yaml', { loadSeconds: 184, nonInferencePaths: engineProbeFacts('vllm').earlyPaths, needsGpu: false, needsShm: false });
    expect(findings).toEqual([]);
  });
});
