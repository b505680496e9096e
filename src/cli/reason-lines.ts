import type { Reason } from '../report/schema.ts';

/**
 * The reasons as `dimension: message; message`, one line per dimension in order of first mention: a
 * score below its floor that also regressed is one finding, said once.
 */
export function reasonLines(reasons: readonly Reason[]): string[] {
  const byDimension = new Map<string, string[]>();
  for (const r of reasons) {
    // Messages often repeat their dimension's name first; once is enough.
    const message = r.message.startsWith(`${r.dimension} `) ? r.message.slice(r.dimension.length + 1) : r.message;
    byDimension.set(r.dimension, [...(byDimension.get(r.dimension) ?? []), message]);
  }
  return [...byDimension].map(([dimension, messages]) => `${dimension}: ${messages.join('; ')}`);
}
