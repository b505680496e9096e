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

/** A repository-relative path with forward slashes, or null for a file outside the workspace. */
function workspacePath(file: string, workspace: string): string | null {
  const rel = path.relative(workspace, path.resolve(workspace, file));
  return rel.startsWith('..') || path.isAbsolute(rel) ? null : rel.split(path.sep).join('/');
}

/**
 * Annotations for Kubernetes probe findings on the linted manifest's lines (extras.probes): a liveness
 * probe that would kill the server while it loads shows on the line that sets it.
 */
export function manifestAnnotations(report: Report, workspace: string): Annotation[] {
  const manifest = report.extras?.probes?.manifest;
  if (!manifest) return [];
  return manifest.findings.flatMap((f) => {
    const file = workspacePath(f.file, workspace);
    if (file === null || f.line === undefined) return [];
    const level = f.severity === 'critical' || f.severity === 'high' ? 'failure' : f.severity === 'medium' ? 'warning' : 'notice';
    return [
      {
        path: file,
        start_line: f.line,
        end_line: f.line,
        annotation_level: level,
        title: truncate(stripControl(`llm-gate probes: ${f.resource} ${f.field}`), 200),
        message: truncate(stripControl(f.message), 1000),
      },
    ];
  });
}

/**
 * Annotations for failing eval items, pointing at their line in the dataset's items file, so a reviewer sees
 * them in the PR's Files tab. Annotations take plain text, but it is still untrusted: control characters
 * are stripped and lengths capped. Items without a line, or a dataset outside the workspace, get none.
 */
export function failingItemAnnotations(report: Report, workspace: string): Annotation[] {
  const quality = report.quality;
  if (!quality?.dataset.path) return [];
  const file = workspacePath(itemsFile(quality.dataset.path), workspace);
  if (file === null) return [];
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
        path: file,
        start_line: item.line,
        end_line: item.line,
        annotation_level: failing ? 'failure' : 'warning',
        title: truncate(stripControl(`llm-gate ${dimension}: ${item.id} scored ${item.score.toFixed(2)}`), 200),
        message: truncate(stripControl(why ?? `scored ${item.score.toFixed(2)}`), 1000),
        raw_details: truncate(stripControl(`Model output:\n${item.output}`), 4000),
      });
    }
  }
  return annotations;
}

const LEVEL_RANK = { failure: 0, warning: 1, notice: 2 } as const;

/** Every annotation the check run carries, failures first so the cap drops notices and warnings first. */
export function checkAnnotations(report: Report, workspace: string): Annotation[] {
  return [...failingItemAnnotations(report, workspace), ...manifestAnnotations(report, workspace)]
    .sort((a, b) => LEVEL_RANK[a.annotation_level] - LEVEL_RANK[b.annotation_level])
    .slice(0, MAX_ANNOTATIONS);
}
