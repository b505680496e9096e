import { defineEngine, WEAK } from './engine.ts';
import { answer, TEXT_TYPE, type EnginePersonality } from './personality.ts';

const personality: EnginePersonality = {
  // launcher/src/main.rs defaults --port to 3000; the official image sets PORT=80.
  defaultPort: 80,
  // launcher/src/main.rs: "Waiting for shard to be ready..." then spawn_webserver(): the router listens only
  // after every shard has loaded.
  readiness: 'port-closed',
  warmupMs: 0,
  // router/src/server.rs: GET /health and GET / answer 200 empty (503 {"error":"unhealthy","error_type":"healthcheck"}
  // when a shard is down); GET /info describes the model.
  probes: [
    { path: '/health', ready: answer(200, '', TEXT_TYPE) },
    { path: '/info', ready: answer(200, '{"model_id":"{model}","model_dtype":"torch.float16","router":"text-generation-router"}') },
  ],
  loadingAnswer: null,
  // axum's default 404 has an empty body.
  notFound: answer(404, '', TEXT_TYPE),
  // router/src/server.rs inserts x-compute-type (env COMPUTE_TYPE, default "gpu+optimized") on generations.
  headers: { 'x-compute-type': 'gpu+optimized' },
  // server.rs openai_get_model_info: created 0, owned_by the model id.
  models: { ownedBy: '{model}', extra: { created: 0 }, listFields: {} },
  jsonContentType: 'application/json',
  usageFields: {},
  // launcher --max-concurrent-requests defaults to 128 (beyond it TGI answers 429; the simulator queues instead).
  maxRunning: 128,
  // validation.rs: `inputs` tokens + `max_new_tokens` must be <= the max total tokens.
  contextOverflow: 'reject',
  errors: {
    // router/src/lib.rs ErrorResponse{error, error_type}; validation errors are 422.
    shape: 'tgi',
    badRequest: { status: 422, type: 'validation' },
    invalidJson: { status: 422, type: 'validation' },
    contextExceeded: { status: 422, type: 'validation' },
    serverError: { status: 500, type: 'incomplete_generation' },
    // server.rs chat_completions: any model name is served ("tgi" or another id only changes the echo).
    modelNotFound: null,
  },
  stream: {
    // router/src/chat.rs create_event_from_stream_token: every delta is {role:"assistant", content}; a special
    // (EOS) token has no text, so a stop ends with an empty-content chunk that carries finish_reason; usage
    // (chat.rs ChatState::push, include_usage) is a chunk with id "" and choices []. axum's Sse sets no-cache.
    headers: { 'cache-control': 'no-cache' },
    role: 'every-chunk',
    finish: 'last-token',
    usage: 'own-chunk',
    usageUnasked: false,
    textUsageAlways: false,
    eosChunk: true,
    chunkFields: '"system_fingerprint":"3.3.6-native",',
    choiceFields: '"logprobs":null,',
    finalFields: '',
    usageChunkId: '',
    idPrefix: '',
  },
  completionFields: '"system_fingerprint":"3.3.6-native",',
  // router/src/validation.rs sets ignore_eos_token: false for every request: no exact length on the chat API.
  exactLength: { ignoreEos: false, minTokens: false },
  maxTokensFields: ['max_tokens', 'max_completion_tokens'],
  metrics: {
    // backends/v3/src/queue.rs tgi_queue_size, backend.rs tgi_batch_current_size; counters from server.rs.
    // metrics-exporter-prometheus writes counters without a _total suffix and no HELP for undescribed metrics.
    path: '/metrics',
    contentType: 'text/plain; charset=utf-8',
    generationAtFinish: false,
    modelLabel: null,
    labels: {},
    values: 'plain',
    help: false,
    totalInTypeLine: false,
    running: 'tgi_batch_current_size',
    waiting: 'tgi_queue_size',
    kvCache: null,
    promptTokens: null,
    generationTokens: null,
    success: { name: 'tgi_request_success', byReason: false },
    startTimeHeader: null,
    unmodelled: [],
  },
};

export const tgi = defineEngine({
  name: 'tgi',
  title: 'Text Generation Inference',
  docs: 'https://huggingface.co/docs/text-generation-inference',
  personality,
  readiness: {
    // router/src/server.rs: /health 200 once every shard is up, 503 when a shard is down.
    healthPath: '/health',
    meaning: 'port closed until every shard has loaded and warmed up; /health 200 then, 503 when a shard is down',
    // The launcher downloads, converts to safetensors and warms up (max batch prefill) before listening.
    timeoutS: 1800,
  },
  models: { path: '/v1/models', native: '/info' },
  // router/src/server.rs: Info {version, model_sha, …}
  versionPath: '/info',
  docker: {
    // TGI README: `docker run --gpus all --shm-size 1g -p 8080:80 -v $volume:/data` (NCCL uses shared memory).
    gpuRunArgs: [],
    shmSize: '1g',
    cacheDir: '/data',
    // launcher/src/main.rs reads HF_TOKEN, falling back to the older HUGGING_FACE_HUB_TOKEN.
    tokenEnv: ['HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN'],
    env: {},
  },
  detection: {
    ownedBy: [],
    // router/src/server.rs openai_get_model_info answers owned_by = the model id.
    ownedByModelId: WEAK,
    headers: [{ header: 'x-compute-type', match: 'present', weight: 2, why: 'x-compute-type header (TGI router)' }],
    // router/src/server.rs get_model_info.
    paths: [{ path: '/info', statuses: [200], field: 'router', match: { equals: 'text-generation-router' }, why: 'GET /info: router "text-generation-router"' }],
  },
  // The image runs text-generation-launcher.
  officialImage: { pattern: /^ghcr\.io\/huggingface\/text-generation-inference(:|@|$)/, modelArgs: (m) => ['--model-id', m] },
  kubernetes: {
    // TGI's router /health runs a one-token prefill when no request succeeded recently.
    readyPath: '/health',
    earlyPaths: [],
    hasPython: true,
  },
});
