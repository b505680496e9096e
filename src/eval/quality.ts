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
 * Limits two quality sections to the items both share, each dimension rescored over those items, so a
 * comparison across dataset versions compares like with like. An id whose content changed (both sides carry
 * an item sha256 and they differ) is not shared: its old and new scores answer different questions.
 * Only for configs that allow it: by default a changed dataset hash must refuse the comparison.
 * Dimensions present in only one section are dropped.
 */
export function restrictToSharedItems(
  baseline: Quality,
  candidate: Quality,
): { baseline: Quality; candidate: Quality; shared: string[]; changed: string[]; onlyBaseline: string[]; onlyCandidate: string[] } {
  const ids = (q: Quality): Map<string, string | undefined> =>
    new Map(Object.values(q.dimensions).flatMap((d) => d.items.map((i) => [i.id, i.sha256] as const)));
  const a = ids(baseline);
  const b = ids(candidate);
  const both = [...a.keys()].filter((id) => b.has(id));
  const isChanged = (id: string): boolean => {
    const [x, y] = [a.get(id), b.get(id)];
    return x !== undefined && y !== undefined && x !== y;
  };
  const shared = new Set(both.filter((id) => !isChanged(id)));
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
    changed: both.filter(isChanged).sort(),
    onlyBaseline: [...a.keys()].filter((id) => !b.has(id)).sort(),
    onlyCandidate: [...b.keys()].filter((id) => !a.has(id)).sort(),
  };
}
