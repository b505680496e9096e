import type { z } from 'zod';
import type { compareConfigSchema } from '../config/schema.ts';
import type { Comparison, ComparisonDimension, Report } from '../report/schema.ts';
import { planDimensions, type DimensionData, type DimensionInput } from './dimensions.ts';
import { toleranceFor } from './tolerance.ts';
import {
  clusteredQuantileRatioCi,
  pairedMeanDifferenceCi,
  ratioOfSumsRatioCi,
  type BootstrapOptions,
  type Interval,
} from './stats/bootstrap.ts';
import { proportionDifferenceCi } from './stats/proportions.ts';
import { mannWhitneyU } from './stats/mann-whitney.ts';
import { createRng, deriveSeed } from './stats/prng.ts';
import { quantile } from './stats/quantile.ts';

export type CompareConfig = z.infer<typeof compareConfigSchema>;

export interface CompareOptions {
  /** Seed of the bootstrap; the same seed gives the same intervals bit for bit. */
  seed?: number;
  /** How the baseline is named in the report (a tag, a file, a store ref). */
  baselineRef?: string;
  baselineSha256?: string;
}

export const DEFAULT_SEED = 20261125;
/**
 * Fewer independent units than this per side (items, blocks of requests, requests for error
 * rates) give no interval worth trusting; the dimension is shown, not decided.
 */
export const MIN_UNITS = 5;

/**
 * Compares a candidate report with its baseline, dimension by dimension. Pure and deterministic.
 *
 * A dimension regresses only when both hold:
 * - statistically clear: its two-sided interval excludes "no change" on the bad side, and
 * - practically relevant: the point estimate is beyond the dimension's tolerance.
 * Improvements are the mirror image.
 *
 * Many dimensions are tested at once, so the gate's false-alarm rate is controlled family-wise
 * with Bonferroni: each interval is built at 1 − (1 − confidence)/m, m being the number of
 * dimensions that get an interval. Then P(any dimension falsely "statistically clear") ≤
 * 1 − confidence, and the one-sided regression alarm ≤ half of it, before the tolerance filter
 * cuts it further. Bonferroni holds under any dependence between dimensions (latency metrics are
 * strongly correlated), needs no p-values from the bootstrap, and keeps each dimension's
 * interval meaningful on its own; Holm would only help when several dimensions change at once.
 * A run sampled sequentially (BenchRun.sequential) was looked at up to K times; its dimensions
 * get 1 − (1 − confidence)/(m·K), the level each look used, so the union bound covers the looks.
 */
export function compareReports(
  baseline: Report,
  candidate: Report,
  config: CompareConfig,
  options: CompareOptions = {},
): Comparison {
  const seed = options.seed ?? DEFAULT_SEED;
  const plan = planDimensions(baseline, candidate, {
    latencyMetrics: config.latencyMetrics,
    allowDatasetChange: config.allowDatasetChange,
  });
  const tested = plan.dimensions.filter(hasEnoughData);
  const tests = tested.length;
  const alpha = tests > 0 ? (1 - config.confidence) / tests : 1 - config.confidence;
  const dimensions: Record<string, ComparisonDimension> = {};
  for (const dim of plan.dimensions) {
    const tolerance = toleranceFor(
      dim.name,
      config.tolerances,
      dim.tolerance ?? (dim.name.startsWith('quality.') ? config.qualityTolerance : config.latencyTolerance),
    );
    const boot: BootstrapOptions = {
      // A sequentially sampled run was looked at up to `looks` times: each look gets its share.
      confidence: 1 - alpha / (dim.looks ?? 1),
      resamples: config.resamples,
      rng: createRng(deriveSeed(seed, dim.name)),
    };
    dimensions[dim.name] = compareDimension(dim, tolerance, boot, config.readinessSlackS);
  }
  const ref = options.baselineRef ?? baseline.subject.tag ?? baseline.subject.image ?? 'baseline';
  return {
    baseline: { ref, ...(baseline.subject.tag !== undefined ? { tag: baseline.subject.tag } : {}), ...(options.baselineSha256 ? { sha256: options.baselineSha256 } : {}) },
    ...(plan.notes.length > 0 ? { note: plan.notes.join('; ') } : {}),
    dimensions,
    confidence: config.confidence,
    tests,
    ...(plan.problems.length > 0 ? { problems: plan.problems } : {}),
  };
}

function unitsOf(data: DimensionData): [number, number] {
  switch (data.kind) {
    case 'paired-mean':
      return [data.diffs.length, data.diffs.length];
    case 'clustered-quantile-ratio':
      return [data.baseline.length, data.candidate.length];
    case 'ratio-of-sums':
      return [data.baseline.num.length, data.candidate.num.length];
    case 'proportion':
      return [data.baseline.n, data.candidate.n];
    case 'single':
      return [0, 0];
  }
}

/**
 * A quantile is decided only when at least this many values lie beyond it on each side: a p99
 * of 64 requests is its top request, and the bootstrap cannot give an interval for a sample
 * maximum. So p99 is decided from 500 requests, p90 from 50.
 */
export const MIN_TAIL_VALUES = 5;

function tailValues(dim: DimensionInput): number {
  if (dim.data.kind !== 'clustered-quantile-ratio') return Number.POSITIVE_INFINITY;
  const q = dim.data.q;
  const n = Math.min(dim.data.baseline.flat().length, dim.data.candidate.flat().length);
  return n * (1 - q);
}

export function hasEnoughData(dim: DimensionInput): boolean {
  if (dim.data.kind === 'single') return false;
  const [a, b] = unitsOf(dim.data);
  // A small tolerance for floating point: 500 × (1 − 0.99) is 4.999….
  return Math.min(a, b) >= MIN_UNITS && tailValues(dim) >= MIN_TAIL_VALUES - 1e-9;
}

interface Estimate {
  baseline: number;
  candidate: number;
  /** On the tolerance's scale: relative change for relative dimensions, absolute otherwise. */
  interval: Interval | null;
  method: string;
  note?: string;
}

function estimate(dim: DimensionInput, boot: BootstrapOptions, tested: boolean): Estimate {
  const d = dim.data;
  const shift = (i: Interval): Interval => ({ estimate: i.estimate - 1, lower: i.lower - 1, upper: i.upper - 1 });
  switch (d.kind) {
    case 'paired-mean':
      return {
        baseline: d.baseline,
        candidate: d.candidate,
        interval: tested ? pairedMeanDifferenceCi(d.diffs, boot) : null,
        method: `paired bootstrap of the mean per-item difference (${d.diffs.length} items)`,
      };
    case 'clustered-quantile-ratio': {
      const a = quantile(d.baseline.flat(), d.q);
      const b = quantile(d.candidate.flat(), d.q);
      const est: Estimate = {
        baseline: a,
        candidate: b,
        interval: tested && a > 0 ? shift(clusteredQuantileRatioCi(d.baseline, d.candidate, d.q, boot)) : null,
        method: `block bootstrap of the ratio of p${Math.round(d.q * 100)}s (${d.baseline.length} vs ${d.candidate.length} blocks of requests run together)`,
      };
      // A rank test is a location-shift test, so it is a second opinion on medians only.
      if (tested && d.q === 0.5) est.note = `Mann-Whitney p${formatP(mannWhitneyU(d.baseline.flat(), d.candidate.flat()).pValue)}`;
      return est;
    }
    case 'ratio-of-sums':
      return {
        baseline: d.baseline.reported,
        candidate: d.candidate.reported,
        interval: tested ? shift(ratioOfSumsRatioCi(d.baseline, d.candidate, boot)) : null,
        method: `block bootstrap of Σtokens/ΣE2E (throughput at fixed concurrency, by Little's law; ${d.baseline.num.length} vs ${d.candidate.num.length} blocks)`,
      };
    case 'proportion': {
      const pa = d.baseline.n === 0 ? 0 : d.baseline.events / d.baseline.n;
      const pb = d.candidate.n === 0 ? 0 : d.candidate.events / d.candidate.n;
      return {
        baseline: pa,
        candidate: pb,
        interval: tested ? proportionDifferenceCi(d.baseline, d.candidate, boot.confidence) : null,
        method: `Newcombe score interval of the difference (${d.baseline.events}/${d.baseline.n} vs ${d.candidate.events}/${d.candidate.n})`,
      };
    }
    case 'single':
      return { baseline: d.baseline, candidate: d.candidate, interval: null, method: 'one sample each: tolerance only' };
  }
}

function formatP(p: number): string {
  return p < 0.001 ? ' < 0.001' : ` = ${p.toFixed(3)}`;
}

function compareDimension(
  dim: DimensionInput,
  tolerance: number,
  boot: BootstrapOptions,
  readinessSlackS: number,
): ComparisonDimension {
  const tested = hasEnoughData(dim);
  const e = estimate(dim, boot, tested);
  const delta = e.candidate - e.baseline;
  const relative = dim.scale === 'relative';
  const relativeDelta = e.baseline === 0 ? (delta === 0 ? 0 : Number.POSITIVE_INFINITY * Math.sign(delta)) : delta / e.baseline;
  // The point change on the tolerance's scale; for bootstrapped ratios it is the ratio's own estimate.
  const change = e.interval ? e.interval.estimate : relative ? relativeDelta : delta;
  // "bad" > 0 means worse, whatever the direction.
  const sign = dim.direction === 'lower-is-better' ? 1 : -1;
  let regressed = false;
  let improved = false;
  const notes: string[] = [];
  if (dim.note) notes.push(dim.note);
  if (e.note) notes.push(e.note);
  if (e.interval) {
    const badLower = sign > 0 ? e.interval.lower : -e.interval.upper;
    const badUpper = sign > 0 ? e.interval.upper : -e.interval.lower;
    regressed = badLower > 0 && sign * change > tolerance;
    improved = badUpper < 0 && -sign * change > tolerance;
  } else if (dim.data.kind === 'single') {
    const threshold = Math.max(tolerance * Math.abs(e.baseline), dim.name === 'readiness.secondsToReady' ? readinessSlackS : 0);
    regressed = sign * delta > threshold;
    improved = -sign * delta > threshold;
  } else {
    const [a, b] = unitsOf(dim.data);
    if (Math.min(a, b) < MIN_UNITS || dim.data.kind !== 'clustered-quantile-ratio') {
      notes.push(`too few independent units for an interval (${a} vs ${b}, need ${MIN_UNITS}); shown, not decided`);
    } else {
      const need = Math.ceil(MIN_TAIL_VALUES / (1 - dim.data.q) - 1e-9);
      notes.push(`too few values beyond p${Math.round(dim.data.q * 100)} to decide it (needs ${need} values a side); shown, not decided`);
    }
  }
  return {
    baseline: e.baseline,
    candidate: e.candidate,
    delta,
    ...(relative && Number.isFinite(relativeDelta) ? { relativeDelta: e.interval ? change : relativeDelta } : {}),
    ci: e.interval ? [e.interval.lower, e.interval.upper] : null,
    regressed,
    improved,
    direction: dim.direction,
    tolerance,
    method: e.method,
    ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
    ...(e.interval ? { confidence: boot.confidence } : {}),
    unit: dim.unit,
  };
}
