import { escapeInline, stripControl } from './escape.ts';
import { plural } from './format.ts';
import type { Finding, HygieneReport } from './schema.ts';

function size(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GiB` : `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
}

/** A findings table; image names, ENV names and history lines come from the image, so every cell is escaped. */
export function findingsTable(findings: readonly Finding[]): string {
  const rows = findings.map(
    (f) => `| ${f.severity} | ${escapeInline(f.id, 40)} | ${escapeInline(f.message, 400)} | ${f.evidence ? escapeInline(f.evidence, 200) : ''} |`,
  );
  return ['| Severity | Check | Finding | Evidence |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** The job-summary section for an image's hygiene. */
export function hygieneMarkdown(report: HygieneReport): string {
  const head = `### Image hygiene\n\n${escapeInline(report.image, 200)}: ${size(report.sizeBytes)}, ${plural(report.layers, 'layer')}, user ${report.user ? escapeInline(report.user, 40) : 'root (no USER)'}`;
  return report.findings.length === 0 ? `${head}\n\nNo findings.` : `${head}\n\n${findingsTable(report.findings)}`;
}

/** Lines for the CLI, worst first; control characters from the image are stripped. */
export function hygieneText(report: HygieneReport): string[] {
  const head = `image hygiene: ${report.image}: ${size(report.sizeBytes)}, ${plural(report.layers, 'layer')}, user ${report.user || 'root (no USER)'}`;
  const lines = report.findings.map((f) => `  ${f.severity.padEnd(8)} ${f.id}: ${f.message}${f.evidence ? ` [${f.evidence}]` : ''}`);
  return [head, ...(lines.length > 0 ? lines : ['  no findings'])].map(stripControl);
}
