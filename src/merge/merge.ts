import { z } from 'zod';
import { escapeInline } from '../report/escape.ts';
import { verdictDetail } from '../report/markdown.ts';
import type { Reason, Report, Verdict } from '../report/schema.ts';

/** One matrix cell: a report and the name it is shown under (its identity line, or its file). */
export interface Cell {
  name: string;
  source: string;
  report: Report;
}

export const mergedSchema = z.object({
  verdict: z.enum(['pass', 'fail', 'error']),
  cells: z.array(
    z.object({
      name: z.string(),
      source: z.string(),
      verdict: z.enum(['pass', 'fail', 'error']),
      line: z.string().optional(),
      baseline: z.string().nullable(),
      reasons: z.array(z.object({ dimension: z.string(), message: z.string() })),
      accepted: z.array(z.string()),
    }),
  ),
});
export type Merged = z.infer<typeof mergedSchema>;

const RANK: Record<Verdict, number> = { pass: 0, fail: 1, error: 2 };
const LABEL: Record<Verdict, string> = { pass: 'PASS', fail: 'FAIL', error: 'ERROR' };

/** The name a cell is shown under: model on GPU from its identity, else the report's file. */
export function cellName(report: Report, source: string): string {
  const id = report.identity;
  if (!id) return source;
  const gpu = id.gpu && id.gpu.count > 0 ? `${id.gpu.count}x ${id.gpu.name}` : 'no GPU';
  return `${id.model ?? 'unknown model'} on ${gpu}`;
}

/**
 * A matrix's reports as one verdict: the worst cell's (error beats fail beats pass), with every cell's
 * reasons prefixed by the cell. Each cell was compared with its own baseline line when it ran; merging
 * never compares cells with one another. Pure. Throws on no cells (an empty matrix is no pass).
 */
export function mergeCells(cells: Cell[]): Merged {
  if (cells.length === 0) throw new Error('no reports to merge: an empty matrix is not a pass');
  const verdict = cells.reduce<Verdict>((worst, c) => (RANK[c.report.verdict] > RANK[worst] ? c.report.verdict : worst), 'pass');
  return {
    verdict,
    cells: cells.map((c) => ({
      name: c.name,
      source: c.source,
      verdict: c.report.verdict,
      ...(c.report.identity ? { line: c.report.identity.line } : {}),
      baseline: c.report.comparison?.baseline?.ref ?? null,
      reasons: c.report.reasons,
      accepted: c.report.acceptance?.accepted.map((a) => a.dimension) ?? [],
    })),
  };
}

/** Every cell's reasons, prefixed by the cell, for the step's failure message. */
export function mergedReasons(m: Merged): Reason[] {
  return m.cells.flatMap((c) => c.reasons.map((r) => ({ dimension: `${c.name}: ${r.dimension}`, message: r.message })));
}

/** `llm-gate: FAIL — 1 of 3 cells failed`, plain text. */
export function mergedTitle(m: Merged): string {
  const bad = m.cells.filter((c) => c.verdict !== 'pass').length;
  return `llm-gate: ${LABEL[m.verdict]} — ${bad === 0 ? `all ${m.cells.length} cells passed` : `${bad} of ${m.cells.length} cells did not pass`}`;
}

/** The merged summary: one row per cell, then each failing cell's reasons. Cell text is escaped. */
export function mergedMarkdown(m: Merged, cells: Cell[]): string {
  const rows = m.cells.map((c, i) => {
    const detail = verdictDetail(cells[i]!.report);
    const accepted = c.accepted.length > 0 ? `${c.accepted.length} accepted` : '';
    return `| ${escapeInline(c.name, 120)} | **${LABEL[c.verdict]}** — ${escapeInline(detail, 120)} | ${c.baseline ? escapeInline(c.baseline, 120) : 'none (first run of its line)'} | ${accepted} |`;
  });
  const reasons = m.cells
    .filter((c) => c.reasons.length > 0)
    .map((c) => `**${escapeInline(c.name, 120)}**\n\n${c.reasons.map((r) => `- ${escapeInline(r.dimension, 120)}: ${escapeInline(r.message, 400)}`).join('\n')}`);
  return [
    `## **${mergedTitle(m)}**`,
    '| cell | verdict | baseline | accepted |\n|---|---|---|---|\n' + rows.join('\n'),
    ...reasons,
  ].join('\n\n') + '\n';
}
