import path from 'node:path';
import { stripControl, truncate } from '../escape.ts';
import type { Report } from '../schema.ts';

/** One check-run annotation, as the Checks API takes it. */
export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  title: string;
  message: string;
  raw_details?: string;
}

/** The Checks API takes 50 annotations per request; more are sent in further updates, up to this many. */
export const ANNOTATIONS_PER_REQUEST = 50;
export const MAX_ANNOTATIONS = 500;

/** The items file a report's dataset path names: the dataset directory, its dataset.yaml, or items.jsonl. */
function itemsFile(datasetPath: string): string {
  if (datasetPath.endsWith('.jsonl')) return datasetPath;
  if (/\.ya?ml$/.test(datasetPath)) return path.join(path.dirname(datasetPath), 'items.jsonl');
  return path.join(datasetPath, 'items.jsonl');
}

/**
 * Annotations for failing eval items, pointing at their line in the dataset's items file, so a reviewer sees
 * them in the PR's Files tab. Annotations take plain text, but it is still untrusted: control characters
 * are stripped and lengths capped. Items without a line, or a dataset outside the workspace, get none.
 */
export function failingItemAnnotations(report: Report, workspace: string): Annotation[] {
  const quality = report.quality;
  if (!quality?.dataset.path) return [];
  const file = path.relative(workspace, path.resolve(workspace, itemsFile(quality.dataset.path)));
  if (file.startsWith('..') || path.isAbsolute(file)) return [];
  const regressed = new Set(
    Object.entries(report.comparison?.dimensions ?? {})
      .filter(([, d]) => d.regressed)
      .map(([name]) => name),
  );
  const annotations: Annotation[] = [];
  for (const [dimension, result] of Object.entries(quality.dimensions)) {
    // Items of a dimension that regressed or fell below its floor are why the gate failed; others are context.
    const failing =
      regressed.has(dimension) ||
      regressed.has(`quality.${dimension}`) ||
      (result.threshold !== undefined && result.score < result.threshold);
    for (const item of result.items) {
      if (item.line === undefined || (item.score >= 1 && item.error === undefined)) continue;
      const why = item.error ?? item.reason;
      annotations.push({
        path: file.split(path.sep).join('/'),
        start_line: item.line,
        end_line: item.line,
        annotation_level: failing ? 'failure' : 'warning',
        title: truncate(stripControl(`llm-gate ${dimension}: ${item.id} scored ${item.score.toFixed(2)}`), 200),
        message: truncate(stripControl(why ?? `scored ${item.score.toFixed(2)}`), 1000),
        raw_details: truncate(stripControl(`Model output:\n${item.output}`), 4000),
      });
    }
  }
  // Failures first, so the cap drops warnings before failures.
  return annotations
    .sort((a, b) => Number(b.annotation_level === 'failure') - Number(a.annotation_level === 'failure'))
    .slice(0, MAX_ANNOTATIONS);
}
