import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { getInputs, loadActionConfig } from '../../src/action/inputs.ts';

const set: string[] = [];
function input(name: string, value: string): void {
  const key = `INPUT_${name.toUpperCase()}`;
  process.env[key] = value;
  set.push(key);
}
afterEach(() => {
  for (const key of set.splice(0)) Reflect.deleteProperty(process.env, key);
});

describe('getInputs', () => {
  it('reads defaults when no input is given', () => {
    expect(getInputs()).toEqual({
      configPath: undefined,
      overrides: {},
      name: 'llm-gate',
      token: undefined,
      checkRun: true,
      comment: true,
      jobSummary: true,
      skip: undefined,
    });
  });

  it('passes GPU, engine and manifest inputs through to the config', async () => {
    input('image', 'vllm/vllm-openai:v0.11');
    input('gpus', 'all');
    input('engine', 'vllm');
    input('k8s-manifest', 'deploy/llm.yaml');
    const inputs = getInputs();
    expect(inputs.overrides).toMatchObject({ gpus: 'all', engine: 'vllm', 'k8s-manifest': 'deploy/llm.yaml' });
    const config = await loadActionConfig(inputs, await mkdtemp(path.join(tmpdir(), 'llm-gate-inputs-')));
    expect(config.target.gpus).toBe('all');
    // The vLLM preset adds what a GPU run needs when the workflow did not say.
    expect(config.target.runArgs).toContain('--ipc=host');
    expect(config.k8sManifest).toBe('deploy/llm.yaml');
  });

  it('parses concurrency lists written with commas or one per line, and whole-number inputs', () => {
    input('image', 'vllm/vllm-openai:v0.11');
    input('concurrency', '1, 4\n16\n');
    input('requests', '200');
    input('port', '8080');
    input('baseline', 'none');
    expect(getInputs().overrides).toEqual({
      image: 'vllm/vllm-openai:v0.11',
      concurrency: [1, 4, 16],
      requests: 200,
      port: 8080,
      baseline: 'none',
    });
  });

  it('parses booleans the way workflow YAML writes them and names a bad one', () => {
    input('comment', 'False');
    input('skip', 'true');
    input('skip-reason', 'docs-only change');
    expect(getInputs()).toMatchObject({ comment: false, skip: 'docs-only change' });
    input('check-run', 'yes');
    expect(() => getInputs()).toThrow('input "check-run": expected true or false, found "yes"');
  });

  it('names the input and the value when a number is malformed or out of range', () => {
    input('port', '70000');
    expect(() => getInputs()).toThrow('input "port": expected a whole number from 1 to 65535, found "70000"');
  });
});

describe('loadActionConfig', () => {
  it('names the inputs, not a command line, when no llm-gate.yml is read and no target is given', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'llm-gate-inputs-'));
    await expect(loadActionConfig(getInputs(), dir)).rejects.toThrow(/^Action inputs: field "target": expected exactly one of image/);
  });

  it('validates inputs merged into llm-gate.yml with the CLI config schema, naming file and field', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'llm-gate-inputs-'));
    await writeFile(path.join(dir, 'gate.yml'), 'target:\n  image: x\nbench:\n  requests: 0\n');
    input('config', 'gate.yml');
    await expect(loadActionConfig(getInputs(), dir)).rejects.toThrow(/gate\.yml:4: field "bench\.requests"/);

    input('requests', '16');
    input('url', 'http://127.0.0.1:9000');
    const config = await loadActionConfig(getInputs(), dir);
    // The url input replaces the file's image, rather than conflicting with it.
    expect(config.target).toMatchObject({ url: 'http://127.0.0.1:9000' });
    expect(config.target.image).toBeUndefined();
    expect(config.bench.requests).toBe(16);
  });
});

describe('the Action’s baseline settings', () => {
  it('keeps baselines on the git branch by default, unless llm-gate.yml or the store input names another store', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'llm-gate-store-default-'));
    input('url', 'http://127.0.0.1:8000/v1');
    expect((await loadActionConfig(getInputs(), dir)).compare.store).toBe('git');
    await writeFile(path.join(dir, 'llm-gate.yml'), 'compare:\n  store: local\n');
    expect((await loadActionConfig(getInputs(), dir)).compare.store).toBe('local');
    input('store', 'artifacts');
    expect((await loadActionConfig(getInputs(), dir)).compare.store).toBe('artifacts');
  });

  it('reads accept and allow-change, and names the input when an acceptance has no reason', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'llm-gate-accept-'));
    input('url', 'http://127.0.0.1:8000/v1');
    input('accept', 'tpot.p50, json_format: bigger model, reviewed in #12\nttft.p99: same');
    input('allow-change', 'engine');
    const config = await loadActionConfig(getInputs(), dir);
    expect(config.compare.accept).toEqual([
      { dimensions: ['tpot.p50', 'json_format'], reason: 'bigger model, reviewed in #12', source: 'input "accept"' },
      { dimensions: ['ttft.p99'], reason: 'same', source: 'input "accept"' },
    ]);
    expect(config.compare.allowChange).toEqual(['engine']);
    input('accept', 'tpot.p50');
    expect(() => getInputs()).toThrow(/input "accept": "tpot.p50": expected "DIMENSION\[,DIMENSION…\]: reason"/);
  });
});
