import { findingReasons } from '../report/findings.ts';
import type { HygieneReport, Reason, Severity } from '../report/schema.ts';

/** One gate reason per hygiene finding whose severity the config fails on. */
export function hygieneReasons(report: HygieneReport, failOn: readonly Severity[]): Reason[] {
  return findingReasons(report.findings, failOn, 'hygiene');
}
