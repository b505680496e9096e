import type { DimensionResult } from '../report/schema.ts';

/**
 * The quality-floor rule, the one the gate's verdict and the eval's own table both apply: a dimension is
 * held to the config's floor (`thresholds:`), else to its dataset's threshold; a judge dimension its
 * calibration does not trust is reported, never gated on. Returns the floor (0..1) the score fell below,
 * or undefined when the score holds or no floor applies.
 */
export function missedFloor(dimension: Pick<DimensionResult, 'score' | 'threshold' | 'calibration'>, configured?: number): number | undefined {
  if (dimension.calibration && !dimension.calibration.trusted) return undefined;
  const floor = configured ?? dimension.threshold;
  return floor !== undefined && dimension.score < floor ? floor : undefined;
}
