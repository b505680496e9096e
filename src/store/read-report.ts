import { readFile } from 'node:fs/promises';
import { REPORT_SCHEMA_VERSION, reportSchema, type Report } from '../report/schema.ts';

/** A stored report that cannot be used as a baseline; `source` names the file or ref. */
export class ReportReadError extends Error {
  readonly source: string;
  constructor(source: string, detail: string) {
    super(`${source}: ${detail}`);
    this.name = 'ReportReadError';
    this.source = source;
  }
}

/** Parses and validates report.json text; errors name the source and the first offending fields. */
export function parseReport(text: string, source: string): Report {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ReportReadError(source, `not valid JSON (${(err as Error).message})`);
  }
  if (typeof json !== 'object' || json === null) throw new ReportReadError(source, 'expected a JSON object (an llm-gate report.json)');
  const rec = json as Record<string, unknown>;
  if (rec.tool === undefined || (rec.tool as { name?: unknown }).name !== 'llm-gate') {
    throw new ReportReadError(source, 'not an llm-gate report (tool.name is not "llm-gate")');
  }
  if (rec.schemaVersion !== REPORT_SCHEMA_VERSION) {
    throw new ReportReadError(
      source,
      `report schemaVersion ${JSON.stringify(rec.schemaVersion)} is not the supported ${REPORT_SCHEMA_VERSION}; re-run the baseline with this llm-gate version`,
    );
  }
  const parsed = reportSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new ReportReadError(source, `does not match the report schema: ${issues}`);
  }
  return parsed.data;
}

export async function readReportFile(path: string): Promise<{ report: Report; text: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ReportReadError(path, `cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return { report: parseReport(text, path), text };
}
