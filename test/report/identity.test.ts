import { describe, expect, it } from 'vitest';
import { describeDifferences, identityDifferences, identityOfReport, lineOf, majorVersion } from '../../src/report/identity.ts';
import type { Identity } from '../../src/report/schema.ts';
import { gpuCount, parseGpuList } from '../../src/identity/probe.ts';
import { makeReport } from '../compare/fixtures.ts';

const base: Identity = {
  model: 'Qwen/Qwen2.5-0.5B-Instruct',
  engine: 'vllm',
  engineVersion: '0.9.2',
  dataset: 'starter@v1',
  datasetSha256: 'a'.repeat(64),
  gpu: { name: 'NVIDIA H100 80GB HBM3', count: 1 },
  line: 'x',
};

describe('identity lines', () => {
  it('keeps one line per model and GPU type and count, readable and exact', () => {
    const a = lineOf(base);
    expect(a).toMatch(/^qwen-qwen2\.5-0\.5b-instruct\.nvidia-h100-80gb-hbm3x1\.[0-9a-f]{8}$/);
    expect(lineOf({ ...base, gpu: { name: 'NVIDIA L4', count: 1 } })).not.toBe(a);
    expect(lineOf({ ...base, gpu: { name: 'NVIDIA H100 80GB HBM3', count: 2 } })).not.toBe(a);
    expect(lineOf({ ...base, model: 'Qwen/Qwen2.5-7B-Instruct' })).not.toBe(a);
    // Engine and dataset are not part of the line: an upgrade is compared (or refused), not silently a new line.
    const upgraded: Identity = { ...base, engineVersion: '1.0.0' };
    expect(lineOf(upgraded)).toBe(a);
    expect(lineOf({ model: 'm', gpu: { name: 'none', count: 0 } })).toMatch(/^m\.cpu\./);
  });

  it('derives an identity from reports written before identities existed', () => {
    const r = makeReport({ tag: 'v1.0.0' });
    const id = identityOfReport({ ...r, subject: { ...r.subject, model: 'sim-model', engine: 'openai' } });
    expect(id.model).toBe('sim-model');
    // A generic OpenAI-compatible server says nothing about its engine.
    expect(id.engine).toBeUndefined();
    expect(id.line).toBe(lineOf({ model: 'sim-model' }));
  });
});

describe('identityDifferences', () => {
  it('finds no difference in the same thing, nor in what one side does not know', () => {
    expect(identityDifferences(base, { ...base })).toEqual([]);
    const unknown: Identity = { model: base.model, engine: 'vllm', line: 'x' };
    expect(identityDifferences(base, unknown)).toEqual([]);
  });

  it('names another model, engine major version, GPU type and dataset', () => {
    const other: Identity = {
      ...base,
      model: 'other',
      engineVersion: '1.1.0',
      gpu: { name: 'NVIDIA L4', count: 1 },
      datasetSha256: 'b'.repeat(64),
    };
    expect(identityDifferences(base, other).map((d) => d.field)).toEqual(['model', 'engine', 'gpu', 'dataset']);
    expect(identityDifferences(base, { ...base, engineVersion: '0.10.1' })).toEqual([]);
    expect(identityDifferences(base, { ...base, engine: 'sglang' })).toEqual([{ field: 'engine', baseline: 'vllm', candidate: 'sglang' }]);
    expect(identityDifferences(base, { ...base, weightsDigest: 'sha256:1' })).toEqual([]);
    expect(identityDifferences({ ...base, weightsDigest: 'sha256:0' }, { ...base, weightsDigest: 'sha256:1' })).toEqual([
      { field: 'model', baseline: 'sha256:0', candidate: 'sha256:1' },
    ]);
  });

  it('compares an allowed field anyway, and says how to allow the others', () => {
    const other = { ...base, model: 'other', gpu: { name: 'NVIDIA L4', count: 1 } };
    expect(identityDifferences(base, other, ['model']).map((d) => d.field)).toEqual(['gpu']);
    const message = describeDifferences('v1.0.0', identityDifferences(base, other));
    expect(message).toContain('model: baseline Qwen/Qwen2.5-0.5B-Instruct, candidate other');
    expect(message).toContain('gpu: baseline 1x NVIDIA H100 80GB HBM3, candidate 1x NVIDIA L4');
    expect(message).toContain('--allow-change model,gpu');
    expect(message).toContain('--baseline none');
  });

  it('reads major versions the way engines write them', () => {
    expect(majorVersion('v0.9.2')).toBe('0');
    expect(majorVersion('3.0.1+cu124')).toBe('3');
    expect(majorVersion(undefined)).toBeUndefined();
  });
});

describe('GPU probe parsing', () => {
  it('reads nvidia-smi name and driver lines', () => {
    expect(parseGpuList('NVIDIA H100 80GB HBM3, 550.54.15\nNVIDIA H100 80GB HBM3, 550.54.15\n')).toEqual([
      { name: 'NVIDIA H100 80GB HBM3', driver: '550.54.15' },
      { name: 'NVIDIA H100 80GB HBM3', driver: '550.54.15' },
    ]);
  });

  it('counts the GPUs a docker --gpus value hands the target', () => {
    expect(gpuCount(undefined, 8)).toBe(8);
    expect(gpuCount('all', 8)).toBe(8);
    expect(gpuCount('2', 8)).toBe(2);
    expect(gpuCount('"device=0,3"', 8)).toBe(2);
    expect(gpuCount('device=1', 8)).toBe(1);
  });
});
