import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderHtml } from './html.ts';
import { renderSummary } from './markdown.ts';
import { PROBES_FILE } from './probes-summary.ts';
import type { Report } from './schema.ts';

export interface ReportFiles {
  reportPath: string;
  summaryPath: string;
  /** The self-contained HTML page (charts inline, no network). */
  htmlPath: string;
  /** The Kubernetes probe advice as a file to patch with, when the run measured a startup. */
  probesPath?: string;
}

/** The HTML report's name beside report.json. */
export const HTML_FILE = 'report.html';

/** Every file a run leaves in `out`, with its content: rendered once, written by either writer below. */
function reportFiles(out: string, report: Report): { files: ReportFiles; contents: [string, string][] } {
  const files: ReportFiles = {
    reportPath: path.join(out, 'report.json'),
    summaryPath: path.join(out, 'summary.md'),
    htmlPath: path.join(out, HTML_FILE),
  };
  const contents: [string, string][] = [
    [files.reportPath, `${JSON.stringify(report, null, 2)}\n`],
    [files.summaryPath, renderSummary(report)],
    [files.htmlPath, renderHtml(report)],
  ];
  const probes = report.extras?.probes;
  if (probes) {
    files.probesPath = path.join(out, PROBES_FILE);
    contents.push([files.probesPath, probes.yaml]);
  }
  return { files, contents };
}

/**
 * Writes everything a run leaves in `out`: report.json (the record), summary.md (the job summary),
 * report.html (the same for a browser) and, with probe advice, k8s-probes.yaml. Throws on a write error.
 */
export async function writeReportFiles(out: string, report: Report): Promise<ReportFiles> {
  const { files, contents } = reportFiles(out, report);
  await mkdir(out, { recursive: true });
  for (const [file, text] of contents) await writeFile(file, text);
  return files;
}

/** The same, synchronously: for an interrupted run, so that no write of the abandoned pipeline lands after it. */
export function writeReportFilesSync(out: string, report: Report): ReportFiles {
  const { files, contents } = reportFiles(out, report);
  mkdirSync(out, { recursive: true });
  for (const [file, text] of contents) writeFileSync(file, text);
  return files;
}
