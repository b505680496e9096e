import { describe, expect, it } from 'vitest';
import { syntheticBodies } from '../../src/bench/prompts.ts';
import { parseGateConfig } from '../../src/config/load.ts';
import { applyEnginePreset, applyEnginePresetRaw } from '../../src/config/engine-preset.ts';
import { ENGINE_NAMES } from '../../src/engines/registry.ts';
import { benchRequestFields, ENGINE_PRESETS, exactLengthFields } from '../../src/engines/presets.ts';

const parse = (raw: Record<string, unknown>) => parseGateConfig(raw, 'test');

describe('applyEnginePresetRaw', () => {
  it('fills the port, health path and readiness timeout the file left unset', () => {
    const c = parse(applyEnginePresetRaw({ target: { image: 'ghcr.io/ggml-org/llama.cpp:server' } }, 'llamacpp'));
    expect(c.engine).toBe('llamacpp');
    expect(c.target.port).toBe(8080);
    expect(c.readiness.healthPath).toBe('/health');
    expect(c.readiness.timeoutS).toBe(600);
    expect(c.target.env).toEqual({ LLAMA_ARG_ENDPOINT_METRICS: '1' });
  });

  it('keeps every value the user wrote, also one equal to the schema default', () => {
    const raw = {
      target: { image: 'vllm/vllm-openai:v0.11.0', port: 8000, gpus: 'all', shmSize: '8g', runArgs: ['--ipc', 'private'], env: { LLAMA_ARG_ENDPOINT_METRICS: '0' } },
      readiness: { healthPath: '/v1/models', timeoutS: 1200 },
    };
    const c = parse(applyEnginePresetRaw(raw, 'tgi'));
    expect(c.target.port).toBe(8000);
    expect(c.target.shmSize).toBe('8g');
    expect(c.readiness.healthPath).toBe('/v1/models');
    expect(c.readiness.timeoutS).toBe(1200);
    const v = parse(applyEnginePresetRaw(raw, 'vllm'));
    // `--ipc private` already names --ipc: the preset does not add a second one.
    expect(v.target.runArgs).toEqual(['--ipc', 'private']);
    expect(parse(applyEnginePresetRaw(raw, 'llamacpp')).target.env).toEqual({ LLAMA_ARG_ENDPOINT_METRICS: '0' });
  });

  it('adds shared memory only for GPU runs', () => {
    const cpu = parse(applyEnginePresetRaw({ target: { image: 'x' } }, 'vllm'));
    expect(cpu.target.runArgs).toEqual([]);
    expect(cpu.target.shmSize).toBeUndefined();
    const gpu = parse(applyEnginePresetRaw({ target: { image: 'x', gpus: 'all', runArgs: ['--ulimit', 'memlock=-1'] } }, 'vllm'));
    expect(gpu.target.runArgs).toEqual(['--ulimit', 'memlock=-1', '--ipc=host']);
    expect(parse(applyEnginePresetRaw({ target: { image: 'x', gpus: 'all' } }, 'tgi')).target.shmSize).toBe('1g');
    expect(parse(applyEnginePresetRaw({ target: { image: 'x', gpus: 'all' } }, 'nim')).target.shmSize).toBe('16GB');
  });

  it('passes token variables by name only, after the ones the user listed', () => {
    const c = parse(applyEnginePresetRaw({ target: { image: 'x', passEnv: ['MY_TOKEN', 'HF_TOKEN'] } }, 'tgi'));
    expect(c.target.passEnv).toEqual(['MY_TOKEN', 'HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN']);
    expect(parse(applyEnginePresetRaw({ target: { image: 'x' } }, 'nim')).target.passEnv).toEqual(['NGC_API_KEY', 'HF_TOKEN']);
    expect(parse(applyEnginePresetRaw({ target: { image: 'x' } }, 'ollama')).target.passEnv).toEqual([]);
  });

  it("points the bench's scraper at NIM's /v1/metrics and gives Ollama's loading probe time", () => {
    expect(parse(applyEnginePresetRaw({ target: { image: 'x' } }, 'nim')).bench.metricsPath).toBe('/v1/metrics');
    expect(parse(applyEnginePresetRaw({ target: { image: 'x' }, bench: { metricsPath: '/m' } }, 'nim')).bench.metricsPath).toBe('/m');
    const o = parse(applyEnginePresetRaw({ target: { image: 'x' } }, 'ollama'));
    expect(o.readiness.healthPath).toBeUndefined();
    expect(o.readiness.probeTimeoutS).toBe(300);
  });

  it('leaves the input untouched and lets zod report a malformed section', () => {
    const raw = { target: 'not a mapping' };
    const out = applyEnginePresetRaw(raw, 'vllm');
    expect(raw).toEqual({ target: 'not a mapping' });
    expect(() => parse(out)).toThrow(/field "target"/);
  });

  it('yields a valid config for every engine and every target kind', () => {
    for (const engine of ENGINE_NAMES) {
      for (const target of [{ image: 'x', gpus: 'all' }, { command: 'serve' }, { url: 'http://127.0.0.1:1' }]) {
        expect(parse(applyEnginePresetRaw({ target }, engine)).engine).toBe(engine);
      }
    }
  });
});

describe('applyEnginePreset (a validated config, engine known late)', () => {
  it('treats schema defaults as unset and keeps other values', () => {
    const c = parse({ target: { image: 'x' }, readiness: { timeoutS: 99 } });
    const out = applyEnginePreset(c, 'sglang');
    expect(out.engine).toBe('sglang');
    expect(out.target.port).toBe(30000);
    expect(out.readiness.healthPath).toBe('/health');
    expect(out.readiness.timeoutS).toBe(99);
    expect(c.target.port).toBeUndefined();
  });
});

describe('bench request fields', () => {
  it('asks for an exact length with the fields each engine honours, and no others', () => {
    expect(exactLengthFields(ENGINE_PRESETS.vllm, 64)).toEqual({ max_tokens: 64, ignore_eos: true, min_tokens: 64 });
    expect(exactLengthFields(ENGINE_PRESETS.sglang, 64)).toEqual({ max_tokens: 64, ignore_eos: true, min_tokens: 64 });
    // llama.cpp silently ignores min_tokens; ignore_eos alone gives exactly max_tokens.
    expect(exactLengthFields(ENGINE_PRESETS.llamacpp, 64)).toEqual({ max_tokens: 64, ignore_eos: true });
    for (const e of ['tgi', 'ollama', 'openai'] as const) expect(exactLengthFields(ENGINE_PRESETS[e], 64)).toEqual({ max_tokens: 64 });
    expect(benchRequestFields('llamacpp', 8)).toEqual({ max_tokens: 8, ignore_eos: true, stream_options: { include_usage: true } });
  });

  it("replace the bench's default fields in synthetic bodies", () => {
    const body = syntheticBodies({ model: 'm', inputWords: 4, outputTokens: 8, seed: 1, engineFields: benchRequestFields('tgi', 8) })(0);
    expect(body).toMatchObject({ model: 'm', max_tokens: 8, temperature: 0, stream_options: { include_usage: true } });
    expect(body).not.toHaveProperty('ignore_eos');
    expect(body).not.toHaveProperty('min_tokens');
  });
});
