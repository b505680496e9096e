import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadGateConfig } from '../../src/config/load.ts';

async function configFile(text: string): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'llm-gate-config-'));
  const file = path.join(dir, 'llm-gate.yml');
  await writeFile(file, text);
  return { dir, file };
}

describe('loadGateConfig', () => {
  it("defaults the port to the engine's own, named or known from an official image, else leaves it to the image", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'llm-gate-port-'));
    expect((await loadGateConfig({ env: process.env, overrides: { image: 'ghcr.io/huggingface/text-generation-inference:3.3' }, cwd: dir })).target.port).toBe(80);
    expect((await loadGateConfig({ env: process.env, overrides: { command: 'serve', engine: 'llamacpp' }, cwd: dir })).target.port).toBe(8080);
    expect((await loadGateConfig({ env: process.env, overrides: { image: 'registry.example/custom:1' }, cwd: dir })).target.port).toBeUndefined();
  });

  it('works with no file on defaults when a target is given by flag', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'llm-gate-config-'));
    const c = await loadGateConfig({ env: process.env, overrides: { image: 'engine:1' }, cwd: dir });
    expect(c.target.image).toBe('engine:1');
    // Unset: the image's single EXPOSEd port decides at start, else 8000.
    expect(c.target.port).toBeUndefined();
    expect(c.readiness.timeoutS).toBe(1200);
    expect(c.readiness.consecutive).toBe(2);
    expect(c.compare.baseline).toBe('auto');
  });

  it('names the file and the field path, with what was expected, for a wrong type', async () => {
    const { file } = await configFile('target:\n  image: x\n  port: "eighty"\n');
    await expect(loadGateConfig({ env: process.env, path: file, overrides: {} })).rejects.toThrow(
      new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: field "target.port": expected a whole number from 1 to 65535, found "eighty"`),
    );
  });

  it('names nested list fields by index', async () => {
    const { file } = await configFile('target: {url: "http://127.0.0.1:1"}\nbench: {concurrency: [4, -1]}\n');
    await expect(loadGateConfig({ env: process.env, path: file, overrides: {} })).rejects.toThrow(/field "bench.concurrency\[1\]"/);
  });

  it('refuses a config with two target kinds', async () => {
    const { file } = await configFile('target: {image: a, url: "http://127.0.0.1:1"}\n');
    await expect(loadGateConfig({ env: process.env, path: file, overrides: {} })).rejects.toThrow(/exactly one of image/);
  });

  it('reports invalid YAML with its line', async () => {
    const { file } = await configFile('target:\n  image: [unclosed\n');
    await expect(loadGateConfig({ env: process.env, path: file, overrides: {} })).rejects.toThrow(/:\d+: invalid YAML/);
  });

  it('lets a target flag replace the file target instead of conflicting with it', async () => {
    const { file } = await configFile('target: {image: a}\nbench: {requests: 8}\n');
    const c = await loadGateConfig({ env: process.env, path: file, overrides: { url: 'http://127.0.0.1:9/v1', concurrency: [1, 8] } });
    expect(c.target.image).toBeUndefined();
    expect(c.target.url).toBe('http://127.0.0.1:9/v1');
    expect(c.bench.concurrency).toEqual([1, 8]);
    expect(c.bench.requests).toBe(8);
  });

  it('is a ConfigError for a missing file', async () => {
    await expect(loadGateConfig({ env: process.env, path: '/nonexistent/llm-gate.yml', overrides: {} })).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('a value outside a setting’s choices', () => {
  it('is named with the choices and, for a likely typo, the nearest one, whatever its source', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'llm-gate-choice-'));
    const file = path.join(dir, 'llm-gate.yml');
    await writeFile(file, 'engine: vlm\ntarget:\n  url: http://127.0.0.1:9\n');
    await expect(loadGateConfig({ env: process.env, path: file, overrides: {} })).rejects.toThrow(
      `${file}:1: field "engine": expected one of "vllm", "tgi", "sglang", "llamacpp", "ollama", "nim", "openai", found "vlm": did you mean "vllm"?`,
    );
    await writeFile(file, 'target:\n  url: http://127.0.0.1:9\ncompare:\n  store: gti\n  allowChange: [gpus]\n');
    await expect(loadGateConfig({ env: process.env, path: file, overrides: {} })).rejects.toThrow(
      `${file}:4: field "compare.store": expected one of "local", "git", "artifacts", found "gti": did you mean "git"?\n` +
        `${file}:5: field "compare.allowChange[0]": expected one of "model", "engine", "gpu", "dataset", found "gpus": did you mean "gpu"?`,
    );
  });
});
describe('thresholds: keys checked against the dataset as the config loads', () => {
  const dimensions = async () => ['factual', 'format'];

  it('names the line of a floor whose dimension the dataset lacks, with the nearest one', async () => {
    const { file } = await configFile('target:\n  url: http://127.0.0.1:9\nthresholds:\n  format: 0.5\n  factal: 0.9\n');
    await expect(loadGateConfig({ env: {}, path: file, overrides: {}, datasetDimensions: dimensions })).rejects.toThrow(
      new ConfigError(`${file}:5: field "thresholds.factal": no dimension "factal" in the dataset datasets/starter/v1: did you mean "factual"?`),
    );
  });

  it('leaves a dataset that cannot be read to the gate, which reports it', async () => {
    const { file } = await configFile('target:\n  url: http://127.0.0.1:9\nthresholds:\n  factal: 0.9\n');
    const c = await loadGateConfig({ env: {}, path: file, overrides: {}, datasetDimensions: () => Promise.reject(new Error('unreadable')) });
    expect(c.thresholds).toEqual({ factal: 0.9 });
  });
});

