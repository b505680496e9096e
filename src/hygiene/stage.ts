import type { GateConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import type { Extras, Reason } from '../report/schema.ts';
import { inspectImage } from './inspect.ts';
import { hygieneReasons } from './reasons.ts';

export interface HygieneFindings {
  /** The hygiene section, when the image was inspected. */
  extras: Pick<Extras, 'hygiene'>;
  /** Findings at the severities the config fails on. */
  failures: Reason[];
  /** The inspection itself failed (no such image, docker unreachable). */
  errors: Reason[];
}

/**
 * Image hygiene for an image target (root user, secrets in ENV and history, base pinning, size), when
 * the config enables it; nothing for other targets. Never throws: a failed inspection is an error reason.
 */
export async function imageHygiene(config: GateConfig, image: string | undefined, logger: Logger): Promise<HygieneFindings> {
  const out: HygieneFindings = { extras: {}, failures: [], errors: [] };
  if (!config.hygiene.enabled || !image) return out;
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
  return out;
}
