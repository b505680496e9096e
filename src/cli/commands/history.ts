import { z } from 'zod';
import { EXIT } from '../../exit-codes.ts';
import { readHistory } from '../../history/read.ts';
import { trendCharts, trendTable } from '../../history/trend.ts';
import { createStore } from '../../store/create.ts';
import { parseCommandArgs } from '../parse-flags.ts';
import type { Command } from './index.ts';
import { errorText } from '../../log.ts';

const help = `Usage: llm-gate history [options]

Prints the trend of the key dimensions (TTFT p99, TPOT p50, throughput, mean quality score, seconds
to ready, accepted regressions) over the last N releases stored in a baseline store, one table per
identity line (model and GPU type).

Options:
  --store KIND       local | git | artifacts (default local)
  --store-dir DIR    the local store's folder (default .llm-gate/baselines)
  --git-branch NAME  the git store's branch (default llm-gate-baselines)
  --line LINE        only this identity line (report.json identity.line)
  --last N           releases per line (default 10)
  --markdown         Mermaid charts instead of tables (for a job summary or a comment)`;

const storeKind = z.enum(['local', 'git', 'artifacts']);

export const historyCommand: Command = {
  summary: 'the trend of key dimensions over the last releases in a baseline store',
  async run(argv) {
    const args = parseCommandArgs(
      argv,
      {
        store: { type: 'string', default: 'local' },
        'store-dir': { type: 'string', default: '.llm-gate/baselines' },
        'git-branch': { type: 'string', default: 'llm-gate-baselines' },
        line: { type: 'string' },
        last: { type: 'string', default: '10' },
        markdown: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
      help,
    );
    if (!args.ok) return args.exitCode;
    const f = args.flags;
    const kind = storeKind.safeParse(f.store);
    const n = Number(f.last);
    if (!kind.success || !Number.isInteger(n) || n < 1) {
      process.stderr.write(`error: ${!kind.success ? `--store: expected local, git or artifacts, found "${f.store}"` : `--last: expected a positive whole number, found "${f.last}"`}\n`);
      return EXIT.usage;
    }
    let result;
    // With --line, the lines the store does hold, to say when the one asked for is not among them.
    let storedLines: string[] = [];
    let where: string;
    try {
      const store = createStore({ store: kind.data, storeDir: f['store-dir'], gitBranch: f['git-branch'] }, process.env);
      where = store.name;
      result = await readHistory(store, { n, ...(f.line !== undefined ? { line: f.line } : {}) });
      if (f.line !== undefined && result.lines.every((l) => l.points.length === 0)) {
        storedLines = [...new Set((await store.list()).flatMap((r) => (r.kind === 'tag' && r.line !== undefined ? [r.line] : [])))].sort();
      }
    } catch (err) {
      process.stderr.write(`error: ${errorText(err)}\n`);
      return EXIT.error;
    }
    for (const note of result.notes) process.stderr.write(`warning: ${note}\n`);
    if (result.lines.every((l) => l.points.length === 0)) {
      if (f.line === undefined) process.stdout.write(`no releases stored yet in ${where}\n`);
      else process.stdout.write(`no releases stored for line ${f.line} in ${where}${storedLines.length > 0 ? `; it holds lines ${storedLines.join(', ')}` : ''}\n`);
      return EXIT.pass;
    }
    for (const l of result.lines) {
      if (l.points.length === 0) continue;
      const body = f.markdown ? trendCharts(l.points, l.line) || '(one release: no trend yet)' : trendTable(l.points);
      process.stdout.write(`${f.markdown ? '### ' : ''}line ${l.line}\n\n${body}\n\n`);
    }
    return EXIT.pass;
  },
};
