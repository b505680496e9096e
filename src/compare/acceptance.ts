import type { AcceptEntry, Acceptance, Comparison } from '../report/schema.ts';

/**
 * Whether a dimension name is covered by a pattern: the exact name, a `*` glob over the whole name, or a
 * suffix on a dot boundary (`tpot.p50` covers `perf.c4.tpot.p50`, `json_format` covers `quality.json_format`).
 */
export function dimensionMatches(name: string, pattern: string): boolean {
  if (pattern.includes('*')) {
    const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    return re.test(name) || re.test(name.replace(/^(quality|perf)\./, ''));
  }
  return name === pattern || name.endsWith(`.${pattern}`);
}

/**
 * Marks the regressed dimensions that an entry covers as accepted (they stay `regressed: true`, so the
 * record shows what was traded). Pure: returns a new comparison and what was accepted.
 */
export function applyAcceptance(comparison: Comparison, entries: AcceptEntry[]): { comparison: Comparison; acceptance: Acceptance } {
  const dimensions = { ...comparison.dimensions };
  const accepted: Acceptance['accepted'] = [];
  const used = new Set<string>();
  for (const [name, dim] of Object.entries(dimensions)) {
    if (!dim.regressed) continue;
    for (const entry of entries) {
      const pattern = entry.dimensions.find((p) => dimensionMatches(name, p));
      if (pattern === undefined) continue;
      used.add(pattern);
      dimensions[name] = { ...dim, accepted: true };
      accepted.push({ dimension: name, reason: entry.reason, ...(entry.source ? { source: entry.source } : {}) });
      break;
    }
  }
  const unmatched = [...new Set(entries.flatMap((e) => e.dimensions))].filter((p) => !used.has(p));
  return { comparison: { ...comparison, dimensions }, acceptance: { entries, accepted, unmatched } };
}
