import type { DimensionResult, ItemResult, Quality } from '../report/schema.ts';

/** Mean of item scores; a dimension with no items scores 0 rather than passing vacuously. */
export function meanScore(items: ReadonlyArray<{ score: number }>): number {
  if (items.length === 0) return 0;
  return items.reduce((sum, i) => sum + i.score, 0) / items.length;
}

function restrictDimension(d: DimensionResult, keep: Set<string>): DimensionResult {
  const items: ItemResult[] = d.items.filter((i) => keep.has(i.id));
  return { ...d, items, n: items.length, score: meanScore(items) };
}

/**
 * Limits two quality sections to the item ids both share, each dimension rescored over those items, so a
 * comparison across dataset versions compares like with like. Only for configs that allow it: by default a
 * changed dataset hash must refuse the comparison. Dimensions present in only one section are dropped.
 */
export function restrictToSharedItems(
  baseline: Quality,
  candidate: Quality,
): { baseline: Quality; candidate: Quality; shared: string[]; onlyBaseline: string[]; onlyCandidate: string[] } {
  const ids = (q: Quality): Set<string> => new Set(Object.values(q.dimensions).flatMap((d) => d.items.map((i) => i.id)));
  const a = ids(baseline);
  const b = ids(candidate);
  const shared = new Set([...a].filter((id) => b.has(id)));
  const dims = Object.keys(baseline.dimensions).filter((name) => name in candidate.dimensions);
  const restrict = (q: Quality): Quality => ({
    ...q,
    dataset: { ...q.dataset, items: shared.size },
    dimensions: Object.fromEntries(dims.map((name) => [name, restrictDimension(q.dimensions[name]!, shared)])),
  });
  return {
    baseline: restrict(baseline),
    candidate: restrict(candidate),
    shared: [...shared].sort(),
    onlyBaseline: [...a].filter((id) => !shared.has(id)).sort(),
    onlyCandidate: [...b].filter((id) => !shared.has(id)).sort(),
  };
}
