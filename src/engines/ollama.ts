import { defineEngine, WEAK } from './engine.ts';
import { answer, TEXT_TYPE, type EnginePersonality } from './personality.ts';

const personality: EnginePersonality = {
  // envconfig/config.go: default host 127.0.0.1:11434.
  defaultPort: 11434,
  // The server answers at once; a model is loaded by the scheduler on its first request.
  readiness: 'lazy',
  warmupMs: 0,
  // server/routes.go: GET / and HEAD / answer "Ollama is running"; /api/version the version.
  probes: [
    { path: '/', ready: answer(200, 'Ollama is running', TEXT_TYPE) },
    { path: '/api/version', ready: answer(200, '{"version":"0.13.0"}') },
  ],
  loadingAnswer: null,
  // gin's default 404.
  notFound: answer(404, '404 page not found', TEXT_TYPE),
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

export const ollama = defineEngine({
  name: 'ollama',
  title: 'Ollama',
  docs: 'https://github.com/ollama/ollama/tree/main/docs',
  personality,
  readiness: {
    // server/routes.go: "/" and /api/version answer at once; the scheduler loads a model on its first request.
    meaning: 'healthy at once; the model loads on the first inference, so only a real inference proves readiness',
    timeoutS: 600,
    // That first inference waits for the load: a probe must outlast it.
    probeTimeoutS: 300,
    // envconfig/config.go: OLLAMA_LOAD_TIMEOUT, default 5 minutes; a load that stalls longer is given up.
    loadLimitS: 300,
  },
  models: { path: '/v1/models', native: '/api/tags' },
  // server/routes.go: {"version": …}
  versionPath: '/api/version',
  docker: {
    // hub.docker.com/r/ollama/ollama: `docker run --gpus=all -v ollama:/root/.ollama -p 11434:11434`.
    gpuRunArgs: [],
    cacheDir: '/root/.ollama',
    tokenEnv: [],
    env: {},
  },
  detection: {
    // owned_by is the model's namespace: "library" for official models.
    ownedBy: [{ value: 'library', weight: WEAK }],
    headers: [],
    // server/routes.go.
    paths: [{ path: '/api/version', statuses: [200], field: 'version', match: 'string', why: 'GET /api/version: {"version":…}' }],
  },
  // Ollama pulls a model by name on first use: its image takes no model argument.
  officialImage: { pattern: /^(docker\.io\/)?ollama\/ollama(:|@|$)/, modelArgs: null },
  kubernetes: {
    // Ollama loads a model on its first request: everything but a generation answers before that.
    livenessPath: '/api/version',
    earlyPaths: ['/', '/api/version', '/api/tags', '/api/ps', '/v1/models'],
    hasPython: false,
  },
});
