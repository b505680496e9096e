import { z } from 'zod';
import { stepProfile } from '../../bench/load.ts';
import { sweepShapes } from '../../bench/sweep.ts';
import { instabilityFromRepeats } from '../../compare/detectable.ts';
import { DEFAULT_POWER } from '../../compare/power.ts';
import { formatPlan, planDetectable } from '../../compare/plan.ts';
import { ConfigError, loadGateConfig } from '../../config/load.ts';
import { datasetDimensionNames, DatasetError, loadDataset } from '../../eval/dataset.ts';
import { EXIT } from '../../exit-codes.ts';
import { resolveDatasetPath } from '../../package-root.ts';
import type { Report } from '../../report/schema.ts';
import { readReportFile, ReportReadError } from '../../store/read-report.ts';
import { parseCommandFlags, usageError } from '../parse-flags.ts';
import type { Command } from './index.ts';

const help = `Usage: llm-gate plan [--config FILE] [--dataset PATH] [options]

Says, before any GPU time is spent, which regressions the configured suite and bench can catch
against a baseline and which they cannot: for every dimension the comparison will test, the
smallest drop (quality, score points) or change (latency, throughput) the gate flags in --power
of runs at the config's family-wise confidence, Bonferroni-adjusted across dimensions and
sequential looks, and the items or requests it would need for the target regression.
Nothing is run; the config's target is not used. See docs/compare.md ("What a suite can see").
Exit: 0 the plan was printed, 2 bad usage, config or dataset.

Options:
  -c, --config FILE      llm-gate.yml (default: ./llm-gate.yml when present, else the defaults)
  --dataset PATH         the eval suite instead of the config's (default datasets/starter/v1)
  --baseline FILE        a baseline report.json: its samples give the latency spread (else assumed)
  --repeat FILE          a report of the same model and dataset; give two (A/A runs) to measure how
                         often answers change between runs (else --instability)
  --instability F        share of items whose score differs between two runs, 0..1 (default 0:
                         a temperature-0 model on a deterministic engine)
  --power P              detection probability the figures are for (default ${DEFAULT_POWER})
  --drop PTS             quality drop to size the suite for, in points 0..1 (default 0.05)
  --change F             latency rise / throughput fall to size the bench for (default 0.20)
  --json                 print the plan as JSON
  --help`;

const options = {
  config: { type: 'string', short: 'c' },
  dataset: { type: 'string' },
  baseline: { type: 'string' },
  repeat: { type: 'string', multiple: true },
  instability: { type: 'string' },
  power: { type: 'string' },
  drop: { type: 'string' },
  change: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const share = (lo: number, hi: number) => z.coerce.number().gt(lo).lt(hi);
const flagsSchema = z.object({
  config: z.string().optional(),
  dataset: z.string().optional(),
  baseline: z.string().optional(),
  repeat: z.array(z.string()).refine((r) => r.length === 2, 'give exactly two reports (two runs of the same model)').optional(),
  instability: z.coerce.number().min(0).max(1).optional(),
  power: share(0.5, 1).default(DEFAULT_POWER),
  drop: share(0, 1).default(0.05),
  change: share(0, 1).default(0.2),
  json: z.boolean().optional(),
  help: z.boolean().optional(),
});

export const planCommand: Command = {
  summary: 'before any GPU time: which regressions this suite and bench can and cannot catch',
  async run(argv) {
    const parsed = parseCommandFlags(argv, options, flagsSchema, help);
    if (!parsed.ok) return parsed.exitCode;
    const f = parsed.flags;
    try {
      // The target is not used: a placeholder keeps a config without one (or with any) valid.
      const config = await loadGateConfig({
        env: process.env,
        ...(f.config !== undefined ? { path: f.config } : {}),
        overrides: { url: 'http://127.0.0.1/', ...(f.dataset !== undefined ? { dataset: f.dataset } : {}) },
        // The same check as the gate's before it boots: a floor that names no dimension would never apply.
        datasetDimensions: datasetDimensionNames,
      });
      const dataset = config.eval.enabled ? await loadDataset(resolveDatasetPath(config.eval.dataset)) : undefined;
      const dimensions = dataset
        ? Object.entries(dataset.manifest.dimensions).map(([name, spec]) => ({
            name,
            items: dataset.items.filter((it) => it.scoring[name] !== undefined).length,
            ...(spec.tolerance !== undefined ? { tolerance: spec.tolerance } : {}),
          }))
        : [];
      const bench = config.bench;
      const profiles = bench.enabled
        ? sweepShapes(bench).map((shape) => ({
            profile: stepProfile(shape),
            requests: bench.requests,
            blockSize: shape.mode === 'concurrency' ? shape.concurrency : (shape.maxConcurrency ?? 4),
          }))
        : [];
      let baseline: Report | undefined;
      if (f.baseline !== undefined) baseline = (await readReportFile(f.baseline)).report;
      let instability: Record<string, number> | undefined;
      if (f.repeat) {
        const [a, b] = await Promise.all(f.repeat.map(async (p) => (await readReportFile(p)).report));
        instability = Object.fromEntries(Object.entries(instabilityFromRepeats(a!, b!)).map(([k, v]) => [k, v.instability]));
      }
      const plan = planDetectable({
        dimensions,
        profiles,
        compare: config.compare,
        ...(bench.sequential.enabled
          ? { sequential: { maxRequests: Math.max(bench.sequential.maxRequests, bench.requests), roundRequests: bench.sequential.roundRequests ?? bench.requests } }
          : {}),
        ...(baseline ? { baseline } : {}),
        ...(instability ? { instability } : {}),
        assumedInstability: f.instability ?? 0,
        power: f.power,
        targets: { drop: f.drop, change: f.change },
      });
      if (f.json) {
        process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
      } else {
        const datasetLabel = dataset ? `${dataset.manifest.name}@${dataset.manifest.version}, ${dataset.items.length} items` : undefined;
        const benchLabel = profiles.length > 0 ? `${profiles.map((p) => p.profile).join(', ')}, ${bench.requests} requests a step` : undefined;
        process.stdout.write(`${formatPlan(plan, { ...(datasetLabel ? { dataset: datasetLabel } : {}), ...(benchLabel ? { bench: benchLabel } : {}) })}\n`);
      }
      return EXIT.pass;
    } catch (err) {
      if (err instanceof ConfigError || err instanceof DatasetError) return usageError(err.message, help);
      if (err instanceof ReportReadError || (err instanceof Error && /report/i.test(err.message))) {
        process.stderr.write(`error: ${err.message}\n`);
        return EXIT.usage;
      }
      throw err;
    }
  },
};
