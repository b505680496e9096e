import { access } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { compareReports, DEFAULT_SEED, type CompareConfig } from '../../compare/compare.ts';
import { formatComparisonTable } from '../../compare/table.ts';
import { verdictFromComparison } from '../../compare/verdict.ts';
import { ConfigError, DEFAULT_CONFIG_FILE, loadGateConfig } from '../../config/load.ts';
import { compareConfigSchema } from '../../config/schema.ts';
import { EXIT } from '../../exit-codes.ts';
import { describeDifferences, identityDifferences, identityFieldSchema, identityOfReport, IDENTITY_FIELDS } from '../../report/identity.ts';
import { readReportFile } from '../../store/read-report.ts';
import { describeArgsError, usageError } from '../parse-flags.ts';
import type { Command } from './index.ts';

const help = `Usage: llm-gate compare BASELINE.json CANDIDATE.json [options]

Compares two report.json files dimension by dimension, noise-aware: a dimension regresses only
when its change is statistically clear (bootstrap interval at the family-wise confidence,
Bonferroni-adjusted across dimensions) and beyond its practical tolerance. See docs/compare.md.
Exit: 0 no regression, 1 a dimension regressed, 2 unreadable input, bad options, or a dataset
that changed between the two reports.

Options:
  --confidence C           family-wise confidence, 0.5 < C < 1 (default: config, else 0.95)
  --tolerance NAME=VALUE   a dimension's tolerance, NAME may use * (repeatable):
                           --tolerance 'perf.*.ttft.p99=0.2' --tolerance quality.exact=0.05
  --allow-dataset-change   compare quality on the item ids both reports share
  --allow-change LIST      compare reports of another model,engine,gpu,dataset instead of refusing
  --config FILE            read the compare section of an llm-gate.yml (default: ./${DEFAULT_CONFIG_FILE} if present)
  --seed N                 bootstrap seed (default ${DEFAULT_SEED}); same seed, same intervals
  --json                   print {verdict, reasons, comparison} as JSON instead of the table
  --help`;

const options = {
  confidence: { type: 'string' },
  tolerance: { type: 'string', multiple: true },
  'allow-dataset-change': { type: 'boolean' },
  'allow-change': { type: 'string' },
  config: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

async function baseConfig(configPath: string | undefined): Promise<CompareConfig> {
  if (configPath === undefined) {
    try {
      await access(DEFAULT_CONFIG_FILE);
    } catch {
      return compareConfigSchema.parse({});
    }
  }
  return (await loadGateConfig({ env: process.env, ...(configPath !== undefined ? { path: configPath } : {}), overrides: {} })).compare;
}

export const compareCommand: Command = {
  summary: 'compare two report.json files per dimension, noise-aware; exit 1 on regression',
  async run(argv) {
    let parsed;
    try {
      parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
    } catch (err) {
      return usageError(describeArgsError(err, options), help);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      process.stdout.write(`${help}\n`);
      return EXIT.pass;
    }
    if (positionals.length !== 2) return usageError(`expected BASELINE.json and CANDIDATE.json, found ${positionals.length} paths`, help);
    let config: CompareConfig;
    try {
      config = await baseConfig(values.config);
    } catch (err) {
      if (err instanceof ConfigError) return usageError(err.message, help);
      throw err;
    }
    const tolerances: Record<string, number> = { ...config.tolerances };
    for (const t of values.tolerance ?? []) {
      const m = /^([^=]+)=([0-9.]+)$/.exec(t);
      if (!m || !Number.isFinite(Number(m[2]))) return usageError(`--tolerance: expected NAME=VALUE such as perf.*.ttft.p99=0.2, found '${t}'`, help);
      tolerances[m[1]!] = Number(m[2]);
    }
    const overrides = compareConfigSchema.safeParse({
      ...config,
      tolerances,
      ...(values.confidence !== undefined ? { confidence: Number(values.confidence) } : {}),
      ...(values['allow-dataset-change'] ? { allowDatasetChange: true } : {}),
    });
    if (!overrides.success) {
      return usageError(overrides.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('; '), help);
    }
    const seed = values.seed === undefined ? DEFAULT_SEED : z.coerce.number().int().safeParse(values.seed).data;
    if (seed === undefined) return usageError(`--seed: expected an integer, found '${values.seed}'`, help);

    const [baselinePath, candidatePath] = positionals as [string, string];
    let baseline;
    let candidate;
    try {
      baseline = await readReportFile(baselinePath);
      candidate = await readReportFile(candidatePath);
    } catch (err) {
      process.stderr.write(`error: ${(err as Error).message}\n`);
      return EXIT.usage;
    }
    // Like with like: two reports of another model, engine major version, GPU type or dataset are not compared.
    const allowed = z.array(identityFieldSchema).safeParse((values['allow-change'] ?? '').split(',').map((f) => f.trim()).filter(Boolean));
    if (!allowed.success) return usageError(`--allow-change: expected a list of ${IDENTITY_FIELDS.join(', ')}, found '${values['allow-change']}'`, help);
    const diffs = identityDifferences(identityOfReport(baseline.report), identityOfReport(candidate.report), [
      ...allowed.data,
      ...(overrides.data.allowDatasetChange ? (['dataset'] as const) : []),
    ]);
    if (diffs.length > 0) {
      process.stderr.write(`error: ${describeDifferences(baselinePath, diffs)}\n`);
      return EXIT.usage;
    }
    const compareConfig = allowed.data.includes('dataset') ? { ...overrides.data, allowDatasetChange: true } : overrides.data;
    const comparison = compareReports(baseline.report, candidate.report, compareConfig, { seed, baselineRef: baselinePath });
    const { verdict, reasons } = verdictFromComparison(comparison);
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ verdict, reasons, comparison }, null, 2)}\n`);
    } else {
      process.stdout.write(`${formatComparisonTable(comparison)}\n`);
      for (const r of reasons) process.stdout.write(`${verdict === 'error' ? 'error' : 'regression'}: ${r.message}\n`);
      process.stdout.write(`verdict: ${verdict}\n`);
    }
    return verdict === 'pass' ? EXIT.pass : verdict === 'fail' ? EXIT.fail : EXIT.usage;
  },
};
