import type { GateConfig } from '../config/schema.ts';
import { inspectImage } from '../hygiene/inspect.ts';
import { findingReasons, hygieneReasons } from '../hygiene/reasons.ts';
import type { Logger } from '../log.ts';
import { DEFAULT_PORT } from '../target/port.ts';
import type { BenchRun, Extras, Readiness, Reason } from '../report/schema.ts';
import { probesSection } from './section.ts';

export interface ReadinessFindings {
  /** The hygiene and probes sections, where they ran. */
  extras: Pick<Extras, 'hygiene' | 'probes'>;
  failures: Reason[];
  errors: Reason[];
}

/**
 * What the gate can say about deploying this image beyond pass/fail: image hygiene (for image
 * targets) and Kubernetes probe advice from the startup it just measured, with the team's
 * manifest linted against it when given. Findings at the configured severities fail the gate.
 */
export async function productionReadiness(
  config: GateConfig,
  image: string | undefined,
  readiness: Readiness | null,
  runs: BenchRun[],
  model: string | undefined,
  logger: Logger,
): Promise<ReadinessFindings> {
  const out: ReadinessFindings = { extras: {}, failures: [], errors: [] };
  if (config.hygiene.enabled && image) {
    try {
      const report = await inspectImage(
        image,
        { ...(config.target.port !== undefined ? { expectedPort: config.target.port } : {}), buildContext: config.target.build?.context, dockerfile: config.target.build?.dockerfile },
        logger,
      );
      out.extras.hygiene = report;
      out.failures.push(...hygieneReasons(report, config.hygiene.failOn));
    } catch (err) {
      out.errors.push({ dimension: 'hygiene', message: (err as Error).message });
    }
  }
  if (readiness?.ready && readiness.secondsToReady !== null) {
    const last = runs.at(-1);
    try {
      const section = await probesSection(
        { secondsToReady: [readiness.secondsToReady], ...(last && last.ok > 0 ? { ttftP99Ms: last.ttftMs.p99, e2eP99Ms: last.e2eMs.p99 } : {}) },
        {
          port: config.target.port ?? DEFAULT_PORT,
          ...(config.engine ? { engine: config.engine } : {}),
          ...(model ? { model } : {}),
          // A kubernetes target: its own manifests are linted against the startup measured on the cluster.
          ...(config.k8sManifest ? { manifestPath: config.k8sManifest } : config.target.kubernetes ? { manifestPath: config.target.kubernetes.manifests[0]! } : {}),
        },
      );
      out.extras.probes = section;
      if (section.manifest) out.failures.push(...findingReasons(section.manifest.findings, config.hygiene.failOn, 'k8s-manifest'));
    } catch (err) {
      // An unreadable manifest is the user's to fix, like a bad config.
      out.errors.push({ dimension: 'k8s-manifest', message: (err as Error).message });
    }
  }
  return out;
}
