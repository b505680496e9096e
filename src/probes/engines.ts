/**
 * What each engine's HTTP surface means for Kubernetes probes. Keys match `--engine`; anything else
 * (an OpenAI-compatible wrapper, an unknown server) gets the cautious `openai` entry.
 */
export interface EngineProbeFacts {
  /** A cheap GET that never runs inference; absent means a TCP check on the port is the safe liveness. */
  livenessPath?: string;
  /**
   * A GET that answers 200 only once the model serves (TGI and SGLang run a generation for it);
   * absent means the readiness probe must POST a one-token completion itself.
   */
  readyPath?: string;
  /** Paths that answer 200 while the weights are still loading: a readiness probe there routes traffic too early. */
  earlyPaths: readonly string[];
  /** Python is in the image (vLLM, SGLang, TGI), so an exec probe need not assume curl. */
  hasPython: boolean;
}

/** Paths that web-service templates probe and that many wrappers answer before a model is loaded. */
export const GENERIC_EARLY_PATHS: readonly string[] = ['/', '/health', '/healthz', '/health/live', '/livez', '/ping', '/metrics', '/version'];

export const ENGINE_PROBES: Readonly<Record<string, EngineProbeFacts>> = {
  // vLLM binds its socket early but listens only once the engine has loaded the weights (connections
  // are refused before); /health checks the engine is alive but runs no generation.
  vllm: { livenessPath: '/health', earlyPaths: [], hasPython: true },
  // TGI's router /health runs a one-token prefill when no request succeeded recently.
  tgi: { readyPath: '/health', earlyPaths: [], hasPython: true },
  // SGLang's /health_generate runs a generation; /health differs across versions, so liveness uses TCP.
  sglang: { readyPath: '/health_generate', earlyPaths: [], hasPython: true },
  // llama.cpp server listens at once and answers 503 on /health until the model is loaded; /health
  // never generates, so readiness posts a one-token completion (the server image ships curl).
  llamacpp: { earlyPaths: [], hasPython: false },
  // Ollama loads a model on its first request: everything but a generation answers before that.
  ollama: { livenessPath: '/api/version', earlyPaths: ['/', '/api/version', '/api/tags', '/api/ps', '/v1/models'], hasPython: false },
  // NIM separates liveness (up at once) from readiness (model loaded).
  nim: { livenessPath: '/v1/health/live', readyPath: '/v1/health/ready', earlyPaths: ['/v1/health/live'], hasPython: true },
  openai: { earlyPaths: GENERIC_EARLY_PATHS, hasPython: false },
};

export function engineProbeFacts(engine: string | undefined): EngineProbeFacts {
  return ENGINE_PROBES[engine ?? 'openai'] ?? ENGINE_PROBES.openai!;
}
