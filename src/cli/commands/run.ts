import { ConfigError, loadGateConfig } from '../../config/load.ts';
import { EXIT } from '../../exit-codes.ts';
import { runGate } from '../../gate.ts';
import { hygieneReportSchema } from '../../hygiene/findings.ts';
import { hygieneText } from '../../hygiene/summary.ts';
import { probesSectionSchema } from '../../probes/section.ts';
import { probesText } from '../../probes/summary.ts';
import { stderrLogger } from '../../log.ts';
import { resolveDatasetPath } from '../../package-root.ts';
import { gateFlagHelp, gateFlagOptions, overridesFromFlags } from '../gate-flags.ts';
import { parseCommandArgs } from '../parse-flags.ts';
import type { Command } from './index.ts';

const help = `Usage: llm-gate run [options]

Boots the target, waits for a real inference, runs the eval suite and the load benchmark,
compares with the baseline, writes OUT/report.json and OUT/summary.md.
Exit: 0 pass, 1 regression or quality/SLO failure, 2 bad usage/config/dataset, 3 could not finish.

${gateFlagHelp}`;

export const runCommand: Command = {
  summary: 'run the whole gate on one target',
  async run(argv) {
    const args = parseCommandArgs(argv, gateFlagOptions, help);
    if (!args.ok) return args.exitCode;
    const values = args.flags;
    let config;
    try {
      config = await loadGateConfig({ path: values.config, overrides: overridesFromFlags(values) });
    } catch (err) {
      if (err instanceof ConfigError) {
        process.stderr.write(`error: ${err.message}\n`);
        return EXIT.usage;
      }
      throw err;
    }
    config.eval.dataset = resolveDatasetPath(config.eval.dataset);
    if (config.bench.prompts !== 'synthetic') config.bench.prompts = resolveDatasetPath(config.bench.prompts);
    const result = await runGate(config, { logger: stderrLogger });
    const { report } = result;
    const hygiene = hygieneReportSchema.safeParse(report.extras?.hygiene);
    const probes = probesSectionSchema.safeParse(report.extras?.probes);
    const lines = [...(hygiene.success ? hygieneText(hygiene.data) : []), ...(probes.success ? probesText(probes.data) : [])];
    if (lines.length > 0) process.stdout.write(`\n${lines.join('\n')}\n`);
    process.stdout.write(`\nllm-gate: ${report.verdict.toUpperCase()}\n`);
    for (const r of report.reasons) process.stdout.write(`  - ${r.dimension}: ${r.message}\n`);
    process.stdout.write(`report: ${result.reportPath}\nsummary: ${result.summaryPath}\n`);
    return result.exitCode;
  },
};
