import type { ProbeFacts } from '../engines/engine.ts';
import { engineDefinition, isEngineName } from '../engines/registry.ts';

/**
 * What an engine's HTTP surface means for Kubernetes probes, from the engine registry. `engine` is what
 * `--engine` said; anything else (an OpenAI-compatible wrapper, an unknown server) gets the cautious `openai` facts.
 */
export function engineProbeFacts(engine: string | undefined): ProbeFacts {
  return engineDefinition(isEngineName(engine) ? engine : 'openai').kubernetes;
}
