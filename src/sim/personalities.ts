/**
 * What the simulator plays: each engine's personality from the engine registry (the engines' files cite each
 * fact's source), and its own default personality for runs without --engine.
 */
import { answer, TEXT_TYPE, type EnginePersonality } from '../engines/personality.ts';
import { ENGINES, type EngineName } from '../engines/registry.ts';

export type Personality = EnginePersonality & { engine: EngineName | 'simulator' };

export const personalities: Readonly<Record<EngineName, Personality>> = Object.fromEntries(
  ENGINES.map((e) => [e.name, { engine: e.name, ...e.personality }]),
) as Record<EngineName, Personality>;

/**
 * The simulator without --engine: the port opens at once, /health and the API answer 503 until loaded (the
 * trap every gate must survive), with vLLM's framing, errors and metric names.
 */
export const simulatorPersonality: Personality = {
  ...personalities.vllm,
  engine: 'simulator',
  readiness: 'open-503',
  probes: [{ path: '/health', ready: answer(200, '', TEXT_TYPE), loading: answer(503, '{"error":{"message":"The model is still loading.","type":"ServiceUnavailableError","param":null,"code":503}}') }],
  loadingAnswer: { ...answer(503, '{"error":{"message":"The model is still loading; try again later.","type":"ServiceUnavailableError","param":null,"code":503}}'), allPaths: false },
  headers: {},
};
