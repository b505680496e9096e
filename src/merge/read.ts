import { glob } from 'node:fs/promises';
import { readReportFile } from '../store/read-report.ts';
import { cellName, type Cell } from './merge.ts';

/**
 * The reports named by paths or glob patterns (`reports/*\/report.json`, as download-artifact lays them
 * out), each validated; a pattern that matches nothing is an error, so a missing cell is never a pass.
 */
export async function readCells(patterns: string[], cwd = process.cwd()): Promise<Cell[]> {
  const cells: Cell[] = [];
  for (const pattern of patterns) {
    const files: string[] = [];
    for await (const f of glob(pattern, { cwd })) files.push(f);
    if (files.length === 0) throw new Error(`${pattern}: matches no report.json`);
    for (const file of files.sort()) {
      const { report } = await readReportFile(file.startsWith('/') ? file : `${cwd}/${file}`);
      cells.push({ name: cellName(report, file), source: file, report });
    }
  }
  return cells;
}
