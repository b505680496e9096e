import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { overridesFromFlags } from '../../src/cli/gate-flags.ts';
import { ConfigError, loadGateConfig } from '../../src/config/load.ts';

async function load(flags: Parameters<typeof overridesFromFlags>[0], file?: string) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'llm-gate-real-'));
  if (file !== undefined) await writeFile(path.join(dir, 'llm-gate.yml'), file);
  return loadGateConfig({ env: process.env, overrides: overridesFromFlags(flags), cwd: dir });
}

describe("the README's real-image command", () => {
  it('hands the model to an official engine image as its own argument, as each engine names it', async () => {
    const vllm = await load({ image: 'vllm/vllm-openai:v0.9.2', model: 'Qwen/Qwen2.5-0.5B-Instruct', port: '8000' });
    expect(vllm.engine).toBe('vllm');
    expect(vllm.target.args).toEqual(['--model', 'Qwen/Qwen2.5-0.5B-Instruct']);
    expect((await load({ image: 'ghcr.io/huggingface/text-generation-inference:3.0', model: 'm' })).target.args).toEqual(['--model-id', 'm']);
    expect((await load({ image: 'ghcr.io/ggml-org/llama.cpp:server-cuda', model: '/models/q.gguf' })).target.args).toEqual(['-m', '/models/q.gguf']);
    const sglang = await load({ image: 'lmsysorg/sglang:v0.4.9', model: 'm' });
    expect(sglang.target.args).toEqual(['python3', '-m', 'sglang.launch_server', '--model-path', 'm', '--host', '0.0.0.0', '--port', '30000']);
    // Ollama pulls by name and NIM serves its own model: no argument.
    expect((await load({ image: 'ollama/ollama:0.13.0', model: 'qwen2.5:0.5b' })).target.args).toEqual([]);
  });

  it("leaves a custom image's arguments, and arguments the user wrote, alone", async () => {
    expect((await load({ image: 'registry.example.com/llm/qwen-vllm:1.4', model: 'm' })).target.args).toEqual([]);
    const own = await load({ image: 'vllm/vllm-openai:v0.9.2', model: 'm' }, 'target:\n  args: [--model, /weights, --max-model-len, "4096"]\n');
    expect(own.target.args).toEqual(['--model', '/weights', '--max-model-len', '4096']);
  });

  it('has flags for GPUs, shared memory, volumes and variables passed by name', async () => {
    const c = await load({ image: 'vllm/vllm-openai:v0.9.2', gpus: 'all', 'shm-size': '16g', volume: ['/models:/root/.cache/huggingface', '/tmp/x:/x:rw'], env: ['HF_TOKEN', 'EXTRA'] });
    expect(c.target).toMatchObject({ gpus: 'all', shmSize: '16g' });
    expect(c.target.volumes).toEqual([
      { host: '/models', container: '/root/.cache/huggingface', readOnly: true },
      { host: '/tmp/x', container: '/x', readOnly: false },
    ]);
    expect(c.target.passEnv).toEqual(expect.arrayContaining(['HF_TOKEN', 'EXTRA']));
  });

  it('refuses a value on --env, without echoing it', async () => {
    const p = load({ url: 'http://127.0.0.1:1/v1', env: ['HF_TOKEN=hf_secret'] });
    await expect(p).rejects.toThrow(ConfigError);
    await expect(p).rejects.toThrow(/--env: expected a variable name .*found "HF_TOKEN=…"/);
    await expect(p).rejects.not.toThrow(/hf_secret/);
  });

  it('keeps the local store in the CLI, takes --store, --accept and --allow-change', async () => {
    expect((await load({ url: 'http://127.0.0.1:1/v1' })).compare.store).toBe('local');
    const c = await load({ url: 'http://127.0.0.1:1/v1', store: 'git', accept: ['tpot.p50: bigger model'], 'allow-change': 'engine,dataset' });
    expect(c.compare).toMatchObject({ store: 'git', accept: [{ dimensions: ['tpot.p50'], reason: 'bigger model', source: '--accept' }], allowChange: ['engine', 'dataset'] });
    await expect(load({ url: 'http://127.0.0.1:1/v1', 'allow-change': 'colour' })).rejects.toThrow(/--allow-change: expected one of "model", "engine", "gpu", "dataset", found "colour"$/);
  });
});
