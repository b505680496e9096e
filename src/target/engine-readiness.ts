import { applyEnginePreset } from '../config/engine-preset.ts';
import type { GateConfig } from '../config/schema.ts';
import { enginePreset } from '../engines/presets.ts';
import { detectEngine } from './detect-engine.ts';
import type { EngineReadiness, ReadinessOptions } from './readiness.ts';

/**
 * What readiness needs from the engine registry. With `engine:` configured, its load limit (the preset has
 * already filled the probe timeout and health path). Without it, a way to recognise the engine from what the
 * server answers while loading (Ollama answers /api/version at once, llama.cpp its Server header, NIM its
 * /v1/health/ready), so that engine's readiness facts apply before the first probe: a probe timeout shorter
 * than a lazy loader's load would hang up on, and so abort, the very load it waits for.
 */
export function engineReadinessOptions(config: GateConfig, rootURL: string): Pick<ReadinessOptions, 'loadLimitS' | 'identify'> {
  if (config.engine) {
    const limit = enginePreset(config.engine).readiness.loadLimitS;
    return limit === undefined ? {} : { loadLimitS: limit };
  }
  return {
    identify: async (): Promise<EngineReadiness | null> => {
      const d = await detectEngine(rootURL, {
        timeoutMs: Math.min(5000, config.readiness.probeTimeoutS * 1000),
        ...(config.target.apiKey ? { apiKey: config.target.apiKey } : {}),
      });
      // Only a clue that engine alone gives: a guess must not change how readiness is judged.
      if (d.engine === 'openai' || !d.confident) return null;
      const readiness = applyEnginePreset(config, d.engine).readiness;
      const limit = enginePreset(d.engine).readiness.loadLimitS;
      return {
        engine: d.engine,
        evidence: d.evidence,
        ...(readiness.healthPath ? { healthPath: readiness.healthPath } : {}),
        probeTimeoutS: readiness.probeTimeoutS,
        ...(limit === undefined ? {} : { loadLimitS: limit }),
      };
    },
  };
}
