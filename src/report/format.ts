/** Number formatting shared by the markdown views: enough digits to compare, no more. */

export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x)) return String(x);
  const abs = Math.abs(x);
  const digits = abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  // Trailing zeros suggest a precision the measurement does not have.
  return x.toFixed(digits).replace(/\.?0+$/, '');
}

export function formatSigned(x: number): string {
  return x > 0 ? `+${formatNumber(x)}` : formatNumber(x);
}

export function formatPercent(ratio: number, signed = false): string {
  const value = `${(ratio * 100).toFixed(1)}%`;
  return signed && ratio > 0 ? `+${value}` : value;
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - m * 60);
  return `${m} min ${s} s`;
}

/** `42 s`, `3 min 5 s`: a wait or an ETA as a person reads it, whole seconds. */
export function formatWait(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** `p50 / p90 / p99` in one table cell. */
export function formatPercentiles(stats: { p50: number; p90: number; p99: number }): string {
  return `${formatNumber(stats.p50)} / ${formatNumber(stats.p90)} / ${formatNumber(stats.p99)}`;
}

export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${n} ${n === 1 ? word : pluralWord}`;
}
