import type { GateConfig } from '../config/schema.ts';
import { findingReasons } from '../report/findings.ts';
import type { BenchRun, Extras, Readiness, Reason } from '../report/schema.ts';
import { probesSection } from './section.ts';

export interface ProbeFindings {
  /** The probes section, when the target became ready (its startup was measured). */
  extras: Pick<Extras, 'probes'>;
  /** Manifest lint findings at the severities the config fails on. */
  failures: Reason[];
  /** The manifest could not be read: the user's to fix, like a bad config. */
  errors: Reason[];
}

/**
 * Kubernetes probe advice from the startup the gate just measured, for the server on `port`, with the
 * team's manifest (`k8sManifest`, or a kubernetes target's own) linted against it. Never throws.
 */
export async function probeAdvice(
  config: GateConfig,
  port: number,
  readiness: Readiness | null,
  runs: BenchRun[],
  model: string | undefined,
): Promise<ProbeFindings> {
  const out: ProbeFindings = { extras: {}, failures: [], errors: [] };
  if (!readiness?.ready || readiness.secondsToReady === null) return out;
  const last = runs.at(-1);
  try {
    const section = await probesSection(
      { secondsToReady: [readiness.secondsToReady], ...(last && last.ok > 0 ? { ttftP99Ms: last.ttftMs.p99, e2eP99Ms: last.e2eMs.p99 } : {}) },
      {
        port,
        ...(config.engine ? { engine: config.engine } : {}),
        ...(model ? { model } : {}),
        // A kubernetes target: its own manifests are linted against the startup measured on the cluster.
        ...(config.k8sManifest ? { manifestPath: config.k8sManifest } : config.target.kubernetes ? { manifestPath: config.target.kubernetes.manifests[0]! } : {}),
      },
    );
    out.extras.probes = section;
    if (section.manifest) out.failures.push(...findingReasons(section.manifest.findings, config.hygiene.failOn, 'k8s-manifest'));
  } catch (err) {
    out.errors.push({ dimension: 'k8s-manifest', message: (err as Error).message });
  }
  return out;
}
