import { z } from 'zod';
import { capacityMarkdown } from '../bench/capacity-summary.ts';
import { capacitySchema } from '../bench/saturation.ts';
import { detectableSectionSchema } from '../compare/detectable.ts';
import { detectableMarkdown } from '../compare/detectable-summary.ts';
import { hygieneReportSchema } from '../hygiene/findings.ts';
import { hygieneMarkdown } from '../hygiene/summary.ts';
import { probesSectionSchema } from '../probes/section.ts';
import { probesMarkdown } from '../probes/summary.ts';
import { escapeInline } from './escape.ts';

/** The gate's `extras.engine`: which engine's preset applied and why. */
const engineSectionSchema = z.object({ engine: z.string(), source: z.enum(['config', 'detected']), evidence: z.array(z.string()) });

/**
 * Markdown for the report's `extras` sections that later stages add, keyed by section name. Each stage owns
 * its rendering; a section that does not parse falls back to the generic JSON view rather than failing.
 */
const renderers: Record<string, (value: unknown) => string | null> = {
  hygiene: (value) => {
    const parsed = hygieneReportSchema.safeParse(value);
    return parsed.success ? hygieneMarkdown(parsed.data) : null;
  },
  engine: (value) => {
    const parsed = engineSectionSchema.safeParse(value);
    if (!parsed.success) return null;
    const { engine, source, evidence } = parsed.data;
    const why = source === 'config' ? 'as configured' : evidence.length > 0 ? `detected from ${evidence.join('; ')}` : 'not recognised';
    return `<sub>Engine: ${escapeInline(engine, 40)}, ${escapeInline(why, 400)}.</sub>`;
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
