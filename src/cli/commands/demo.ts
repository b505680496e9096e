import path from 'node:path';
import { ConfigError, parseGateConfig } from '../../config/load.ts';
import { EXIT } from '../../exit-codes.ts';
import { runGateGuarded } from '../../guard.ts';
import { stderrLogger } from '../../log.ts';
import { packageRoot } from '../../package-root.ts';
import type { Report } from '../../report/schema.ts';
import { colourEnabled, verdictWord } from '../colour.ts';
import { reasonLines } from '../reason-lines.ts';
import { freePort } from '../free-port.ts';
import { parseCommandArgs } from '../parse-flags.ts';
import type { Command } from './index.ts';

const help = `Usage: llm-gate demo [--out DIR]

Runs the whole gate twice against the simulator, started as a server process the way an
image's engine would be: first a good version (v1.0.0), then a regressed one (v1.1.0: slower
decoding and first tokens, wrong answers on part of the eval suite) compared against the first.
The second run fails with its reasons. Exits 0 when the gate judged both as expected.

Options:
  --out DIR   where both runs' report.json, summary.md and report.html go (default llm-gate-demo)`;

interface Version {
  tag: string;
  simulatorFlags: string[];
  baseline: string;
  expect: 'pass' | 'fail';
}

/** Whether the guard ended the run on a signal: the demo then stops instead of gating the next version. */
const interrupted = (report: Report): boolean => report.reasons.some((r) => r.dimension === 'gate' && r.message.startsWith('interrupted by '));

export const demoCommand: Command = {
  summary: 'gate a good and a regressed simulated server; the second one fails',
  async run(argv) {
    const args = parseCommandArgs(argv, { out: { type: 'string', default: 'llm-gate-demo' }, help: { type: 'boolean', short: 'h' } }, help);
    if (!args.ok) return args.exitCode;
    const values = args.flags;
    const dataset = path.join(packageRoot(), 'datasets', 'starter', 'v1');
    const goodDir = path.join(values.out, 'v1.0.0');
    const versions: Version[] = [
      { tag: 'v1.0.0', simulatorFlags: ['--ttft-ms', '40', '--tpot-ms', '8'], baseline: 'none', expect: 'pass' },
      {
        tag: 'v1.1.0',
        simulatorFlags: ['--ttft-ms', '60', '--tpot-ms', '11', '--error-rate', '0.3'],
        baseline: path.join(goodDir, 'report.json'),
        expect: 'fail',
      },
    ];
    const outcomes: string[] = [];
    let asExpected = true;
    for (const v of versions) {
      const port = await freePort();
      // The CLI itself serves as the "engine": same entry point as `llm-gate simulate`.
      const serve = [process.execPath, process.argv[1]!, 'simulate', '--port', String(port), '--load-time', '2s', '--dataset', dataset, '--seed', '7', ...v.simulatorFlags]
        .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
        .join(' ');
      const config = parseGateConfig(
        {
          target: { command: serve, port },
          readiness: { intervalS: 0.5, progressEveryS: 1 },
          eval: { dataset },
          bench: { concurrency: [4], requests: 64, warmupRequests: 4, slo: { maxErrorRate: 0.01, ttftP99Ms: 2000 } },
          // The demo's store lives under its own folder: a later real run in this directory must never find the simulator's reports.
          compare: { baseline: v.baseline, storeDir: path.join(values.out, 'baselines') },
          out: path.join(values.out, v.tag),
          tag: v.tag,
        },
        'demo',
      );
      stderrLogger.info(`\n##### demo: gating ${v.tag} (expected to ${v.expect})`);
      let result;
      try {
        // Guarded as `run` is: OUT checked first, and on SIGINT/SIGTERM the simulator is stopped, not left behind.
        result = await runGateGuarded(config, { logger: stderrLogger, env: process.env });
      } catch (err) {
        if (err instanceof ConfigError) {
          process.stderr.write(`error: ${err.message}\n`);
          return EXIT.usage;
        }
        throw err;
      }
      if (interrupted(result.report)) {
        process.stdout.write(`\nllm-gate demo: ${result.report.reasons[0]!.message} while gating ${v.tag}; report: ${result.reportPath}\n`);
        return result.exitCode;
      }
      const verdict = result.report.verdict;
      if (verdict !== v.expect) asExpected = false;
      outcomes.push(`${v.tag}: ${verdictWord(verdict, colourEnabled(process.stdout))} (exit ${result.exitCode}) -> ${result.htmlPath}`);
      for (const line of reasonLines(result.report.reasons)) outcomes.push(`    - ${line}`);
    }
    process.stdout.write(`\nllm-gate demo\n${outcomes.join('\n')}\n`);
    process.stdout.write(asExpected ? '\nThe good version passed and the regressed one was blocked.\n' : '\nThe gate did not judge the demo versions as expected.\n');
    return asExpected ? EXIT.pass : EXIT.fail;
  },
};
