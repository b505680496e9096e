import type { EnginePersonality } from './personality.ts';

/**
 * What the gate knows about one engine: its file in this folder holds every fact, each with its source, and
 * `registry.ts` lists the files. Stages read these facts (the simulator plays the personality, readiness and
 * the presets read the readiness and docker facts, detection reads the clues, the Kubernetes advice the probe
 * facts); nothing here performs them.
 */
export interface EngineDefinition<N extends string = string> {
  /** The name in `engine:`, `--engine` and the Action's `engine` input. */
  name: N;
  title: string;
  /** The engine's own documentation. */
  docs: string;
  /** What a client observes (ports, readiness phases, stream framing, errors, metric names): the simulator plays it. */
  personality: EnginePersonality;
  readiness: ReadinessFacts;
  /** Model ids: every engine lists them at /v1/models; `native` is the engine's own listing. */
  models: { path: '/v1/models'; native?: string };
  /** A GET whose JSON answer carries the engine's `version`, where the engine tells it. */
  versionPath?: string;
  docker: DockerFacts;
  /** Gauge names the engine's images also expose, after the personality's: older names, or a backend's own. */
  metricsAlsoSeen?: { running?: readonly string[]; waiting?: readonly string[]; kvCacheUsage?: readonly string[] };
  /** What identifies a running server as this engine. */
  detection: DetectionClues;
  /** The engine's official image, where it has one. */
  officialImage?: OfficialImage;
  /** What the engine's HTTP surface means for Kubernetes probes. */
  kubernetes: ProbeFacts;
}

/** An engine file's definition, with its name kept as a literal type (the registry derives `EngineName` from it). */
export function defineEngine<const N extends string>(definition: EngineDefinition<N>): EngineDefinition<N> {
  return definition;
}

export interface ReadinessFacts {
  /** Must answer 200 before the one-token inference is tried; absent where no path says more than the inference. */
  healthPath?: string;
  /** What the health answers mean, in a sentence, for logs and docs. */
  meaning: string;
  /** Default readiness.timeoutS: weights download and load (and engine warm-up) take this long at most. */
  timeoutS: number;
  /** Default readiness.probeTimeoutS where the one-token inference itself may load the model. */
  probeTimeoutS?: number;
  /**
   * The engine's own limit on loading a model for an inference, where inferences load it: a readiness probe
   * never hangs up on an inference sooner, whatever probeTimeoutS says, because hanging up aborts the load.
   */
  loadLimitS?: number;
}

export interface DockerFacts {
  /** `docker run` arguments added when the target has GPUs (shared memory for NCCL / PyTorch workers). */
  gpuRunArgs: readonly string[];
  shmSize?: string;
  /** Where the image keeps downloaded weights: mount a host directory there to avoid re-downloads. */
  cacheDir: string | null;
  /** Environment variables holding download tokens: passed by name from the gate's environment, never logged. */
  tokenEnv: readonly string[];
  /** Non-secret environment the gate sets unless the user did. */
  env: Readonly<Record<string, string>>;
}

/** Detection weights: 3 for what only that engine does, 1 for what it shares with others. */
export const STRONG = 3;
export const WEAK = 1;

export interface DetectionClues {
  /** `owned_by` values of the first /v1/models entry that point at this engine; `note` is added to the evidence. */
  ownedBy: readonly { value: string; weight: number; note?: string }[];
  /** The weight of an `owned_by` equal to the model id, where the engine answers that way. */
  ownedByModelId?: number;
  /** Headers of the /v1/models answer. `why` is the evidence line; `{value}` in it is the header's value. */
  headers: readonly { header: string; match: { equals: string } | { prefix: string } | 'present'; weight: number; why: string }[];
  /**
   * Paths only this engine answers this way (worth STRONG): a JSON object with one of `statuses` whose `field`
   * is present, is a string, or equals a value. `why` is the evidence line; `{status}` in it is the status.
   */
  paths: readonly { path: string; statuses: readonly number[]; field: string; match: 'present' | 'string' | { equals: string }; why: string }[];
  /**
   * The engine this one runs behind it (NIM serves LLMs with vLLM): that engine's clues count for this one once
   * this one showed a STRONG clue of its own.
   */
  wraps?: string;
}

export interface OfficialImage {
  /** Matches the image references of the official image. */
  pattern: RegExp;
  /** The arguments after the image that make it serve `model` on `port`; null where the image takes no model argument. */
  modelArgs: ((model: string, port: number) => string[]) | null;
}

/** What an engine's HTTP surface means for Kubernetes probes. */
export interface ProbeFacts {
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
