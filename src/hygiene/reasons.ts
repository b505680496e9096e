import type { Finding, HygieneReport, Reason, Severity } from '../report/schema.ts';

/** One gate reason per finding whose severity the config fails on; `dimension` names the section. */
export function findingReasons(findings: readonly Finding[], failOn: readonly Severity[], dimension: string): Reason[] {
  return findings
    .filter((f) => failOn.includes(f.severity))
    .map((f) => ({ dimension, message: `${f.severity} ${f.id}: ${f.message}${f.evidence ? ` (${f.evidence})` : ''}` }));
}

export function hygieneReasons(report: HygieneReport, failOn: readonly Severity[]): Reason[] {
  return findingReasons(report.findings, failOn, 'hygiene');
}
