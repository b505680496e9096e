import { escapeInline } from './escape.ts';
import type { Report } from './schema.ts';

/**
 * The accepted regressions, right under the verdict: an accepted trade-off is never silent. Reasons and
 * sources are user text (inputs, label descriptions), escaped like model output.
 */
export function acceptanceSection(report: Report): string | null {
  const a = report.acceptance;
  if (!a || (a.accepted.length === 0 && a.unmatched.length === 0)) return null;
  const lines = a.accepted.map(
    (x) => `- \`${escapeInline(x.dimension, 120)}\` regressed and was **accepted**: ${escapeInline(x.reason, 300)}${x.source ? ` (${escapeInline(x.source, 120)})` : ''}`,
  );
  if (a.unmatched.length > 0) lines.push(`- accepted but not regressed (nothing to accept): ${a.unmatched.map((p) => escapeInline(p, 80)).join(', ')}`);
  return `**Accepted regressions**\n\n${lines.join('\n')}`;
}
