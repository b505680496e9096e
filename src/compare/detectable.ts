import type { BenchRun, DetectableRow, DetectableSection, Report } from '../report/schema.ts';
import type { CompareConfig } from './compare.ts';
import { hasEnoughData, MIN_TAIL_VALUES, MIN_UNITS } from './compare.ts';
import { comparedMetric, metricValues, planDimensions, requestBlocks } from './dimensions.ts';
import {
  DEFAULT_POWER,
  itemsForDrop,
  lognormalQuantileLogSd,
  maxStandardErrorFor,
  perTestAlpha,
  qualityMde,
  ratioMde,
} from './power.ts';
import { createRng, deriveSeed, randomIndex } from './stats/prng.ts';
import { quantileInPlace } from './stats/quantile.ts';
import { toleranceFor } from './tolerance.ts';

/** One dimension as the power calculation needs it. */
export type DetectableSpec =
  | { kind: 'quality'; name: string; items: number; tolerance: number; instability: number; instabilitySource: 'measured' | 'assumed' }
  | {
      kind: 'latency' | 'throughput';
      name: string;
      /** Quantile for latency; absent for throughput (a ratio of sums). */
      q?: number;
      requests: number;
      baselineRequests: number;
      /** Requests per block (the block bootstrap's unit: the concurrency). */
      blockSize: number;
      /** sd of the log statistic × √blocks: per-block spread, so a run of b blocks has sd spread/√b. */
      spread: number;
      baselineSpread?: number;
      spreadSource: 'measured' | 'assumed';
      tolerance: number;
      looks: number;
    };

export interface DetectableTargets {
  /** Quality drop to size the suite for, in points (default 0.05). */
  drop: number;
  /** Relative latency rise / throughput fall to size the bench for (default 0.20). */
  change: number;
}

export const DEFAULT_TARGETS: DetectableTargets = { drop: 0.05, change: 0.2 };

/**
 * Minimum detectable effects for every dimension of a spec, at the family-wise `confidence`
 * (Bonferroni over `tests` dimensions and each dimension's sequential looks) and `power`. Pure.
 */
export function detectableEffects(
  specs: readonly DetectableSpec[],
  opts: { confidence: number; tests: number; power?: number; targets?: DetectableTargets },
): DetectableSection {
  const power = opts.power ?? DEFAULT_POWER;
  const targets = opts.targets ?? DEFAULT_TARGETS;
  const rows = specs.map((s): DetectableRow => {
    if (s.kind === 'quality') {
      const alpha = perTestAlpha(opts.confidence, opts.tests);
      const base = { items: s.items, tolerance: s.tolerance, alpha, instability: s.instability };
      const mde = s.items >= MIN_UNITS ? qualityMde({ ...base, power }) : null;
      return {
        dimension: s.name,
        kind: 'quality',
        units: s.items,
        tolerance: s.tolerance,
        mde,
        ...(s.items < MIN_UNITS
          ? { note: `fewer than ${MIN_UNITS} items: shown, never decided` }
          : mde === null
            ? { note: 'too few items: even losing every item would not be statistically clear' }
            : {}),
        spread: { value: s.instability, source: s.instabilitySource },
        needed: { change: targets.drop, units: itemsForDrop({ tolerance: s.tolerance, alpha, instability: s.instability, drop: targets.drop, power }) },
      };
    }
    const alpha = perTestAlpha(opts.confidence, opts.tests, s.looks);
    const direction = s.kind === 'throughput' ? 'higher-is-better' : 'lower-is-better';
    const base = s.baselineSpread ?? s.spread;
    const se = Math.sqrt((base * base) / (s.baselineRequests / s.blockSize) + (s.spread * s.spread) / (s.requests / s.blockSize));
    const tail = s.q === undefined ? 0 : Math.ceil(MIN_TAIL_VALUES / (1 - s.q) - 1e-9);
    const smallest = Math.min(s.requests, s.baselineRequests);
    const decided = smallest >= tail && smallest / s.blockSize >= MIN_UNITS;
    // Both sides at the same count: se² = (kA² + kB²)·c/N.
    const maxSe = maxStandardErrorFor({ change: targets.change, tolerance: s.tolerance, alpha, direction, power });
    const needed =
      maxSe <= 0
        ? null
        : Math.max(tail, MIN_UNITS * s.blockSize, Math.ceil(((base * base + s.spread * s.spread) * s.blockSize) / (maxSe * maxSe)));
    return {
      dimension: s.name,
      kind: s.kind,
      units: s.requests,
      tolerance: s.tolerance,
      mde: decided ? ratioMde({ standardError: se, tolerance: s.tolerance, alpha, direction, power }) : null,
      ...(decided ? {} : { note: `not decided: needs ${Math.max(tail, MIN_UNITS * s.blockSize)} requests a side` }),
      spread: { value: s.spread, source: s.spreadSource },
      needed: { change: targets.change, units: needed !== null && needed <= 10_000_000 ? needed : null },
    };
  });
  return { confidence: opts.confidence, power, tests: opts.tests, rows };
}

/**
 * Log spread assumed when no run's samples are at hand: a lognormal guess per metric (sd of ln
 * of one request's value at fixed concurrency). TTFT waits in queues and spreads most; TPOT
 * averages many tokens and spreads least. Stated as assumed wherever it is used; a baseline
 * report's samples replace it (latencySpreadFromRun).
 */
export const ASSUMED_LOG_SD: Readonly<Record<string, number>> = { ttft: 0.5, tpot: 0.15, itl: 0.6, e2e: 0.2, throughput: 0.2 };

/** The per-block spread of a metric's quantile (or of throughput) under the assumed lognormal shape. */
export function assumedSpread(metric: string, q: number | undefined, blockSize: number): number {
  const sigma = ASSUMED_LOG_SD[metric] ?? 0.5;
  // N independent requests give sd k₁/√N; in blocks of c that is k/√(N/c), so k = k₁/√c.
  if (q === undefined) return sigma / Math.sqrt(blockSize);
  return lognormalQuantileLogSd(sigma, q, 1) / Math.sqrt(blockSize);
}

/**
 * Per-block spread measured from a run's own samples: the block bootstrap (the gate's resampling
 * unit, see requestBlocks) of the statistic's log, sd × √blocks. `metric` is ttft, tpot, itl,
 * e2e, or throughput (Σ tokens / Σ E2E). Null when the run has fewer than MIN_UNITS blocks.
 */
export function latencySpreadFromRun(run: BenchRun, metric: string, q: number | undefined, seed = 1, resamples = 400): number | null {
  const blocks = requestBlocks(run);
  if (blocks.length < MIN_UNITS) return null;
  const rng = createRng(deriveSeed(seed, `${run.profile}.${metric}`));
  const logs = new Float64Array(resamples);
  if (q === undefined) {
    const num = blocks.map((b) => b.reduce((s, r) => s + r.outputTokens, 0));
    const den = blocks.map((b) => b.reduce((s, r) => s + r.e2eMs, 0));
    for (let r = 0; r < resamples; r++) {
      let a = 0;
      let d = 0;
      for (let i = 0; i < blocks.length; i++) {
        const k = randomIndex(rng, blocks.length);
        a += num[k]!;
        d += den[k]!;
      }
      logs[r] = Math.log(a / d);
    }
  } else {
    // The values the comparison decides on (the median TPOT with its pauses clipped), so the spread is theirs.
    const values = blocks.map((b) => b.flatMap((s) => metricValues(s, comparedMetric(metric, q))));
    const buf = new Float64Array(values.length * values.reduce((m, v) => Math.max(m, v.length), 0));
    for (let r = 0; r < resamples; r++) {
      let n = 0;
      for (let i = 0; i < values.length; i++) for (const v of values[randomIndex(rng, values.length)]!) buf[n++] = v;
      logs[r] = Math.log(Math.max(1e-9, quantileInPlace(buf, n, q)));
    }
  }
  let mean = 0;
  for (const x of logs) mean += x / resamples;
  let ss = 0;
  for (const x of logs) ss += (x - mean) ** 2;
  return Math.sqrt(ss / (resamples - 1)) * Math.sqrt(blocks.length);
}

const QUANTILE: Record<string, number> = { p50: 0.5, p90: 0.9, p99: 0.99 };

/** The dimensions one bench profile gets in the comparison: its latency metrics and its throughput. */
export function perfSpecs(
  profile: string,
  opts: {
    latencyMetrics: readonly string[];
    requests: number;
    baselineRequests: number;
    blockSize: number;
    looks: number;
    config: CompareConfig;
    /** A run's samples to measure the spread from (this run, or a baseline's of the same profile). */
    run?: BenchRun;
    baselineRun?: BenchRun;
  },
): DetectableSpec[] {
  const metrics = [...opts.latencyMetrics.map((m) => m.split('.') as [string, string]), ['throughput', ''] as [string, string]];
  return metrics.map(([metric, p]) => {
    const q = metric === 'throughput' ? undefined : QUANTILE[p];
    const name = metric === 'throughput' ? `perf.${profile}.outputTokensPerSec` : `perf.${profile}.${metric}.${p}`;
    const measured = opts.run ? latencySpreadFromRun(opts.run, metric, q) : null;
    const measuredBase = opts.baselineRun ? latencySpreadFromRun(opts.baselineRun, metric, q) : null;
    const spread = measured ?? measuredBase ?? assumedSpread(metric, q, opts.blockSize);
    return {
      kind: metric === 'throughput' ? 'throughput' : 'latency',
      name,
      ...(q === undefined ? {} : { q }),
      requests: opts.requests,
      baselineRequests: opts.baselineRequests,
      blockSize: opts.blockSize,
      spread,
      ...(measuredBase !== null ? { baselineSpread: measuredBase } : {}),
      spreadSource: measured !== null || measuredBase !== null ? 'measured' : 'assumed',
      tolerance: toleranceFor(name, opts.config.tolerances, opts.config.latencyTolerance),
      looks: opts.looks,
    };
  });
}

/**
 * Share of items whose score differs between two runs of the same model on the same dataset, per
 * quality dimension (mean |difference| for graded scores): the answers' instability, measured
 * from repeats (A/A reports). Items are matched by id; dimensions with no shared item are left out.
 */
export function instabilityFromRepeats(a: Report, b: Report): Record<string, { instability: number; items: number }> {
  const out: Record<string, { instability: number; items: number }> = {};
  for (const [dim, resB] of Object.entries(b.quality?.dimensions ?? {})) {
    const byId = new Map((a.quality?.dimensions[dim]?.items ?? []).map((it) => [it.id, it.score]));
    let sum = 0;
    let n = 0;
    for (const it of resB.items) {
      const s = byId.get(it.id);
      if (s === undefined) continue;
      sum += Math.abs(it.score - s);
      n++;
    }
    if (n > 0) out[dim] = { instability: sum / n, items: n };
  }
  return out;
}

/**
 * The detectable effects of a finished run, for its report: each quality dimension's items, each
 * bench profile's latency metrics and throughput, with the spread measured from the run's own
 * samples (and the baseline's, when there is one). The family size is the comparison's when there
 * was one, else what it would be against a baseline like this run.
 */
export function detectableForReport(
  candidate: Report,
  baseline: Report | null,
  config: CompareConfig,
  opts: { power?: number; targets?: DetectableTargets; instability?: Record<string, number> } = {},
): DetectableSection {
  const specs: DetectableSpec[] = [];
  for (const [dim, res] of Object.entries(candidate.quality?.dimensions ?? {})) {
    const name = `quality.${dim}`;
    const measured = opts.instability?.[dim];
    specs.push({
      kind: 'quality',
      name,
      items: res.n,
      tolerance: toleranceFor(name, config.tolerances, res.tolerance ?? config.qualityTolerance),
      instability: measured ?? 0,
      instabilitySource: measured === undefined ? 'assumed' : 'measured',
    });
  }
  const baselineRuns = new Map((baseline?.performance?.runs ?? []).map((r) => [r.profile, r]));
  for (const run of candidate.performance?.runs ?? []) {
    const baselineRun = baselineRuns.get(run.profile);
    specs.push(
      ...perfSpecs(run.profile, {
        latencyMetrics: config.latencyMetrics,
        requests: run.ok,
        baselineRequests: baselineRun?.ok ?? run.ok,
        blockSize: Math.max(1, run.concurrency ?? run.maxConcurrency ?? 4),
        looks: run.sequential?.plannedLooks ?? 1,
        config,
        run,
        ...(baselineRun ? { baselineRun } : {}),
      }),
    );
  }
  const tests = candidate.comparison?.tests ?? selfComparisonTests(candidate, config);
  return detectableEffects(specs, { confidence: config.confidence, tests, ...(opts.power ? { power: opts.power } : {}), ...(opts.targets ? { targets: opts.targets } : {}) });
}

/** Dimensions that would get an interval if this report were compared with one like it. */
function selfComparisonTests(report: Report, config: CompareConfig): number {
  const plan = planDimensions(report, report, { latencyMetrics: config.latencyMetrics, allowDatasetChange: false });
  return Math.max(1, plan.dimensions.filter(hasEnoughData).length);
}
