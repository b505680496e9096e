import { capacityMarkdown } from '../bench/capacity-summary.ts';
import { capacitySchema } from '../bench/saturation.ts';
import { detectableSectionSchema } from '../compare/detectable.ts';
import { detectableMarkdown } from '../compare/detectable-summary.ts';
import { hygieneReportSchema } from '../hygiene/findings.ts';
import { hygieneMarkdown } from '../hygiene/summary.ts';
import { probesSectionSchema } from '../probes/section.ts';
import { probesMarkdown } from '../probes/summary.ts';

/**
 * Markdown for the report's `extras` sections that later stages add, keyed by section name. Each stage owns
 * its rendering; a section that does not parse falls back to the generic JSON view rather than failing.
 */
const renderers: Record<string, (value: unknown) => string | null> = {
  hygiene: (value) => {
    const parsed = hygieneReportSchema.safeParse(value);
    return parsed.success ? hygieneMarkdown(parsed.data) : null;
  },
  capacity: (value) => {
    const parsed = capacitySchema.safeParse(value);
    return parsed.success ? capacityMarkdown(parsed.data) : null;
  },
  detectable: (value) => {
    const parsed = detectableSectionSchema.safeParse(value);
    return parsed.success ? detectableMarkdown(parsed.data) : null;
  },
  probes: (value) => {
    const parsed = probesSectionSchema.safeParse(value);
    return parsed.success ? probesMarkdown(parsed.data) : null;
  },
};

export function renderExtra(name: string, value: unknown): string | null {
  return renderers[name]?.(value) ?? null;
}
