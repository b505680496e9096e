import { defineEngine, STRONG, WEAK } from './engine.ts';
import { answer, FASTAPI_NOT_FOUND, TEXT_TYPE, type EnginePersonality } from './personality.ts';

const personality: EnginePersonality = {
  defaultPort: 30000,
  // http_server.py launch_server: _launch_subprocesses() loads the model before uvicorn starts listening; then
  // /health answers 503 while server_status is Starting (the warm-up request), 200 after.
  readiness: 'port-closed',
  warmupMs: 1000,
  probes: [
    { path: '/health', ready: answer(200, '', TEXT_TYPE), warmup: answer(503, '', TEXT_TYPE) },
    { path: '/health_generate', ready: answer(200, '', TEXT_TYPE), warmup: answer(503, '', TEXT_TYPE) },
    { path: '/get_model_info', ready: answer(200, '{"model_path":"{model}","tokenizer_path":"{model}","is_generation":true}') },
  ],
  loadingAnswer: null,
  notFound: FASTAPI_NOT_FOUND,
  headers: { server: 'uvicorn' },
  // entrypoints/openai/protocol.py ModelCard: owned_by "sglang".
  models: { ownedBy: 'sglang', extra: { root: '{model}', parent: null, max_model_len: '{maxModelLen}' }, listFields: {} },
  // ORJSONResponse.
  jsonContentType: 'application/json',
  usageFields: {},
  maxRunning: 256,
  contextOverflow: 'reject',
  errors: {
    // entrypoints/openai/protocol.py ErrorResponse{object:"error", message, type, param, code}; http_server.py
    // maps validation errors to 400 with type HTTPStatus.BAD_REQUEST.phrase.
    shape: 'object-error',
    badRequest: { status: 400, type: 'Bad Request' },
    invalidJson: { status: 400, type: 'Bad Request' },
    contextExceeded: { status: 400, type: 'Bad Request' },
    serverError: { status: 500, type: 'Internal Server Error' },
    modelNotFound: null,
  },
  stream: {
    // serving_chat.py: first chunk DeltaMessage(role="assistant", content=""); finish_reason in its own chunk
    // with an empty delta and matched_stop; include_usage adds a chunk with choices [].
    headers: {},
    role: 'own-chunk',
    finish: 'own-chunk',
    usage: 'own-chunk',
    usageUnasked: false,
    textUsageAlways: false,
    eosChunk: false,
    chunkFields: '',
    choiceFields: '"logprobs":null,"matched_stop":null,',
    finalFields: '',
    idPrefix: '',
  },
  completionFields: '',
  exactLength: { ignoreEos: true, minTokens: true },
  maxTokensFields: ['max_completion_tokens', 'max_tokens'],
  metrics: {
    // srt/metrics/collector.py (with --enable-metrics): token_usage is the 0..1 KV-pool share.
    path: '/metrics',
    contentType: 'text/plain; version=0.0.4; charset=utf-8',
    generationAtFinish: false,
    modelLabel: 'model_name',
    labels: {},
    values: 'python',
    help: true,
    totalInTypeLine: false,
    running: 'sglang:num_running_reqs',
    waiting: 'sglang:num_queue_reqs',
    kvCache: 'sglang:token_usage',
    promptTokens: 'sglang:prompt_tokens_total',
    generationTokens: 'sglang:generation_tokens_total',
    success: null,
    startTimeHeader: null,
    unmodelled: [],
  },
};

export const sglang = defineEngine({
  name: 'sglang',
  title: 'SGLang',
  docs: 'https://docs.sglang.ai/',
  personality,
  readiness: {
    // http_server.py: /health 503 while the warm-up request runs, 200 after.
    healthPath: '/health',
    meaning: 'port closed while loading; /health 503 during the warm-up request, 200 after',
    timeoutS: 1200,
  },
  models: { path: '/v1/models', native: '/get_model_info' },
  // http_server.py: server args plus "version"
  versionPath: '/get_server_info',
  docker: {
    // docs.sglang.ai start/install (docker run … --shm-size 32g … --ipc=host): host IPC makes the size moot.
    gpuRunArgs: ['--ipc=host'],
    cacheDir: '/root/.cache/huggingface',
    tokenEnv: ['HF_TOKEN'],
    env: {},
  },
  detection: {
    // entrypoints/openai/protocol.py ModelCard.
    ownedBy: [{ value: 'sglang', weight: STRONG }],
    // uvicorn serves vLLM and SGLang alike.
    headers: [{ header: 'server', match: { equals: 'uvicorn' }, weight: WEAK, why: 'Server: uvicorn header' }],
    // entrypoints/http_server.py.
    paths: [{ path: '/get_model_info', statuses: [200], field: 'model_path', match: 'present', why: 'GET /get_model_info: model_path' }],
  },
  // The image has no server entrypoint: the arguments are the whole command.
  officialImage: {
    pattern: /^(docker\.io\/)?lmsysorg\/sglang(:|@|$)/,
    modelArgs: (m, port) => ['python3', '-m', 'sglang.launch_server', '--model-path', m, '--host', '0.0.0.0', '--port', String(port)],
  },
  kubernetes: {
    // SGLang's /health_generate runs a generation; /health differs across versions, so liveness uses TCP.
    readyPath: '/health_generate',
    earlyPaths: [],
    hasPython: true,
  },
});
