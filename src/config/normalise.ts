import type { GateConfig } from './schema.ts';
import { resolveDatasetPath } from '../package-root.ts';

/** How paths in a validated config resolve; the CLI and the Action pass the same options. */
export interface NormaliseOptions {
  /** Folder that relative paths are read from; default the working directory. */
  cwd?: string;
  /**
   * Where the shipped suites (`datasets/starter/v1`) are looked up when `cwd` has no such path: default the
   * package's folder, which for the Action is the folder of its bundle (dist/..), not the user's workspace.
   */
  shippedRoot?: string;
}

/**
 * The paths of a validated config as the gate uses them: the eval dataset and replayed bench prompts as given
 * when they exist under `cwd`, else the shipped suite of that name. Mutates and returns `config`.
 */
export function normaliseGateConfig(config: GateConfig, options: NormaliseOptions = {}): GateConfig {
  const where = { ...(options.cwd !== undefined ? { cwd: options.cwd } : {}), ...(options.shippedRoot !== undefined ? { root: options.shippedRoot } : {}) };
  config.eval.dataset = resolveDatasetPath(config.eval.dataset, where);
  if (config.bench.prompts !== 'synthetic') config.bench.prompts = resolveDatasetPath(config.bench.prompts, where);
  return config;
}
