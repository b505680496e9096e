/**
 * Checks the minimum-detectable-effect formulas (src/compare/power.ts) against simulated gate runs
 * decided by the real compareReports: for a grid of item counts, answer instabilities and drops,
 * the detection rate measured over many runs next to the power the formula predicts, and the same
 * for a latency median at several request counts. Statistics only (no simulator process), so it
 * runs in a minute or two. `node bench/mde.ts --help`.
 *
 * Quality model simulated: 90% baseline accuracy; each run, each item's observed score flips with
 * probability φ (instability f = 2φ(1−φ): the share of items whose score differs between two runs);
 * the candidate's model lost δ points: each right item turned wrong with probability δ/0.9, so
 * how many of the dataset's items a drop hits varies between runs, as it does for a real model.
 * Latency: lognormal TTFT (σ 0.5), blocks of 4 requests, the candidate ×(1 + Δ).
 */
import { parseArgs } from 'node:util';
import { compareReports } from '../src/compare/compare.ts';
import { lognormalQuantileLogSd, perTestAlpha, qualityMde, qualityPower, ratioPower } from '../src/compare/power.ts';
import { createRng, type Rng } from '../src/compare/stats/prng.ts';
import { compareConfigSchema } from '../src/config/schema.ts';
import type { BenchRun, Report } from '../src/report/schema.ts';
import { syntheticQualityReport } from './synthetic-report.ts';

const config = compareConfigSchema.parse({ latencyMetrics: ['ttft.p50'], resamples: 2000 });
const TESTS = 9;

function qualityReport(scores: number[]): Report {
  return syntheticQualityReport(scores, TESTS, 'mde-bench');
}

export interface QualityCell {
  items: number;
  flip: number;
  instability: number;
  drop: number;
  predicted: number;
  measured: number;
  runs: number;
}

/** Detection rates of simulated gate runs next to qualityPower's prediction. */
export function qualityCells(opts: { items: number[]; flips: number[]; drops: number[]; runs: number; seed: number }): QualityCell[] {
  const rng = createRng(opts.seed);
  const cells: QualityCell[] = [];
  for (const flip of opts.flips) {
    const instability = 2 * flip * (1 - flip);
    for (const n of opts.items) {
      for (const drop of opts.drops) {
        let detected = 0;
        for (let r = 0; r < opts.runs; r++) {
          const truth = Array.from({ length: n }, () => (rng() < 0.9 ? 1 : 0));
          const regressed = truth.map((x) => (x === 1 && rng() < drop / 0.9 ? 0 : x));
          const observe = (t: number[]): number[] => t.map((x) => (rng() < flip ? 1 - x : x));
          const c = compareReports(qualityReport(observe(truth)), qualityReport(observe(regressed)), config, { seed: r });
          if (c.dimensions['quality.factual']?.regressed) detected++;
        }
        const predicted = qualityPower({ items: n, tolerance: config.qualityTolerance, alpha: perTestAlpha(config.confidence, TESTS), instability, drop });
        cells.push({ items: n, flip, instability, drop, predicted, measured: detected / opts.runs, runs: opts.runs });
      }
    }
  }
  return cells;
}

function lognormal(rng: Rng, sigma: number): number {
  // Box-Muller
  const u = Math.max(1e-12, rng());
  const v = rng();
  return Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
}

function latencyReport(ttfts: number[]): Report {
  const samples = ttfts.map((t, i) => ({ ok: true, startMs: i, ttftMs: 100 * t, e2eMs: 100 * t + 500, tpotMs: 8, itlMs: [], inputTokens: 10, outputTokens: 64 }));
  const stats = { mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 };
  const run: BenchRun = {
    profile: 'c4',
    concurrency: 4,
    requests: samples.length,
    ok: samples.length,
    errors: 0,
    errorsByKind: {},
    durationS: 1,
    ttftMs: stats,
    tpotMs: stats,
    itlMs: stats,
    e2eMs: stats,
    outputTokensPerSec: 1,
    requestsPerSec: 1,
    tokenSource: 'usage',
    samples,
  };
  return { ...qualityReport([]), quality: null, performance: { runs: [run] } };
}

export interface LatencyCell {
  requests: number;
  change: number;
  predicted: number;
  measured: number;
  runs: number;
}

/** Detection rates of a TTFT p50 shift next to ratioPower's prediction (lognormal σ 0.5, blocks of 4). */
export function latencyCells(opts: { requests: number[]; changes: number[]; runs: number; seed: number }): LatencyCell[] {
  const rng = createRng(opts.seed + 1);
  const sigma = 0.5;
  const cells: LatencyCell[] = [];
  for (const n of opts.requests) {
    for (const change of opts.changes) {
      let detected = 0;
      // The family: ttft.p50, throughput and error rate of one profile.
      const tests = 3;
      for (let r = 0; r < opts.runs; r++) {
        const a = Array.from({ length: n }, () => lognormal(rng, sigma));
        const b = Array.from({ length: n }, () => lognormal(rng, sigma) * (1 + change));
        const c = compareReports(latencyReport(a), latencyReport(b), config, { seed: r });
        if (c.dimensions['perf.c4.ttft.p50']?.regressed) detected++;
      }
      const se = Math.SQRT2 * lognormalQuantileLogSd(sigma, 0.5, n);
      const predicted = ratioPower({ standardError: se, tolerance: config.latencyTolerance, alpha: perTestAlpha(config.confidence, tests), direction: 'lower-is-better', change });
      cells.push({ requests: n, change, predicted, measured: detected / opts.runs, runs: opts.runs });
    }
  }
  return cells;
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** Prints the predicted-versus-measured tables; `runs` simulated gate runs a cell. */
export function runMdeBench(opts: { runs: number; seed: number }): void {
  const { runs, seed } = opts;
  const t0 = performance.now();
  const alpha = perTestAlpha(config.confidence, TESTS);
  process.stdout.write(`quality: 90% accuracy, tolerance 3 pts, ${TESTS} tests in the family, ${runs} simulated gate runs a cell\n`);
  process.stdout.write('  items  instability   drop  predicted  measured   | MDE at 95% power\n');
  const cells = qualityCells({ items: [50, 150, 300, 600], flips: [0, 0.01, 0.025], drops: [0.05, 0.1], runs, seed });
  for (const c of cells) {
    const mde = c.drop === 0.05 ? qualityMde({ items: c.items, tolerance: 0.03, alpha, instability: c.instability, power: 0.95 }) : undefined;
    process.stdout.write(
      `  ${String(c.items).padStart(5)}  ${pct(c.instability).padStart(11)}  ${pct(c.drop).padStart(5)}  ${pct(c.predicted).padStart(9)}  ${pct(c.measured).padStart(8)}` +
        `${mde === undefined ? '' : `   | ${mde === null ? 'none' : `${(mde * 100).toFixed(1)} pts`}`}\n`,
    );
  }
  process.stdout.write(`latency: TTFT p50, lognormal sigma 0.5, blocks of 4, tolerance 10%, 3 tests, ${runs} runs a cell\n`);
  process.stdout.write('  requests  change  predicted  measured\n');
  for (const c of latencyCells({ requests: [64, 256, 1024], changes: [0.15, 0.3], runs, seed })) {
    process.stdout.write(`  ${String(c.requests).padStart(8)}  ${pct(c.change).padStart(6)}  ${pct(c.predicted).padStart(9)}  ${pct(c.measured).padStart(8)}\n`);
  }
  process.stdout.write(`took ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { runs: { type: 'string' }, seed: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) process.stdout.write('Usage: node bench/mde.ts [--runs N (200)] [--seed N (1)]\n');
  else runMdeBench({ runs: Number(values.runs ?? 200), seed: Number(values.seed ?? 1) });
}
