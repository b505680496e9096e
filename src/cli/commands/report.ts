import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT } from '../../exit-codes.ts';
import { outFileProblem } from '../out-file.ts';
import { renderHtml } from '../../report/html.ts';
import { reportSchema } from '../../report/schema.ts';
import { HTML_FILE } from '../../report/write.ts';
import { usageError } from '../parse-flags.ts';
import type { Command } from './index.ts';

const help = `Usage: llm-gate report REPORT_JSON [--out FILE] [--open]

Writes the self-contained HTML report for a report.json (summary, tables and charts in one
file that needs no network) beside it as ${HTML_FILE}, and prints its path. Every run writes
it already; this rebuilds it, e.g. from a downloaded artifact.

Options:
  --out FILE   where to write the HTML (default: ${HTML_FILE} beside REPORT_JSON)
  --open       open it in the default browser (xdg-open, open or start)
  --help`;

/** The desktop's "open this file" command; detached so the CLI does not wait for the browser. */
function openInBrowser(file: string): void {
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [file]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', file]] : ['xdg-open', [file]];
  const child = spawn(cmd, args, { detached: true, stdio: 'ignore' });
  child.on('error', (err) => process.stderr.write(`warning: could not open a browser (${err.message}); open ${file} yourself\n`));
  child.unref();
}

export const reportCommand: Command = {
  summary: 'write (and --open) the self-contained HTML report for a report.json',
  async run(argv) {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        options: { out: { type: 'string' }, open: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
        strict: true,
        allowPositionals: true,
      });
    } catch (err) {
      return usageError((err as Error).message, help);
    }
    if (parsed.values.help) {
      process.stdout.write(`${help}\n`);
      return EXIT.pass;
    }
    if (parsed.positionals.length !== 1) return usageError('give exactly one report.json', help);
    const input = parsed.positionals[0]!;
    let text;
    try {
      text = await readFile(input, 'utf8');
    } catch (err) {
      return usageError(`cannot read ${input}: ${(err as Error).message}`, help);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      return usageError(`${input} is not JSON: ${(err as Error).message}`, help);
    }
    const report = reportSchema.safeParse(json);
    if (!report.success) {
      const issue = report.error.issues[0]!;
      return usageError(`${input} is not an llm-gate report: ${issue.path.join('.') || '(root)'}: ${issue.message}`, help);
    }
    const out = parsed.values.out ?? path.join(path.dirname(input), HTML_FILE);
    const outProblem = await outFileProblem(out);
    if (outProblem) {
      process.stderr.write(`error: ${outProblem}\n`);
      return EXIT.usage;
    }
    await writeFile(out, renderHtml(report.data));
    process.stdout.write(`${out}\n`);
    if (parsed.values.open) openInBrowser(path.resolve(out));
    return EXIT.pass;
  },
};
