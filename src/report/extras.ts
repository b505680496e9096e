import { capacityMarkdown } from './capacity-summary.ts';
import { detectableMarkdown } from './detectable-summary.ts';
import { escapeInline } from './escape.ts';
import { hygieneMarkdown } from './hygiene-summary.ts';
import { probesMarkdown } from './probes-summary.ts';
import type { EngineSection, Extras } from './schema.ts';

/** The engine line: which engine's preset applied and why. */
function engineMarkdown({ engine, source, evidence }: EngineSection): string {
  const why = source === 'config' ? 'as configured' : evidence.length > 0 ? `detected from ${evidence.join('; ')}` : 'not recognised';
  return `<sub>Engine: ${escapeInline(engine, 40)}, ${escapeInline(why, 400)}.</sub>`;
}

/**
 * Markdown of the sections with their own view (hygiene, probes, engine, capacity, detectable), in the
 * order the gate adds them.
 */
export function extrasMarkdown(extras: Extras): string[] {
  const { hygiene, probes, engine, capacity, detectable } = extras;
  return [
    hygiene ? hygieneMarkdown(hygiene) : null,
    probes ? probesMarkdown(probes) : null,
    engine ? engineMarkdown(engine) : null,
    capacity ? capacityMarkdown(capacity) : null,
    detectable ? detectableMarkdown(detectable) : null,
  ].filter((text): text is string => text !== null);
}

/** The sections without a view of their own (a cluster's rollout record), by name, for the collapsed JSON view. */
export function extrasWithoutView(extras: Extras): [string, unknown][] {
  return extras.kubernetes ? [['kubernetes', extras.kubernetes]] : [];
}
