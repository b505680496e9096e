import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT } from '../../exit-codes.ts';
import { mergeCells, mergedMarkdown, mergedReasons } from '../../merge/merge.ts';
import { readCells } from '../../merge/read.ts';
import type { Command } from './index.ts';

const help = `Usage: llm-gate merge [--out DIR] REPORT.json|GLOB...

Combines the reports of a matrix (one gate per GPU type or model, each compared with its own baseline
line) into one verdict: the worst cell's. Writes DIR/merged.json and DIR/summary.md (default
llm-gate-merged). Exit: 0 all passed, 1 a cell failed, 3 a cell could not finish, 2 bad usage or a
pattern that matches no report.`;

export const mergeCommand: Command = {
  summary: "combine a matrix's reports into one verdict and summary",
  async run(argv) {
    let values: { out?: string; help?: boolean };
    let positionals: string[];
    try {
      ({ values, positionals } = parseArgs({ args: argv, options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true }));
    } catch (err) {
      process.stderr.write(`error: ${(err as Error).message}\n\n${help}\n`);
      return EXIT.usage;
    }
    if (values.help) {
      process.stdout.write(`${help}\n`);
      return EXIT.pass;
    }
    if (positionals.length === 0) {
      process.stderr.write(`error: name the reports to merge\n\n${help}\n`);
      return EXIT.usage;
    }
    let cells;
    try {
      cells = await readCells(positionals);
    } catch (err) {
      process.stderr.write(`error: ${(err as Error).message}\n`);
      return EXIT.usage;
    }
    const merged = mergeCells(cells);
    const out = values.out ?? 'llm-gate-merged';
    await mkdir(out, { recursive: true });
    await writeFile(path.join(out, 'merged.json'), `${JSON.stringify(merged, null, 2)}\n`);
    await writeFile(path.join(out, 'summary.md'), mergedMarkdown(merged, cells));
    process.stdout.write(`llm-gate merge: ${merged.verdict.toUpperCase()} (${cells.length} cells)\n`);
    for (const c of merged.cells) process.stdout.write(`  ${c.verdict.toUpperCase().padEnd(5)} ${c.name}${c.baseline ? ` vs ${c.baseline}` : ''}\n`);
    for (const r of mergedReasons(merged)) process.stdout.write(`  - ${r.dimension}: ${r.message}\n`);
    return merged.verdict === 'pass' ? EXIT.pass : merged.verdict === 'fail' ? EXIT.fail : EXIT.error;
  },
};
