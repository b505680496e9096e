import { defineEngine, WEAK } from './engine.ts';
import { answer, type EnginePersonality } from './personality.ts';
import { vllm, vllmMetrics } from './vllm.ts';

const nimNotReady = answer(
  502,
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n',
  'text/html',
);
// NIM for LLMs runs vLLM behind its proxy: what the proxy does not answer itself is vLLM's.
const personality: EnginePersonality = {
  ...vllm.personality,
  defaultPort: 8000,
  // reference/architecture: a proxy on the external port gives immediate liveness and model-aware readiness and
  // proxy_passes inference and /v1/models, /v1/metrics to the vLLM backend, which is not listening yet.
  readiness: 'open-503',
  probes: [
    // api-reference/health-live: 200 while the container runs, served by the proxy without the model.
    { path: '/v1/health/live', ready: answer(200, '{"message":"Service is live.","status":"live"}') },
    // api-reference/health-ready: 200 {message, status} once the model is loaded, 503 before.
    {
      path: '/v1/health/ready',
      ready: answer(200, '{"message":"Service is ready.","status":"ready"}'),
      loading: answer(503, '{"message":"Service is not ready.","status":"not ready"}'),
    },
  ],
  loadingAnswer: { ...nimNotReady, allPaths: false },
  headers: { server: 'nginx' },
  // reference/api-reference (2.x): /v1/models is "provided by the vLLM inference backend", so vLLM's ModelCard
  // (owned_by "vllm") comes through; NIM 1.x answered owned_by "system" itself.
  models: { ownedBy: 'vllm', extra: { root: '{model}', parent: null, max_model_len: '{maxModelLen}', permission: [] }, listFields: {} },
  // observability (NIM for LLMs): /v1/metrics with gpu_cache_usage_perc (1 = 100%), num_requests_running,
  // num_requests_waiting, prompt_tokens_total and generation_tokens_total, without vLLM's `vllm:` prefix. No
  // finished-request counter is documented there, so none is served.
  metrics: {
    ...vllmMetrics,
    path: '/v1/metrics',
    running: 'num_requests_running',
    waiting: 'num_requests_waiting',
    kvCache: 'gpu_cache_usage_perc',
    promptTokens: 'prompt_tokens_total',
    generationTokens: 'generation_tokens_total',
    success: null,
  },
};

export const nim = defineEngine({
  name: 'nim',
  title: 'NVIDIA NIM',
  docs: 'https://docs.nvidia.com/nim/large-language-models/latest/',
  personality,
  readiness: {
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
  // NIM documents unprefixed names; images that pass the vLLM backend's /metrics through show vLLM's.
  metricsAlsoSeen: {
    running: ['vllm:num_requests_running'],
    waiting: ['vllm:num_requests_waiting'],
    kvCacheUsage: ['vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc'],
  },
  detection: {
    // NIM 1.x answered owned_by "system" itself, which OpenAI also uses.
    ownedBy: [{ value: 'system', weight: WEAK }],
    // nginx is NIM's front proxy (and many others').
    headers: [{ header: 'server', match: { prefix: 'nginx' }, weight: WEAK, why: 'Server: {value} header' }],
    // api-reference/health-ready: {"message","status"} with 200 or 503.
    paths: [{ path: '/v1/health/ready', statuses: [200, 503], field: 'status', match: 'string', why: 'GET /v1/health/ready: {status} with a status' }],
    // NIM serves LLMs with vLLM: its /v1/models and metrics are vLLM's.
    wraps: 'vllm',
  },
  // NIM serves the model its image was built for: no model argument.
  officialImage: { pattern: /^nvcr\.io\/nim\//, modelArgs: null },
  kubernetes: {
    // NIM separates liveness (up at once) from readiness (model loaded).
    livenessPath: '/v1/health/live',
    readyPath: '/v1/health/ready',
    earlyPaths: ['/v1/health/live'],
    hasPython: true,
  },
});
