/**
 * Engine presets: one table from engine name to what the gate needs to know to boot, probe, load and
 * scrape that engine. Observable wire facts (readiness phases, framing, exact-length fields, metric
 * names) come from the simulator's personalities (src/sim/personalities.ts, which cites each engine's
 * source) so that a fact is written once and the simulator plays exactly what the gate expects; this
 * file adds what only the gate needs (health path meaning, timeouts, docker arguments, token variables)
 * with its own sources.
 */
import { personalities, type Personality, type ReadinessMode } from '../sim/personalities.ts';
import { ENGINE_NAMES, type EngineName } from './names.ts';

export interface ReadinessPreset {
  mode: ReadinessMode;
  /** Must answer 200 before the one-token inference is tried; absent where no path says more than the inference. */
  healthPath?: string;
  /** What the health answers mean, in a sentence, for logs and docs. */
  meaning: string;
  /** Default readiness.timeoutS: weights download and load (and engine warm-up) take this long at most. */
  timeoutS: number;
  /** Default readiness.probeTimeoutS where the one-token inference itself may load the model. */
  probeTimeoutS?: number;
  /**
   * The engine's own limit on loading a model for an inference, where inferences load it: a readiness probe
   * never hangs up on an inference sooner, whatever probeTimeoutS says, because hanging up aborts the load.
   */
  loadLimitS?: number;
}

export interface MetricNames {
  path: string;
  /** First name present wins: engines renamed gauges across versions. */
  running: readonly string[];
  waiting: readonly string[];
  /** A 0..1 share of the KV cache in use; empty where the engine exposes none. */
  kvCacheUsage: readonly string[];
}

export interface DockerPreset {
  /** `docker run` arguments added when the target has GPUs (shared memory for NCCL / PyTorch workers). */
  gpuRunArgs: readonly string[];
  shmSize?: string;
  /** Where the image keeps downloaded weights: mount a host directory there to avoid re-downloads. */
  cacheDir: string | null;
  /** Environment variables holding download tokens: passed by name from the gate's environment, never logged. */
  tokenEnv: readonly string[];
  /** Non-secret environment the gate sets unless the user did. */
  env: Readonly<Record<string, string>>;
}

export interface EnginePreset {
  engine: EngineName;
  title: string;
  /** The port the engine's official image listens on. */
  defaultPort: number;
  readiness: ReadinessPreset;
  /** Model ids: every engine lists them at /v1/models; `native` is the engine's own listing. */
  models: { path: '/v1/models'; native?: string };
  exactLength: {
    /** The engine produces exactly max_tokens tokens when asked (with the fields below). */
    honoured: boolean;
    ignoreEos: boolean;
    minTokens: boolean;
  };
  /** stream_options.include_usage is accepted (none of these engines rejects it). */
  streamOptions: boolean;
  /** Where token usage arrives in a stream: a last chunk with `choices: []`, or inside the finish chunk. */
  usage: { placement: Personality['stream']['usage']; sentUnasked: boolean };
  metrics: MetricNames | null;
  docker: DockerPreset;
}

/** Gauge names an engine's images also expose, after the documented ones: older names, or a backend's own. */
const ALSO_SEEN: Partial<Record<EngineName, { running?: string[]; waiting?: string[]; kvCacheUsage?: string[] }>> = {
  // vLLM's v1 engine renamed gpu_cache_usage_perc to kv_cache_usage_perc (vllm/v1/metrics/loggers.py).
  vllm: { kvCacheUsage: ['vllm:gpu_cache_usage_perc'] },
  // NIM documents unprefixed names; images that pass the vLLM backend's /metrics through show vLLM's.
  nim: {
    running: ['vllm:num_requests_running'],
    waiting: ['vllm:num_requests_waiting'],
    kvCacheUsage: ['vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc'],
  },
  // llama.cpp builds from before the unified KV cache (tools/server/README.md of that time).
  llamacpp: { kvCacheUsage: ['llamacpp:kv_cache_usage_ratio'] },
};

function metricNames(engine: EngineName): MetricNames | null {
  const m = personalities[engine].metrics;
  if (!m) return null;
  const also = ALSO_SEEN[engine] ?? {};
  return {
    path: m.path,
    running: [m.running, ...(also.running ?? [])],
    waiting: [m.waiting, ...(also.waiting ?? [])],
    kvCacheUsage: [...(m.kvCache ? [m.kvCache] : []), ...(also.kvCacheUsage ?? [])],
  };
}

type OwnFacts = Pick<EnginePreset, 'title' | 'readiness' | 'models' | 'docker'>;

const OWN: Record<EngineName, OwnFacts> = {
  vllm: {
    title: 'vLLM',
    readiness: {
      mode: personalities.vllm.readiness,
      // api_server.py: /health answers 200 once the engine is up (503 after it died); the port is closed before.
      healthPath: '/health',
      meaning: 'port closed while the weights load; /health 200 once the engine serves, 503 if it died',
      timeoutS: 1200,
    },
    models: { path: '/v1/models' },
    docker: {
      // docs.vllm.ai deployment/docker: "--ipc=host (or --shm-size) so PyTorch can share memory between processes".
      gpuRunArgs: ['--ipc=host'],
      cacheDir: '/root/.cache/huggingface',
      tokenEnv: ['HF_TOKEN'],
      env: {},
    },
  },
  tgi: {
    title: 'Text Generation Inference',
    readiness: {
      mode: personalities.tgi.readiness,
      // router/src/server.rs: /health 200 once every shard is up, 503 when a shard is down.
      healthPath: '/health',
      meaning: 'port closed until every shard has loaded and warmed up; /health 200 then, 503 when a shard is down',
      // The launcher downloads, converts to safetensors and warms up (max batch prefill) before listening.
      timeoutS: 1800,
    },
    models: { path: '/v1/models', native: '/info' },
    docker: {
      // TGI README: `docker run --gpus all --shm-size 1g -p 8080:80 -v $volume:/data` (NCCL uses shared memory).
      gpuRunArgs: [],
      shmSize: '1g',
      cacheDir: '/data',
      // launcher/src/main.rs reads HF_TOKEN, falling back to the older HUGGING_FACE_HUB_TOKEN.
      tokenEnv: ['HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN'],
      env: {},
    },
  },
  sglang: {
    title: 'SGLang',
    readiness: {
      mode: personalities.sglang.readiness,
      // http_server.py: /health 503 while the warm-up request runs, 200 after.
      healthPath: '/health',
      meaning: 'port closed while loading; /health 503 during the warm-up request, 200 after',
      timeoutS: 1200,
    },
    models: { path: '/v1/models', native: '/get_model_info' },
    docker: {
      // docs.sglang.ai start/install (docker run … --shm-size 32g … --ipc=host): host IPC makes the size moot.
      gpuRunArgs: ['--ipc=host'],
      cacheDir: '/root/.cache/huggingface',
      tokenEnv: ['HF_TOKEN'],
      env: {},
    },
  },
  llamacpp: {
    title: 'llama.cpp server',
    readiness: {
      mode: personalities.llamacpp.readiness,
      // server-http.cpp middleware: 503 {"error":{"message":"Loading model",…}} on every path, /health 200 {"status":"ok"} after.
      healthPath: '/health',
      meaning: 'port open at once; every path answers 503 "Loading model" until loaded, then /health 200 {"status":"ok"}',
      timeoutS: 600,
    },
    models: { path: '/v1/models', native: '/props' },
    docker: {
      // The CUDA images (ghcr.io/ggml-org/llama.cpp:server-cuda) need only --gpus; weights are a mounted .gguf.
      gpuRunArgs: [],
      cacheDir: '/models',
      // -hf downloads read HF_TOKEN (common/arg.cpp).
      tokenEnv: ['HF_TOKEN'],
      // common/arg.cpp: LLAMA_ARG_ENDPOINT_METRICS turns on /metrics (501 without it), like --metrics.
      env: { LLAMA_ARG_ENDPOINT_METRICS: '1' },
    },
  },
  ollama: {
    title: 'Ollama',
    readiness: {
      mode: personalities.ollama.readiness,
      // server/routes.go: "/" and /api/version answer at once; the scheduler loads a model on its first request.
      meaning: 'healthy at once; the model loads on the first inference, so only a real inference proves readiness',
      timeoutS: 600,
      // That first inference waits for the load: a probe must outlast it.
      probeTimeoutS: 300,
      // envconfig/config.go: OLLAMA_LOAD_TIMEOUT, default 5 minutes; a load that stalls longer is given up.
      loadLimitS: 300,
    },
    models: { path: '/v1/models', native: '/api/tags' },
    docker: {
      // hub.docker.com/r/ollama/ollama: `docker run --gpus=all -v ollama:/root/.ollama -p 11434:11434`.
      gpuRunArgs: [],
      cacheDir: '/root/.ollama',
      tokenEnv: [],
      env: {},
    },
  },
  nim: {
    title: 'NVIDIA NIM',
    readiness: {
      mode: personalities.nim.readiness,
      // api-reference/health-ready: 503 until the model is loaded, 200 after; /v1/health/live is up at once.
      healthPath: '/v1/health/ready',
      meaning: 'a proxy answers at once; /v1/health/ready 503 until the backend has loaded the model, 200 after',
      // NIM downloads an optimized profile from NGC, and may build a TensorRT-LLM engine, before loading.
      timeoutS: 1800,
    },
    models: { path: '/v1/models' },
    docker: {
      // NIM get-started: `docker run --gpus all --shm-size=16GB -e NGC_API_KEY -v "$LOCAL_NIM_CACHE:/opt/nim/.cache"`.
      gpuRunArgs: [],
      shmSize: '16GB',
      cacheDir: '/opt/nim/.cache',
      // NGC_API_KEY for NGC downloads; HF_TOKEN for model-free NIMs that pull from Hugging Face (configuration docs).
      tokenEnv: ['NGC_API_KEY', 'HF_TOKEN'],
      env: {},
    },
  },
  openai: {
    title: 'generic OpenAI-compatible server',
    readiness: {
      mode: personalities.openai.readiness,
      meaning: 'nothing but the API itself says whether the model is loaded: only a real inference proves readiness',
      timeoutS: 1200,
    },
    models: { path: '/v1/models' },
    docker: { gpuRunArgs: [], cacheDir: null, tokenEnv: [], env: {} },
  },
};

function preset(engine: EngineName): EnginePreset {
  const p = personalities[engine];
  return {
    engine,
    ...OWN[engine],
    defaultPort: p.defaultPort,
    exactLength: { honoured: p.exactLength.ignoreEos || p.exactLength.minTokens, ...p.exactLength },
    streamOptions: true,
    usage: { placement: p.stream.usage, sentUnasked: p.stream.usageUnasked },
    metrics: metricNames(engine),
  };
}

export const ENGINE_PRESETS: Readonly<Record<EngineName, EnginePreset>> = Object.fromEntries(ENGINE_NAMES.map((e) => [e, preset(e)])) as Record<
  EngineName,
  EnginePreset
>;

export function enginePreset(engine: EngineName): EnginePreset {
  return ENGINE_PRESETS[engine];
}

/**
 * Request fields that ask for exactly `outputTokens` tokens, as far as the engine allows: vLLM, SGLang
 * and NIM honour ignore_eos and min_tokens, llama.cpp only ignore_eos (min_tokens is silently ignored
 * there, so it is not sent); TGI and Ollama have no such field on their OpenAI API, so max_tokens is
 * only a cap and the report records the real lengths.
 */
export function exactLengthFields(p: EnginePreset, outputTokens: number): Record<string, unknown> {
  return {
    max_tokens: outputTokens,
    ...(p.exactLength.ignoreEos ? { ignore_eos: true } : {}),
    ...(p.exactLength.minTokens ? { min_tokens: outputTokens } : {}),
  };
}

/** `stream_options` asking for usage in the stream, where the engine accepts the option. */
export function streamOptions(p: EnginePreset): Record<string, unknown> {
  return p.streamOptions ? { stream_options: { include_usage: true } } : {};
}

/** What the bench adds to each synthetic request for `engine`: exact-length fields and stream_options. */
export function benchRequestFields(engine: EngineName, outputTokens: number): Record<string, unknown> {
  const p = enginePreset(engine);
  return { ...exactLengthFields(p, outputTokens), ...streamOptions(p) };
}
