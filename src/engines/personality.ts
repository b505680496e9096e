/**
 * The shape of what an inference engine does that a client can observe: when its port opens, what its health
 * paths answer, how it frames a stream and where token usage arrives, its error bodies, its Prometheus names and
 * the fields that ask for an exact output length. Each engine's file holds its values (with their sources); the
 * simulator plays them (`--engine NAME`) and the gate's presets read the same facts.
 *
 * Engine sources read (stored snapshots, late 2026):
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

export interface EnginePersonality {
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

const JSON_TYPE = 'application/json';
export const TEXT_TYPE = 'text/plain; charset=utf-8';

/** An HTTP answer; JSON unless `contentType` says otherwise. */
export const answer = (status: number, body: string, contentType = JSON_TYPE): HttpAnswer => ({ status, body, contentType });

/** FastAPI's default 404 body (vLLM, SGLang). */
export const FASTAPI_NOT_FOUND = answer(404, '{"detail":"Not Found"}');
