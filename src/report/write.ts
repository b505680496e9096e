import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { probesSectionSchema } from '../probes/section.ts';
import { PROBES_FILE } from '../probes/summary.ts';
import { renderHtml } from './html.ts';
import { renderSummary } from './markdown.ts';
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

/**
 * Writes everything a run leaves in `out`: report.json (the record), summary.md (the job summary),
 * report.html (the same for a browser) and, with probe advice, k8s-probes.yaml. Throws on a write error.
 */
export async function writeReportFiles(out: string, report: Report): Promise<ReportFiles> {
  await mkdir(out, { recursive: true });
  const files: ReportFiles = {
    reportPath: path.join(out, 'report.json'),
    summaryPath: path.join(out, 'summary.md'),
    htmlPath: path.join(out, HTML_FILE),
  };
  await writeFile(files.reportPath, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(files.summaryPath, renderSummary(report));
  await writeFile(files.htmlPath, renderHtml(report));
  const probes = probesSectionSchema.safeParse(report.extras?.probes);
  if (probes.success) {
    files.probesPath = path.join(out, PROBES_FILE);
    await writeFile(files.probesPath, probes.data.yaml);
  }
  return files;
}
