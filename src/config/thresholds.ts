import { suggestion } from '../suggest.ts';

/**
 * Problems with the keys of `thresholds:` (floors per quality dimension, 0..1): a key that names no dimension of
 * the dataset would silently never apply, so each is reported with the nearest dimension. `dimensions` is
 * undefined when the eval is off: then no floor can apply at all.
 */
export function thresholdProblems(thresholds: Record<string, number>, dimensions: readonly string[] | undefined, dataset: string): string[] {
  return Object.keys(thresholds).flatMap((name) => {
    if (dimensions === undefined) return [`field "thresholds.${name}": the eval is disabled, so no quality floor applies`];
    if (dimensions.includes(name)) return [];
    return [`field "thresholds.${name}": no dimension "${name}" in the dataset ${dataset}${suggestion(name, dimensions, (d) => `"${d}"`)}`];
  });
}
