import type { Finding, Reason, Severity } from './schema.ts';

const severityRank: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

/** Worst first, so summaries and annotation limits keep what matters. */
export function sortFindings<T extends Finding>(findings: readonly T[]): T[] {
  return [...findings].sort((a, b) => severityRank[a.severity] - severityRank[b.severity]);
}

/** One gate reason per finding whose severity the config fails on; `dimension` names the section. */
export function findingReasons(findings: readonly Finding[], failOn: readonly Severity[], dimension: string): Reason[] {
  return findings
    .filter((f) => failOn.includes(f.severity))
    .map((f) => ({ dimension, message: `${f.severity} ${f.id}: ${f.message}${f.evidence ? ` (${f.evidence})` : ''}` }));
}
