/**
 * Built-in practical tolerances, by dimension pattern. Relative for perf dimensions (0.05 = 5%),
 * absolute for quality scores and error rate (0.02 = 2 points). Why these:
 * - TPOT p50 is an average over many tokens per request and barely moves between runs, so 5%
 *   lets the gate catch a 10% decode slowdown, which a 10% tolerance could only catch half the time.
 * - Tails move with whatever stalled the runner during the run (a neighbour, a GC pause):
 *   run-to-run spread that no in-run interval can see (measured by bench/trust.ts). p90 15%,
 *   p99 and ITL 25%; a p99 is decided at all only from 500 requests (MIN_TAIL_VALUES).
 * - Error rate: 2 points; the SLO's maxErrorRate checks the absolute level separately.
 * - Readiness: one sample, no interval possible, so a wide 30% (plus readinessSlackS seconds).
 * - Capacity (saturation search): one search a side, resolution about ±5%, so 15%.
 * Everything else falls back to compare.latencyTolerance (perf) or compare.qualityTolerance.
 */
export const BUILTIN_TOLERANCES: Readonly<Record<string, number>> = {
  'perf.*.tpot.p50': 0.05,
  'perf.*.*.p90': 0.15,
  'perf.*.*.p99': 0.25,
  'perf.*.itl.*': 0.25,
  'perf.*.errorRate': 0.02,
  'readiness.secondsToReady': 0.3,
  'image.sizeBytes': 0.2,
  // One saturation search a side, bisected to about ±5%, plus run-to-run drift: 15%.
  'capacity.rate': 0.15,
};

function patternMatches(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`);
  return re.test(name);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

/** How specific a pattern is: an exact name beats any pattern; then more literal characters win. */
function specificity(pattern: string): number {
  return pattern.includes('*') ? pattern.replaceAll('*', '').length : Number.MAX_SAFE_INTEGER;
}

function mostSpecific(name: string, patterns: Record<string, number>): number | undefined {
  let best: { spec: number; value: number } | undefined;
  for (const [pattern, value] of Object.entries(patterns)) {
    if (!patternMatches(pattern, name)) continue;
    const spec = specificity(pattern);
    if (!best || spec > best.spec) best = { spec, value };
  }
  return best?.value;
}

/**
 * The tolerance for one dimension: the user's most specific matching pattern, else the built-in
 * one's, else the fallback. Any user entry beats every built-in, so `perf.*.tpot.*: 0.08` means 8%
 * for TPOT p50 too.
 */
export function toleranceFor(name: string, userTolerances: Record<string, number>, fallback: number): number {
  return mostSpecific(name, userTolerances) ?? mostSpecific(name, BUILTIN_TOLERANCES) ?? fallback;
}
