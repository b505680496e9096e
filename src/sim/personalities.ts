/**
 * What each inference engine does that a client can observe: when its port opens, what its health paths
 * answer, how it frames a stream and where token usage arrives, its error bodies, its Prometheus names and
 * the fields that ask for an exact output length. Pure data: the simulator plays it (`--engine NAME`), and
 * the gate's engine presets can read the same facts.
 *
 * Each fact names its source. Engine sources read (stored snapshots, late 2026):
 *   vLLM    vllm/entrypoints/openai/api_server.py, engine/protocol.py, chat_completion/serving.py, v1/metrics/loggers.py
 *   TGI     router/src/server.rs, router/src/chat.rs, router/src/lib.rs, backends/v3/src/{queue,backend}.rs, launcher/src/main.rs
 *   SGLang  python/sglang/srt/entrypoints/http_server.py, entrypoints/openai/serving_chat.py, metrics/collector.py
 *   llama.cpp tools/server/server-http.cpp, server-task.cpp, server-context.cpp, README.md
 *   Ollama  server/routes.go, middleware/openai.go, openai/openai.go, envconfig/config.go
 *   NIM     docs.nvidia.com/nim/large-language-models: reference/architecture, api-reference/health-ready|health-live|get-metrics
 *
 * The facts are about /v1/chat/completions. Legacy /v1/completions streams reuse each engine's finish and usage
 * placement without a role chunk; only llama.cpp's (usage always in the final chunk) was checked separately.
 */

export const ENGINE_NAMES = ['vllm', 'tgi', 'sglang', 'llamacpp', 'ollama', 'nim', 'openai'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/**
 * 'port-closed': nothing accepts connections until the model is loaded.
 * 'open-503': the port opens at once and model-dependent paths answer an error until loaded.
 * 'lazy': the port opens healthy at once and the model loads on the first inference request, which waits:
 *   only a real inference proves readiness.
 */
export type ReadinessMode = 'port-closed' | 'open-503' | 'lazy';

export interface HttpAnswer {
  status: number;
  body: string;
  contentType: string;
}

export interface Probe {
  path: string;
  ready: HttpAnswer;
  /** While loading with the port open. Absent: the probe answers `ready` (liveness says nothing of the model). */
  loading?: HttpAnswer;
  /** After loading, during the engine's warm-up (`warmupMs`). */
  warmup?: HttpAnswer;
}

/** How an error body is shaped; the message and type are filled in per error. */
export type ErrorShape =
  /** {"error":{"message","type","param":null,"code":<status>}} */
  | 'openai'
  /** {"error":{"message","type","param":null,"code":null}} */
  | 'openai-null-code'
  /** {"error":{"code":<status>,"message","type"}} */
  | 'llamacpp'
  /** {"error":"…","error_type":"…"} */
  | 'tgi'
  /** {"object":"error","message","type","param":null,"code":<status>} */
  | 'object-error';

export interface ErrorKind {
  status: number;
  type: string;
}

export interface StreamFraming {
  /** Response headers added to streams only. */
  headers: Record<string, string>;
  /**
   * 'own-chunk': a first chunk with the role and empty content before the first token;
   * 'own-chunk-null': the same with `"content":null`;
   * 'first-token': the role rides on the first token's delta; 'every-chunk': on every delta.
   */
  role: 'own-chunk' | 'own-chunk-null' | 'first-token' | 'every-chunk';
  /** 'last-token': the last token's chunk carries finish_reason; 'own-chunk': a later chunk with an empty delta does. */
  finish: 'last-token' | 'own-chunk';
  /** With stream_options.include_usage: 'own-chunk' (a last chunk with `choices: []`) or inside the finish chunk. */
  usage: 'own-chunk' | 'finish-chunk';
  /** Chat streams send usage even when the request did not ask for it (none of the engines here does). */
  usageUnasked: boolean;
  /**
   * /v1/completions streams: usage rides in the final chunk whether asked for or not (llama.cpp reuses its
   * non-stream completion JSON there); otherwise text streams place usage as chat streams do.
   */
   textUsageAlways: boolean;
  /** A stop ends with an extra EOS step: an empty-content chunk that carries finish_reason and counts as a token. */
  eosChunk: boolean;
  /**
   * The server closes the connection after a stream although it answered keep-alive: a client that reuses the
   * socket gets ECONNRESET. Observed on llama-server 3f545bec (every streamed request; curl: "Connection 0 seems
   * to be dead"), which made about half of a real bench's requests fail before the client sent again.
   */
  closesConnection?: boolean;
  /**
   * How a failure mid-stream is written: 'data' (default) a `data: {"error":…}` event and the stream ends;
   * 'error-field' an SSE `error: {…}` field of its own followed by `data: [DONE]`, with no finish_reason
   * (llama.cpp tools/server/server-context.cpp: the stream's error callback writes an "error" event).
   */
  errorEvent?: 'data' | 'error-field';
  /** JSON fields added to every chunk (after "model"), pre-serialized, e.g. `"system_fingerprint":"fp_ollama",`. */
  chunkFields: string;
  /** JSON fields added to each choice after finish_reason, e.g. `"matched_stop":null`. */
  choiceFields: string;
  /** Fields appended to the stream's final chunk, e.g. llama.cpp's timings. */
  finalFields: string;
  /** The usage chunk's id, where the engine leaves it empty. */
  usageChunkId?: string;
  idPrefix: string;
}

export interface MetricsSpec {
  path: string;
  contentType: string;
  /** The generation-token counter moves when a request finishes, not per token (llama.cpp). */
  generationAtFinish: boolean;
  /** Label name carrying the served model, or null for unlabelled samples. */
  modelLabel: string | null;
  /** Further constant labels on every sample. */
  labels: Record<string, string>;
  /** 'python': prometheus_client writes every value as a float ("3.0"); 'plain': "3". */
  values: 'python' | 'plain';
  /** HELP lines: prometheus_client writes them; Rust's metrics-exporter-prometheus only for described metrics. */
  help: boolean;
  /** The TYPE line of a counter names it with `_total` (llama.cpp) instead of without (prometheus_client). */
  totalInTypeLine: boolean;
  running: string;
  waiting: string;
  /** A 0..1 ratio of KV-cache use, or null where the engine exposes none. */
  kvCache: string | null;
  promptTokens: string | null;
  generationTokens: string | null;
  /** Finished requests; with `byReason` split by a finished_reason label. */
  success: { name: string; byReason: boolean } | null;
  /** A response header carrying the process start time (llama.cpp's Process-Start-Time-Unix), or null. */
  startTimeHeader: string | null;
  /** Further families the engine exports that the simulator does not model: written with value 0. */
  unmodelled: { name: string; type: 'gauge' | 'counter' }[];
}

export interface Personality {
  engine: EngineName | 'simulator';
  /** The port the engine (or its official image) listens on by default. */
  defaultPort: number;
  readiness: ReadinessMode;
  /** After loading, health probes answer `warmup` this long while inference already works. */
  warmupMs: number;
  probes: Probe[];
  /** open-503: what model-dependent paths answer while loading; `allPaths`: every path that is not a probe. */
  loadingAnswer: (HttpAnswer & { allPaths: boolean }) | null;
  notFound: HttpAnswer;
  headers: Record<string, string>;
  /** Content-Type of JSON answers (completions, errors, model lists). */
  jsonContentType: string;
  /** Fields added to every usage object, e.g. llama.cpp's prompt_tokens_details. */
  usageFields: Record<string, unknown>;
  /**
   * `{model}` anywhere in these is replaced by the served model id, the string "{maxModelLen}" by the context
   * length. `extra` holds every field of a /v1/models entry beyond id, object, created and owned_by.
   */
  models: { ownedBy: string; extra: Record<string, unknown>; listFields: Record<string, unknown> };
  /** Requests that run at once; later ones queue (vLLM's max_num_seqs, llama.cpp's slots). */
  maxRunning: number;
  /** prompt + max_tokens beyond the context: rejected with contextExceeded, or silently capped. */
  contextOverflow: 'reject' | 'cap';
  errors: {
    shape: ErrorShape;
    badRequest: ErrorKind;
    /** A body that is not JSON. */
    invalidJson: ErrorKind;
    /** A prompt (with its max_tokens, where rejected) longer than the context. */
    contextExceeded: ErrorKind;
    serverError: ErrorKind;
    /** null: a request naming another model is served anyway. `{model}` in the message is replaced. */
    modelNotFound: (ErrorKind & { message: string }) | null;
  };
  stream: StreamFraming;
  /** Non-streamed completions: fields added after "model". */
  completionFields: string;
  exactLength: {
    /** `ignore_eos: true` makes the engine produce exactly max_tokens tokens. */
    ignoreEos: boolean;
    /** `min_tokens: N` is honoured. */
    minTokens: boolean;
  };
  /** Fields read as the output-token limit, first present wins. */
  maxTokensFields: string[];
  metrics: MetricsSpec | null;
}

const json = 'application/json';
const text = 'text/plain; charset=utf-8';
const answer = (status: number, body: string, contentType = json): HttpAnswer => ({ status, body, contentType });
/** FastAPI's default 404 body (vLLM, SGLang). */
const fastapiNotFound = answer(404, '{"detail":"Not Found"}');

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

const vllmMetrics: MetricsSpec = {
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

const vllmErrors: Personality['errors'] = {
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

const vllm: Personality = {
  engine: 'vllm',
  defaultPort: 8000,
  // api_server.py create_server_socket() only binds; uvicorn listens after the engine is built: connections
  // are refused while the weights load.
  readiness: 'port-closed',
  warmupMs: 0,
  // api_server.py: GET /health answers 200 with an empty body (503 once the engine has died).
  probes: [{ path: '/health', ready: answer(200, '', text) }],
  loadingAnswer: null,
  notFound: fastapiNotFound,
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

const tgi: Personality = {
  engine: 'tgi',
  // launcher/src/main.rs defaults --port to 3000; the official image sets PORT=80.
  defaultPort: 80,
  // launcher/src/main.rs: "Waiting for shard to be ready..." then spawn_webserver(): the router listens only
  // after every shard has loaded.
  readiness: 'port-closed',
  warmupMs: 0,
  // router/src/server.rs: GET /health and GET / answer 200 empty (503 {"error":"unhealthy","error_type":"healthcheck"}
  // when a shard is down); GET /info describes the model.
  probes: [
    { path: '/health', ready: answer(200, '', text) },
    { path: '/info', ready: answer(200, '{"model_id":"{model}","model_dtype":"torch.float16","router":"text-generation-router"}') },
  ],
  loadingAnswer: null,
  // axum's default 404 has an empty body.
  notFound: answer(404, '', text),
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

const sglang: Personality = {
  engine: 'sglang',
  defaultPort: 30000,
  // http_server.py launch_server: _launch_subprocesses() loads the model before uvicorn starts listening; then
  // /health answers 503 while server_status is Starting (the warm-up request), 200 after.
  readiness: 'port-closed',
  warmupMs: 1000,
  probes: [
    { path: '/health', ready: answer(200, '', text), warmup: answer(503, '', text) },
    { path: '/health_generate', ready: answer(200, '', text), warmup: answer(503, '', text) },
    { path: '/get_model_info', ready: answer(200, '{"model_path":"{model}","tokenizer_path":"{model}","is_generation":true}') },
  ],
  loadingAnswer: null,
  notFound: fastapiNotFound,
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

/**
 * llama.cpp facts were also observed on a real llama-server built from upstream master 3f545bec (2026-08-22) and
 * recorded in /tmp/llamacpp-facts.md by the session that built it; source lines below are at that commit.
 */
const llamacppJson = 'application/json; charset=utf-8';
const llamacppLoading = '{"error":{"message":"Loading model","type":"unavailable_error","code":503}}';
const llamacpp: Personality = {
  engine: 'llamacpp',
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

const ollama: Personality = {
  engine: 'ollama',
  // envconfig/config.go: default host 127.0.0.1:11434.
  defaultPort: 11434,
  // The server answers at once; a model is loaded by the scheduler on its first request.
  readiness: 'lazy',
  warmupMs: 0,
  // server/routes.go: GET / and HEAD / answer "Ollama is running"; /api/version the version.
  probes: [
    { path: '/', ready: answer(200, 'Ollama is running', text) },
    { path: '/api/version', ready: answer(200, '{"version":"0.13.0"}') },
  ],
  loadingAnswer: null,
  // gin's default 404.
  notFound: answer(404, '404 page not found', text),
  headers: {},
  // openai/openai.go: owned_by is the model name's namespace, "library" for an unqualified name.
  models: { ownedBy: 'library', extra: {}, listFields: {} },
  // gin's c.JSON.
  jsonContentType: 'application/json; charset=utf-8',
  usageFields: {},
  // envconfig/config.go: OLLAMA_NUM_PARALLEL defaults to 1; the rest wait in the queue (OLLAMA_MAX_QUEUE 512).
  maxRunning: 1,
  // server/prompt.go chatPrompt truncates messages that exceed the context window rather than refusing them.
  contextOverflow: 'cap',
  errors: {
    // openai/openai.go NewError: 400 invalid_request_error, 404 not_found_error, else api_error; code null.
    shape: 'openai-null-code',
    badRequest: { status: 400, type: 'invalid_request_error' },
    invalidJson: { status: 400, type: 'invalid_request_error' },
    contextExceeded: { status: 400, type: 'invalid_request_error' },
    serverError: { status: 500, type: 'api_error' },
    // server/routes.go: model %q not found, try pulling it first.
    modelNotFound: { status: 404, type: 'not_found_error', message: 'model "{model}" not found, try pulling it first' },
  },
  stream: {
    // middleware/openai.go ChatWriter: the role rides on the first chunk; FinishChunk has an empty delta;
    // include_usage re-sends that chunk with choices [] and usage.
    headers: {},
    role: 'first-token',
    finish: 'own-chunk',
    usage: 'own-chunk',
    usageUnasked: false,
    textUsageAlways: false,
    eosChunk: false,
    chunkFields: '"system_fingerprint":"fp_ollama",',
    choiceFields: '',
    finalFields: '',
    idPrefix: 'chatcmpl-',
  },
  completionFields: '"system_fingerprint":"fp_ollama",',
  // openai/openai.go maps max_tokens to num_predict; no OpenAI-API field reaches ignore_eos or a minimum.
  exactLength: { ignoreEos: false, minTokens: false },
  maxTokensFields: ['max_tokens'],
  metrics: null,
};

const nimNotReady = answer(
  502,
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n',
  'text/html',
);
const nim: Personality = {
  ...vllm,
  engine: 'nim',
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

const openai: Personality = {
  engine: 'openai',
  defaultPort: 8000,
  // A generic OpenAI-compatible server: nothing but the API itself says whether the model is loaded.
  readiness: 'open-503',
  warmupMs: 0,
  probes: [],
  loadingAnswer: { ...answer(503, '{"error":{"message":"The model is loading.","type":"server_error","param":null,"code":503}}'), allPaths: false },
  notFound: answer(404, '{"error":{"message":"Not found.","type":"invalid_request_error","param":null,"code":404}}'),
  headers: {},
  models: { ownedBy: 'organization-owner', extra: {}, listFields: {} },
  jsonContentType: 'application/json',
  usageFields: {},
  maxRunning: 256,
  contextOverflow: 'reject',
  errors: {
    shape: 'openai',
    badRequest: { status: 400, type: 'invalid_request_error' },
    invalidJson: { status: 400, type: 'invalid_request_error' },
    contextExceeded: { status: 400, type: 'invalid_request_error' },
    serverError: { status: 500, type: 'server_error' },
    modelNotFound: { status: 404, type: 'invalid_request_error', message: 'The model `{model}` does not exist or you do not have access to it.' },
  },
  stream: {
    // OpenAI's own framing: role chunk with empty content, finish_reason in an empty-delta chunk, usage chunk.
    headers: {},
    role: 'own-chunk',
    finish: 'own-chunk',
    usage: 'own-chunk',
    usageUnasked: false,
    textUsageAlways: false,
    eosChunk: false,
    chunkFields: '',
    choiceFields: '"logprobs":null,',
    finalFields: '',
    idPrefix: 'chatcmpl-',
  },
  completionFields: '',
  exactLength: { ignoreEos: false, minTokens: false },
  maxTokensFields: ['max_completion_tokens', 'max_tokens'],
  metrics: null,
};

export const personalities: Record<EngineName, Personality> = { vllm, tgi, sglang, llamacpp, ollama, nim, openai };

/**
 * The simulator without --engine: the port opens at once, /health and the API answer 503 until loaded (the
 * trap every gate must survive), with vLLM's framing, errors and metric names.
 */
export const simulatorPersonality: Personality = {
  ...vllm,
  engine: 'simulator',
  readiness: 'open-503',
  probes: [{ path: '/health', ready: answer(200, '', text), loading: answer(503, '{"error":{"message":"The model is still loading.","type":"ServiceUnavailableError","param":null,"code":503}}') }],
  loadingAnswer: { ...answer(503, '{"error":{"message":"The model is still loading; try again later.","type":"ServiceUnavailableError","param":null,"code":503}}'), allPaths: false },
  headers: {},
};
