import { suggestion } from '../suggest.ts';

/**
 * Problems with the keys of `thresholds:` (floors per quality dimension, 0..1): a key that names no dimension of
 * the dataset would silently never apply, so each is reported with the nearest dimension. `dimensions` is
 * undefined when the eval is off: then no floor can apply at all.
 */
export function thresholdProblems(thresholds: Record<string, number>, dimensions: readonly string[] | undefined, dataset: string): string[] {
  return thresholdIssues(thresholds, dimensions, dataset).map((i) => `field "thresholds.${i.name}": ${i.message}`);
}

/** The same problems by key (`name`), for a caller that places each on its line of llm-gate.yml. */
export function thresholdIssues(thresholds: Record<string, number>, dimensions: readonly string[] | undefined, dataset: string): { name: string; message: string }[] {
  return Object.keys(thresholds).flatMap((name) => {
    if (dimensions === undefined) return [{ name, message: 'the eval is disabled, so no quality floor applies' }];
    if (dimensions.includes(name)) return [];
    return [{ name, message: `no dimension "${name}" in the dataset ${dataset}${suggestion(name, dimensions, (d) => `"${d}"`)}` }];
  });
}
