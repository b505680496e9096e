import type { GateConfig } from '../config/schema.ts';
import { imageHygiene } from '../hygiene/stage.ts';
import type { Logger } from '../log.ts';
import { probeAdvice } from '../probes/stage.ts';
import type { BenchRun, Extras, Reason } from '../report/schema.ts';
import { DEFAULT_PORT } from '../target/port.ts';
import type { Measured, TargetSection } from './target.ts';

/** What the gate can say about deploying the image beyond pass/fail: its report sections, what fails the gate, what it could not check. */
export interface ProductionFindings {
  extras: Pick<Extras, 'hygiene' | 'probes'>;
  failures: Reason[];
  errors: Reason[];
}

/**
 * Image hygiene (image targets) and probe advice, for the engine that served (not the configured
 * default), on the port the server really used (for an image, possibly its EXPOSEd one).
 */
export async function productionFindings(config: GateConfig, target: TargetSection<Measured>, runs: BenchRun[], logger: Logger): Promise<ProductionFindings> {
  const adviceConfig: GateConfig = {
    ...config,
    ...(target.engine ? { engine: target.engine.engine } : {}),
    ...(target.containerPort === undefined ? {} : { target: { ...config.target, port: target.containerPort } }),
  };
  const hygiene = await imageHygiene(adviceConfig, target.kind === 'image' ? target.subject.image : undefined, logger);
  const probes = await probeAdvice(adviceConfig, adviceConfig.target.port ?? DEFAULT_PORT, target.readiness, runs, target.model);
  return { extras: { ...hygiene.extras, ...probes.extras }, failures: [...hygiene.failures, ...probes.failures], errors: [...hygiene.errors, ...probes.errors] };
}
