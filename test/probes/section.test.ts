import { describe, expect, it } from 'vitest';
import { probesSection } from '../../src/probes/section.ts';
import { probesMarkdown, probesText } from '../../src/report/probes-summary.ts';
import { probesSectionSchema } from '../../src/report/schema.ts';

describe('probesSection', () => {
  it('lints the manifest against the slowest measured boot with the engine\'s early paths', async () => {
    const section = await probesSection(
      { secondsToReady: [180, 150] },
      { port: 8000, engine: 'openai', manifestPath: 'test/probes/fixtures/web-service-probes.yaml' },
    );
    expect(probesSectionSchema.parse(section)).toEqual(section);
    expect(section.manifest?.findings.map((f) => f.id)).toEqual(['liveness-kills-loading-pod', 'readiness-before-load', 'no-gpu-limit', 'no-shm-volume']);
    expect(section.yaml).toContain('startupProbe:');
    // Named after the manifest's container, so `kubectl patch --type strategic` merges into it.
    expect(section.advice.containerName).toBe('api');
  });

  it("treats the engine's ready path as inference when a liveness probe uses it", async () => {
    const section = await probesSection({ secondsToReady: [20] }, { port: 8000, engine: 'tgi', manifestPath: 'test/probes/fixtures/web-service-probes.yaml' });
    expect(section.manifest?.findings.map((f) => f.id)).toContain('liveness-runs-inference');
  });

  it('gives advice alone without a manifest', async () => {
    const section = await probesSection({ secondsToReady: [30] }, { port: 8000, engine: 'vllm' });
    expect(section.manifest).toBeNull();
  });

  it('renders the lint for the summary and the terminal, the YAML folded away in the summary and a pointer to its file in the terminal', async () => {
    const section = await probesSection(
      { secondsToReady: [180] },
      { port: 8000, engine: 'vllm', model: 'x`\u0007@team', manifestPath: 'test/probes/fixtures/web-service-probes.yaml' },
    );
    const md = probesMarkdown(section);
    expect(md).toContain('| critical | test/probes/fixtures/web-service-probes.yaml:28 Deployment/llm-gateway spec.template.spec.containers\\[0\\].livenessProbe |');
    // The YAML is folded away: the manifest findings can fail the gate, the advice cannot.
    expect(md).toMatch(/<details><summary>Suggested probe settings \(startup allowed 420 s\)<\/summary>[\s\S]*```yaml\n# llm-gate probe advice \(vllm\)/);
    expect(md).toContain('Probe settings for a vllm server are in `k8s-probes.yaml` beside report.json.');
    expect(md).not.toContain('\u0007');
    const text = probesText(section, 'out/k8s-probes.yaml').join('\n');
    expect(text).toContain('suggested settings for a vllm server in out/k8s-probes.yaml');
    expect(text).not.toContain('startupProbe:');
    expect(text).toContain('critical test/probes/fixtures/web-service-probes.yaml:28 Deployment/llm-gateway spec.template.spec.containers[0].livenessProbe');
    expect(text).not.toContain('\u0007');
  });
});
