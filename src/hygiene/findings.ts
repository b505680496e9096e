import { z } from 'zod';

/** Ordered from worst to mildest; the config's `failOn` picks which of them fail the gate. */
export const severitySchema = z.enum(['critical', 'high', 'medium', 'low', 'info']);
export type Severity = z.infer<typeof severitySchema>;

export const findingSchema = z.object({
  /** Stable identifier of the check, e.g. `runs-as-root`, `secret-in-env`. */
  id: z.string(),
  severity: severitySchema,
  message: z.string(),
  /** Where it was seen; secret values in it are masked, never written whole. */
  evidence: z.string().optional(),
});
export type Finding = z.infer<typeof findingSchema>;

export const hygieneReportSchema = z.object({
  image: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  layers: z.number().int().nonnegative(),
  /** The image's `Config.User`; empty means the container runs as root. */
  user: z.string(),
  findings: z.array(findingSchema),
});
export type HygieneReport = z.infer<typeof hygieneReportSchema>;

const severityRank: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

/** Worst first, so summaries and annotation limits keep what matters. */
export function sortFindings<T extends Finding>(findings: readonly T[]): T[] {
  return [...findings].sort((a, b) => severityRank[a.severity] - severityRank[b.severity]);
}
