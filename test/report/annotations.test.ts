import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { probesSection } from '../../src/probes/section.ts';
import { checkAnnotations, failingItemAnnotations, MAX_ANNOTATIONS } from '../../src/report/github/annotations.ts';
import { failingReport } from './fixtures.ts';

describe('check run annotations', () => {
  it('point failing items at their line of items.jsonl, relative to the workspace', () => {
    const report = failingReport();
    report.quality!.dataset.path = '/ws/datasets/starter/v1/dataset.yaml';
    expect(failingItemAnnotations(report, '/ws')).toEqual([
      expect.objectContaining({ path: 'datasets/starter/v1/items.jsonl', start_line: 2, annotation_level: 'failure' }),
    ]);
  });

  it('make no annotation for a dataset outside the workspace, where GitHub could not show it', () => {
    const report = failingReport();
    report.quality!.dataset.path = '/elsewhere/dataset';
    expect(failingItemAnnotations(report, '/ws')).toEqual([]);
  });

  it('mark items of dimensions that did not fail the gate as warnings, and strip control characters', () => {
    const report = failingReport();
    report.quality!.dataset.path = 'datasets/x';
    report.quality!.dimensions.facts!.items[0] = { id: 'capital-1', score: 0.5, output: '\u001b[31mLyon\u0007', line: 3 };
    const facts = failingItemAnnotations(report, process.cwd()).find((a) => a.start_line === 3)!;
    expect(facts.annotation_level).toBe('warning');
    expect(facts.raw_details).toBe('Model output:\nLyon');
  });

  it('add the probe findings on the linted manifest lines and cap the total, failures first', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'llm-gate-manifest-'));
    const manifest = path.join(dir, 'deploy.yaml');
    await writeFile(
      manifest,
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: llm}',
        'spec:',
        '  template:',
        '    spec:',
        '      containers:',
        '        - name: server',
        '          image: llm:v2',
        '          livenessProbe:',
        '            httpGet: {path: /v1/models, port: 8000}',
        '            initialDelaySeconds: 5',
        '            failureThreshold: 3',
        '            periodSeconds: 10',
        '',
      ].join('\n'),
    );
    const report = failingReport();
    report.quality!.dataset.path = path.join(dir, 'datasets');
    report.quality!.dimensions.arithmetic!.items = Array.from({ length: MAX_ANNOTATIONS + 20 }, (_, i) => ({ id: `i${i}`, score: 0, output: '', line: i + 1 }));
    report.extras = { probes: await probesSection({ secondsToReady: [300] }, { port: 8000, manifestPath: manifest }) };
    const annotations = checkAnnotations(report, dir);
    expect(annotations).toHaveLength(MAX_ANNOTATIONS);
    const probes = checkAnnotations({ ...report, quality: null }, dir);
    expect(probes.length).toBeGreaterThan(0);
    expect(probes.every((a) => a.path === 'deploy.yaml' && a.title.startsWith('llm-gate probes: Deployment/llm'))).toBe(true);
  });
});
