import { startupMeasurementSchema, type ProbesSection, type StartupMeasurement } from '../report/schema.ts';
import { adviseProbes, renderProbeYaml } from './advice.ts';
import { engineProbeFacts } from './engines.ts';
import { DEFAULT_INFERENCE_PATHS, lintManifest } from './manifest-lint.ts';

export interface ProbesSectionOptions {
  port: number;
  engine?: string;
  model?: string;
  /** `--k8s-manifest`: a Deployment, StatefulSet or Helm-rendered stream to lint against the measurement. */
  manifestPath?: string;
  /** Name of the inference container in that manifest, when it has several and none requests a GPU. */
  containerName?: string;
  /** Overrides the engine's list of paths that answer before the model loads. */
  nonInferencePaths?: readonly string[];
  /** Whether the deployment needs a GPU limit and memory-backed /dev/shm (default true for both). */
  needsGpu?: boolean;
  needsShm?: boolean;
}

/** Advice from the measured startup and, with a manifest, its lint: one call for the gate. Throws on an unreadable manifest. */
export async function probesSection(measurement: StartupMeasurement, options: ProbesSectionOptions): Promise<ProbesSection> {
  const facts = engineProbeFacts(options.engine);
  const worst = Math.max(...startupMeasurementSchema.parse(measurement).secondsToReady);
  const lint =
    options.manifestPath === undefined
      ? undefined
      : await lintManifest(options.manifestPath, {
          loadSeconds: worst,
          nonInferencePaths: options.nonInferencePaths ?? facts.earlyPaths,
          // An engine's ready path (TGI's /health generates) is as wrong for liveness as a completion.
          inferencePaths: facts.readyPath ? [...DEFAULT_INFERENCE_PATHS, facts.readyPath] : DEFAULT_INFERENCE_PATHS,
          ...(options.containerName !== undefined ? { containerName: options.containerName } : {}),
          ...(options.needsGpu !== undefined ? { needsGpu: options.needsGpu } : {}),
          ...(options.needsShm !== undefined ? { needsShm: options.needsShm } : {}),
        });
  // Advice for the manifest's own container name, so a strategic-merge patch lands on it.
  const containerName = options.containerName ?? lint?.containers[0]?.name;
  const advice = adviseProbes(measurement, {
    port: options.port,
    ...(options.engine !== undefined ? { engine: options.engine } : {}),
    ...(options.model !== undefined ? { model: options.model } : {}),
    ...(containerName !== undefined ? { containerName } : {}),
  });
  return {
    advice,
    yaml: renderProbeYaml(advice),
    manifest: options.manifestPath === undefined || !lint ? null : { file: options.manifestPath, findings: lint.findings },
  };
}
