/**
 * Built-in practical tolerances, by dimension pattern. Relative for perf dimensions (0.05 = 5%),
 * absolute for quality scores and error rate (0.02 = 2 points). Why these:
 * - TPOT and ITL are averaged over many tokens per request, so their A/A spread is small; 5% lets
 *   the gate catch a 10% decode slowdown, which a 10% tolerance could only catch half the time.
 * - Error rate: 2 points; the SLO's maxErrorRate checks the absolute level separately.
 * - Readiness: one sample, no interval possible, so a wide 30% (plus readinessSlackS seconds).
 * Everything else falls back to compare.latencyTolerance (perf) or compare.qualityTolerance.
 */
export const BUILTIN_TOLERANCES: Readonly<Record<string, number>> = {
  'perf.*.tpot.*': 0.05,
  'perf.*.itl.*': 0.05,
  'perf.*.errorRate': 0.02,
  'readiness.secondsToReady': 0.3,
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

/** The tolerance for one dimension: the user's patterns merged over the built-in ones, most specific first. */
export function toleranceFor(name: string, userTolerances: Record<string, number>, fallback: number): number {
  const merged = { ...BUILTIN_TOLERANCES, ...userTolerances };
  let best: { spec: number; value: number } | undefined;
  for (const [pattern, value] of Object.entries(merged)) {
    if (!patternMatches(pattern, name)) continue;
    const spec = specificity(pattern);
    // On equal specificity the user's entry wins over a built-in one.
    const fromUser = Object.hasOwn(userTolerances, pattern);
    if (!best || spec > best.spec || (spec === best.spec && fromUser)) best = { spec, value };
  }
  return best?.value ?? fallback;
}
