import type { Report } from '../report/schema.ts';

/**
 * Key figures as step outputs, for later steps and `if:` conditions. Latency figures come from the last load
 * step (the highest load of a sweep); a figure the run did not measure is an empty string.
 */
export function reportOutputs(report: Report): Record<string, string> {
  const runs = report.performance?.runs ?? [];
  const last = runs[runs.length - 1];
  const figure = (x: number | null | undefined): string => (x === null || x === undefined ? '' : String(Math.round(x * 1000) / 1000));
  const scores = Object.fromEntries(Object.entries(report.quality?.dimensions ?? {}).map(([name, d]) => [name, d.score]));
  return {
    verdict: report.verdict,
    'ttft-p99-ms': figure(last?.ttftMs.p99),
    'tpot-p50-ms': figure(last?.tpotMs.p50),
    'seconds-to-ready': figure(report.readiness?.secondsToReady),
    scores: JSON.stringify(scores),
    regressions: JSON.stringify(
      Object.entries(report.comparison?.dimensions ?? {})
        .filter(([, d]) => d.regressed)
        .map(([name]) => name),
    ),
  };
}
