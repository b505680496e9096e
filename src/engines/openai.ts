import { defineEngine, STRONG } from './engine.ts';
import { answer, type EnginePersonality } from './personality.ts';

const personality: EnginePersonality = {
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

/** Paths that web-service templates probe and that many wrappers answer before a model is loaded. */
const GENERIC_EARLY_PATHS: readonly string[] = ['/', '/health', '/healthz', '/health/live', '/livez', '/ping', '/metrics', '/version'];

/** Any other OpenAI-compatible server: the cautious facts, and what detection falls back to. */
export const openai = defineEngine({
  name: 'openai',
  title: 'generic OpenAI-compatible server',
  docs: 'https://platform.openai.com/docs/api-reference/chat',
  personality,
  readiness: {
    meaning: 'nothing but the API itself says whether the model is loaded: only a real inference proves readiness',
    timeoutS: 1200,
  },
  models: { path: '/v1/models' },
  docker: { gpuRunArgs: [], cacheDir: null, tokenEnv: [], env: {} },
  detection: {
    // llama-cpp-python's server (llama_cpp/server/app.py get_models): llama.cpp inside, but none of llama-server's
    // API (no /health, /metrics, /props, ignore_eos or usage in streams), so the generic preset is the one that fits.
    ownedBy: [{ value: 'me', weight: STRONG, note: "llama-cpp-python's server: the generic OpenAI-compatible preset fits it" }],
    headers: [],
    paths: [],
  },
  kubernetes: { earlyPaths: GENERIC_EARLY_PATHS, hasPython: false },
});
