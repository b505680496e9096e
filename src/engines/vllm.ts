import { defineEngine, STRONG, WEAK } from './engine.ts';
import { answer, FASTAPI_NOT_FOUND, TEXT_TYPE, type EnginePersonality, type MetricsSpec, type StreamFraming } from './personality.ts';

const vllmStream: StreamFraming = {
  // vllm/entrypoints/openai/chat_completion/serving.py: the first iteration sends DeltaMessage(role, content="");
  // the last token's chunk carries finish_reason; include_usage adds a chunk with choices=[] and usage.
  headers: {},
  role: 'own-chunk',
  finish: 'last-token',
  usage: 'own-chunk',
  usageUnasked: false,
  textUsageAlways: false,
  eosChunk: false,
  chunkFields: '',
  choiceFields: '"logprobs":null,',
  finalFields: '',
  idPrefix: 'chatcmpl-',
};

/** vLLM's Prometheus names: NIM's vLLM backend starts from them. */
export const vllmMetrics: MetricsSpec = {
  // vllm/v1/metrics/loggers.py (PrometheusStatLogger): prometheus_client gauges and counters labelled
  // model_name and engine (the engine index); kv_cache_usage_perc is 0..1. The V1 engine itself exported
  // gpu_cache_usage_perc until #18354 deprecated it for kv_cache_usage_perc; #29330 removed it (late 2025).
  path: '/metrics',
  contentType: 'text/plain; version=0.0.4; charset=utf-8',
  generationAtFinish: false,
  modelLabel: 'model_name',
  labels: { engine: '0' },
  values: 'python',
  help: true,
  totalInTypeLine: false,
  running: 'vllm:num_requests_running',
  waiting: 'vllm:num_requests_waiting',
  kvCache: 'vllm:kv_cache_usage_perc',
  promptTokens: 'vllm:prompt_tokens_total',
  generationTokens: 'vllm:generation_tokens_total',
  success: { name: 'vllm:request_success_total', byReason: true },
  startTimeHeader: null,
  unmodelled: [],
};

const vllmErrors: EnginePersonality['errors'] = {
  // vllm/entrypoints/openai/engine/protocol.py: ErrorResponse{error: ErrorInfo{message, type, param, code}}.
  shape: 'openai',
  badRequest: { status: 400, type: 'BadRequestError' },
  invalidJson: { status: 400, type: 'BadRequestError' },
  // serving.py: "This model's maximum context length is N tokens. However, you requested M tokens ..."
  contextExceeded: { status: 400, type: 'BadRequestError' },
  serverError: { status: 500, type: 'InternalServerError' },
  // serving.py _check_model: an unknown model is a 404 NotFoundError.
  modelNotFound: { status: 404, type: 'NotFoundError', message: 'The model `{model}` does not exist.' },
};

const personality: EnginePersonality = {
  defaultPort: 8000,
  // api_server.py create_server_socket() only binds; uvicorn listens after the engine is built: connections
  // are refused while the weights load.
  readiness: 'port-closed',
  warmupMs: 0,
  // api_server.py: GET /health answers 200 with an empty body (503 once the engine has died).
  probes: [{ path: '/health', ready: answer(200, '', TEXT_TYPE) }],
  loadingAnswer: null,
  notFound: FASTAPI_NOT_FOUND,
  // uvicorn's default Server header.
  headers: { server: 'uvicorn' },
  // engine/protocol.py ModelCard: owned_by "vllm", root, parent, max_model_len, permission.
  models: { ownedBy: 'vllm', extra: { root: '{model}', parent: null, max_model_len: '{maxModelLen}', permission: [] }, listFields: {} },
  // FastAPI's JSONResponse.
  jsonContentType: 'application/json',
  usageFields: {},
  // SchedulerConfig max_num_seqs.
  maxRunning: 256,
  contextOverflow: 'reject',
  errors: vllmErrors,
  stream: vllmStream,
  completionFields: '',
  // SamplingParams: ignore_eos and min_tokens are honoured.
  exactLength: { ignoreEos: true, minTokens: true },
  maxTokensFields: ['max_completion_tokens', 'max_tokens'],
  metrics: vllmMetrics,
};

export const vllm = defineEngine({
  name: 'vllm',
  title: 'vLLM',
  docs: 'https://docs.vllm.ai/',
  personality,
  readiness: {
    // api_server.py: /health answers 200 once the engine is up (503 after it died); the port is closed before.
    healthPath: '/health',
    meaning: 'port closed while the weights load; /health 200 once the engine serves, 503 if it died',
    timeoutS: 1200,
  },
  models: { path: '/v1/models' },
  // vllm/entrypoints/openai/api_server.py: GET /version {"version": …}
  versionPath: '/version',
  docker: {
    // docs.vllm.ai deployment/docker: "--ipc=host (or --shm-size) so PyTorch can share memory between processes".
    gpuRunArgs: ['--ipc=host'],
    cacheDir: '/root/.cache/huggingface',
    tokenEnv: ['HF_TOKEN'],
    env: {},
  },
  // vLLM's v1 engine renamed gpu_cache_usage_perc to kv_cache_usage_perc (vllm/v1/metrics/loggers.py).
  metricsAlsoSeen: { kvCacheUsage: ['vllm:gpu_cache_usage_perc'] },
  detection: {
    // engine/protocol.py ModelCard.
    ownedBy: [{ value: 'vllm', weight: STRONG }],
    // uvicorn serves vLLM and SGLang alike.
    headers: [{ header: 'server', match: { equals: 'uvicorn' }, weight: WEAK, why: 'Server: uvicorn header' }],
    paths: [],
  },
  // vllm/vllm-openai runs `vllm serve`.
  officialImage: { pattern: /^(docker\.io\/)?vllm\/vllm-openai(:|@|$)/, modelArgs: (m) => ['--model', m] },
  kubernetes: {
    // vLLM binds its socket early but listens only once the engine has loaded the weights (connections
    // are refused before); /health checks the engine is alive but runs no generation.
    livenessPath: '/health',
    earlyPaths: [],
    hasPython: true,
  },
});
