import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { AcceptEntry } from '../report/schema.ts';

const eventSchema = z.object({
  repository: z.object({ default_branch: z.string().optional() }).passthrough().optional(),
  pull_request: z
    .object({ labels: z.array(z.object({ name: z.string(), description: z.string().nullable().optional() })).optional() })
    .passthrough()
    .optional(),
});

/** What the gate takes from the workflow's event payload; empty where there is none (a local run). */
export interface WorkflowEvent {
  defaultBranch?: string;
  labels: { name: string; description?: string }[];
}

export function readWorkflowEvent(file: string | undefined): WorkflowEvent {
  if (!file) return { labels: [] };
  try {
    const parsed = eventSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) return { labels: [] };
    const d = parsed.data;
    return {
      ...(d.repository?.default_branch ? { defaultBranch: d.repository.default_branch } : {}),
      labels: (d.pull_request?.labels ?? []).map((l) => ({ name: l.name, ...(l.description ? { description: l.description } : {}) })),
    };
  } catch {
    return { labels: [] };
  }
}

export const ACCEPT_LABEL_PREFIX = 'llm-gate:accept:';

/**
 * A pull-request label `llm-gate:accept:tpot.p50,json_format` accepts those dimensions' regressions; the
 * label's description is the reason (else the label itself is named as the reason). Adding a label is a
 * reviewer's recorded act in the pull request's timeline; the gate writes it into the report too. Pure.
 */
export function acceptFromLabels(labels: WorkflowEvent['labels']): AcceptEntry[] {
  return labels.flatMap((l) => {
    if (!l.name.startsWith(ACCEPT_LABEL_PREFIX)) return [];
    const dimensions = l.name.slice(ACCEPT_LABEL_PREFIX.length).split(',').map((d) => d.trim()).filter(Boolean);
    if (dimensions.length === 0) return [];
    return [{ dimensions, reason: l.description ?? `pull-request label "${l.name}"`, source: `pull-request label ${l.name}` }];
  });
}

/** `refs/tags/v1.2.0` -> `v1.2.0`; undefined for other refs. */
export function tagOfRef(ref: string | undefined): string | undefined {
  return ref?.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined;
}
