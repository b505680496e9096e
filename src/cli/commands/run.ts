import { ConfigError, loadGateConfig } from '../../config/load.ts';
import { datasetDimensionNames } from '../../eval/dataset.ts';
import { colourEnabled, verdictWord } from '../colour.ts';
import { reasonLines } from '../reason-lines.ts';
import { EXIT } from '../../exit-codes.ts';
import { runGateGuarded } from '../../guard.ts';
import { stderrLogger } from '../../log.ts';
import { hygieneText } from '../../report/hygiene-summary.ts';
import { probesText } from '../../report/probes-summary.ts';
import { gateFlagHelp, gateFlagOptions, overridesFromFlags } from '../gate-flags.ts';
import { parseCommandArgs } from '../parse-flags.ts';
import type { Command } from './index.ts';

const help = `Usage: llm-gate run [options]

Boots the target, waits for a real inference, runs the eval suite and the load benchmark,
compares with the baseline, writes OUT/report.json, OUT/summary.md, OUT/report.html and, with
probe advice, OUT/k8s-probes.yaml. Against a baseline each load step is sampled in rounds of
--requests until the comparison is decided, up to 512 requests a step (bench.sequential).
Exit: 0 pass, 1 regression or quality/SLO failure, 2 bad usage/config/dataset, 3 could not finish
(also interrupted by SIGINT/SIGTERM/SIGHUP: the target is stopped and the report written first).

${gateFlagHelp}`;

export const runCommand: Command = {
  summary: 'run the whole gate on one target',
  async run(argv) {
    const args = parseCommandArgs(argv, gateFlagOptions, help);
    if (!args.ok) return args.exitCode;
    const values = args.flags;
    let result;
    try {
      // A bad config, and an OUT the guard refuses, are the user's to fix.
      const config = await loadGateConfig({ env: process.env, path: values.config, overrides: overridesFromFlags(values), datasetDimensions: datasetDimensionNames });
      result = await runGateGuarded(config, { logger: stderrLogger, env: process.env });
    } catch (err) {
      if (err instanceof ConfigError) {
        process.stderr.write(`error: ${err.message}\n`);
        return EXIT.usage;
      }
      throw err;
    }
    const { report } = result;
    const { hygiene, probes } = report.extras ?? {};
    const lines = [
      ...(hygiene ? hygieneText(hygiene) : []),
      ...(probes && result.probesPath !== undefined ? probesText(probes, result.probesPath) : []),
    ];
    if (lines.length > 0) process.stdout.write(`\n${lines.join('\n')}\n`);
    process.stdout.write(`\nllm-gate: ${verdictWord(report.verdict, colourEnabled(process.stdout))}\n`);
    for (const line of reasonLines(report.reasons)) process.stdout.write(`  - ${line}\n`);
    process.stdout.write(`report: ${result.reportPath}\nsummary: ${result.summaryPath}\nhtml: ${result.htmlPath}\n`);
    return result.exitCode;
  },
};
