import { defineEngine, STRONG } from './engine.ts';
import { answer, type EnginePersonality } from './personality.ts';

/**
 * llama.cpp facts were also observed on a real llama-server built from upstream master 3f545bec (2026-08-22);
 * source lines below are at that commit.
 */
const llamacppJson = 'application/json; charset=utf-8';
const llamacppLoading = '{"error":{"message":"Loading model","type":"unavailable_error","code":503}}';
const personality: EnginePersonality = {
  // common/common.h: port 8080, host 127.0.0.1.
  defaultPort: 8080,
  // server.cpp starts HTTP before load_model (port closed only ~5 ms); server-http.cpp middleware_server_state
  // answers every path 503 "Loading model" until is_ready. Observed: 503 x4, then 200 after ~150 ms.
  readiness: 'open-503',
  warmupMs: 0,
  // server-context.cpp get_health: 200 {"status":"ok"} on /health and /v1/health, also while slots are busy.
  probes: [
    { path: '/health', ready: answer(200, '{"status":"ok"}', llamacppJson), loading: answer(503, llamacppLoading, llamacppJson) },
    { path: '/v1/health', ready: answer(200, '{"status":"ok"}', llamacppJson), loading: answer(503, llamacppLoading, llamacppJson) },
    // server-context.cpp get_res_props (a subset of the real answer's fields); engine detection reads it.
    {
      path: '/props',
      ready: answer(
        200,
        '{"default_generation_settings":{"params":{"seed":4294967295,"temperature":0.800000011920929,"top_k":40,"top_p":0.949999988079071,"min_p":0.05000000074505806,"n_predict":-1,"ignore_eos":false}},"total_slots":4,"model_alias":"{model}","model_path":"{model}","modalities":{"vision":false,"video":false,"audio":false},"endpoint_slots":true,"endpoint_metrics":true,"bos_token":"<s>","eos_token":"</s>","build_info":"b0-unknown","is_sleeping":false}',
        llamacppJson,
      ),
      loading: answer(503, llamacppLoading, llamacppJson),
    },
  ],
  loadingAnswer: { ...answer(503, llamacppLoading, llamacppJson), allPaths: true },
  // server-http.cpp set_error_handler.
  notFound: answer(404, '{"error":{"message":"File Not Found","type":"not_found_error","code":404}}', llamacppJson),
  // server-http.cpp:126 set_default_headers({{"Server", "llama.cpp"}}); the pre-routing handler echoes the request's
  // Origin (empty without one) into Access-Control-Allow-Origin on every answer.
  headers: { server: 'llama.cpp', 'access-control-allow-origin': '' },
  // server-context.cpp get_res_models: owned_by "llamacpp", id = --alias or the -m path, an Ollama-style
  // "models" list beside "data", and per-model meta.
  models: {
    ownedBy: 'llamacpp',
    extra: {
      aliases: ['{model}'],
      tags: [],
      meta: { vocab_type: true, n_vocab: 32000, n_ctx: '{maxModelLen}', n_ctx_train: '{maxModelLen}', n_embd: 128, n_params: 8848512, size: 17699328, ftype: 'F16' },
    },
    listFields: {
      models: [
        {
          name: '{model}',
          model: '{model}',
          modified_at: '',
          size: '',
          digest: '',
          type: 'model',
          description: '',
          tags: [''],
          capabilities: ['completion'],
          parameters: '',
          details: { parent_model: '', format: 'gguf', family: '', families: [''], parameter_size: '', quantization_level: '' },
        },
      ],
    },
  },
  jsonContentType: llamacppJson,
  // usage_json_oaicompat: the prompt-cache hit count rides along.
  usageFields: { prompt_tokens_details: { cached_tokens: 0 } },
  // -np auto gives 4 slots; further requests wait (requests_deferred), never 429/503.
  maxRunning: 4,
  // A max_tokens beyond the slot context is silently capped (finish_reason "length"); a prompt beyond it is 400.
  contextOverflow: 'cap',
  errors: {
    // server-common.cpp format_error_response: {"error":{"code","message","type"}}.
    shape: 'llamacpp',
    badRequest: { status: 400, type: 'invalid_request_error' },
    // server.cpp ex_wrapper: a JSON parse exception is not std::invalid_argument, so it is a 500.
    invalidJson: { status: 500, type: 'server_error' },
    contextExceeded: { status: 400, type: 'exceed_context_size_error' },
    serverError: { status: 500, type: 'server_error' },
    // Single-model mode serves whatever model the request names and answers with its own id.
    modelNotFound: null,
  },
  stream: {
    // server-http.cpp:549 on streams.
    headers: { 'x-accel-buffering': 'no' },
    closesConnection: true,
    errorEvent: 'error-field',
    // server-task.cpp:1111: a delta {role:"assistant", content:null} in the same write as the first token;
    // to_json_oaicompat_chat_stream (L462): finish_reason in a chunk with delta {} and timings; with include_usage
    // a further chunk with choices [] and usage takes the timings; without it no usage at all. A /v1/completions
    // stream (to_json_oaicompat, L374) has no role chunk and always carries usage and timings in its final chunk.
    role: 'own-chunk-null',
    finish: 'own-chunk',
    usage: 'own-chunk',
    usageUnasked: false,
    textUsageAlways: true,
    eosChunk: false,
    chunkFields: '"system_fingerprint":"b0-unknown",',
    choiceFields: '',
    finalFields: ',"timings":{"cache_n":0,"prompt_n":0,"prompt_ms":0,"prompt_per_token_ms":0,"prompt_per_second":0,"predicted_n":0,"predicted_ms":0,"predicted_per_token_ms":0,"predicted_per_second":0}',
    idPrefix: 'chatcmpl-',
  },
  completionFields: '"system_fingerprint":"b0-unknown","timings":{"cache_n":0,"prompt_n":0,"prompt_ms":0,"prompt_per_token_ms":0,"prompt_per_second":0,"predicted_n":0,"predicted_ms":0,"predicted_per_token_ms":0,"predicted_per_second":0},',
  // server-schema.cpp: max_tokens, max_completion_tokens and n_predict are one field (n_predict wins); ignore_eos
  // is an EOG logit bias (observed: exactly N tokens for N = 1..400); min_tokens is silently ignored.
  exactLength: { ignoreEos: true, minTokens: false },
  maxTokensFields: ['n_predict', 'max_completion_tokens', 'max_tokens'],
  metrics: {
    // server-context.cpp get_metrics (needs --metrics, else 501): unlabelled llamacpp:* samples, HELP and TYPE
    // lines that keep the full name. No KV-cache gauge at this commit: kv_cache_usage_ratio and kv_cache_tokens
    // went with the unified KV cache (older builds have them). tokens_predicted_total moves when a request ends.
    path: '/metrics',
    contentType: 'text/plain; version=0.0.4',
    generationAtFinish: true,
    modelLabel: null,
    labels: {},
    values: 'plain',
    help: true,
    totalInTypeLine: true,
    running: 'llamacpp:requests_processing',
    waiting: 'llamacpp:requests_deferred',
    kvCache: null,
    promptTokens: 'llamacpp:prompt_tokens_total',
    generationTokens: 'llamacpp:tokens_predicted_total',
    success: null,
    // get_metrics sets Process-Start-Time-Unix (observed not to be a wall-clock epoch).
    startTimeHeader: 'process-start-time-unix',
    // Observed on the real server (build 3f545bec) beside the modelled ones.
    unmodelled: [
      { name: 'llamacpp:prompt_tokens_cached_total', type: 'counter' },
      { name: 'llamacpp:prompt_seconds_total', type: 'counter' },
      { name: 'llamacpp:tokens_predicted_seconds_total', type: 'counter' },
      { name: 'llamacpp:n_decode_total', type: 'counter' },
      { name: 'llamacpp:n_tokens_max', type: 'counter' },
      { name: 'llamacpp:spec_decode_num_draft_tokens_total', type: 'counter' },
      { name: 'llamacpp:spec_decode_num_accepted_tokens_total', type: 'counter' },
      { name: 'llamacpp:spec_decode_num_drafts_total', type: 'counter' },
      { name: 'llamacpp:prompt_tokens_seconds', type: 'gauge' },
      { name: 'llamacpp:predicted_tokens_seconds', type: 'gauge' },
      { name: 'llamacpp:n_busy_slots_per_decode', type: 'gauge' },
    ],
  },
};

export const llamacpp = defineEngine({
  name: 'llamacpp',
  title: 'llama.cpp server',
  docs: 'https://github.com/ggml-org/llama.cpp/tree/master/tools/server',
  personality,
  readiness: {
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
  // Builds from before the unified KV cache (tools/server/README.md of that time).
  metricsAlsoSeen: { kvCacheUsage: ['llamacpp:kv_cache_usage_ratio'] },
  detection: {
    ownedBy: [{ value: 'llamacpp', weight: STRONG }],
    headers: [{ header: 'server', match: { equals: 'llama.cpp' }, weight: STRONG, why: 'Server: llama.cpp header' }],
    // tools/server/server-context.cpp get_res_props.
    paths: [{ path: '/props', statuses: [200], field: 'default_generation_settings', match: 'present', why: 'GET /props: default_generation_settings' }],
  },
  // The `:server` images run llama-server; the model is a .gguf path inside the container.
  officialImage: { pattern: /^ghcr\.io\/ggml-org\/llama\.cpp:server/, modelArgs: (m) => ['-m', m] },
  kubernetes: {
    // llama.cpp server listens at once and answers 503 on /health until the model is loaded; /health
    // never generates, so readiness posts a one-token completion (the server image ships curl).
    earlyPaths: [],
    hasPython: false,
  },
});
