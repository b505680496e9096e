import type { BenchRun, Capacity, Report } from '../report/schema.ts';
import { clippedSum, trimmedMean } from './stats/robust.ts';

export type Direction = 'higher-is-better' | 'lower-is-better';

/** The raw material of one dimension's test; which test runs follows from `kind`. */
export type DimensionData =
  /** Per-item score differences (candidate − baseline) over item ids both reports share. */
  | { kind: 'paired-mean'; diffs: number[]; baseline: number; candidate: number }
  /**
   * Latency values in blocks of requests that ran together (see requestBlocks); the q-quantile of
   * the pooled values is compared as a ratio, resampling whole blocks.
   */
  | { kind: 'clustered-quantile-ratio'; q: number; baseline: number[][]; candidate: number[][] }
  /** Throughput: Σ output tokens / Σ E2E, per block of requests; the reported figures are shown. */
  | {
      kind: 'ratio-of-sums';
      baseline: { num: number[]; den: number[]; reported: number };
      candidate: { num: number[]; den: number[]; reported: number };
    }
  | { kind: 'proportion'; baseline: { events: number; n: number }; candidate: { events: number; n: number } }
  /** One number per report: no interval is possible, the tolerance alone decides. */
  | { kind: 'single'; baseline: number; candidate: number };

export interface DimensionInput {
  name: string;
  direction: Direction;
  /** Whether the tolerance and interval are on the relative change (perf) or the absolute one. */
  scale: 'relative' | 'absolute';
  unit: string;
  data: DimensionData;
  /** Why this dimension is compared on fewer units than the reports hold. */
  note?: string;
  /** The dataset's own tolerance for this dimension (dataset.yaml), under the user's config. */
  tolerance?: number;
  /** Looks sequential sampling planned for the candidate's run: the error rate is spent over them. */
  looks?: number;
}

export interface DimensionPlan {
  dimensions: DimensionInput[];
  /** Parts that could not be compared at all; the gate must not pass on them silently. */
  problems: { dimension: string; message: string }[];
  /** Parts present on one side only, reported but not decided. */
  notes: string[];
}

const QUANTILES: Record<string, number> = { p50: 0.5, p90: 0.9, p99: 0.99 };

export interface PlanOptions {
  latencyMetrics: readonly string[];
  allowDatasetChange: boolean;
}

/** Pairs up what two reports both measured and turns it into dimensions with their raw samples. */
export function planDimensions(baseline: Report, candidate: Report, opts: PlanOptions): DimensionPlan {
  const plan: DimensionPlan = { dimensions: [], problems: [], notes: [] };
  planQuality(baseline, candidate, opts, plan);
  planPerformance(baseline, candidate, opts, plan);
  const a = baseline.readiness?.secondsToReady;
  const b = candidate.readiness?.secondsToReady;
  if (typeof a === 'number' && typeof b === 'number') {
    plan.dimensions.push({
      name: 'readiness.secondsToReady',
      direction: 'lower-is-better',
      scale: 'relative',
      unit: 's',
      data: { kind: 'single', baseline: a, candidate: b },
    });
  }
  const sizeA = imageSize(baseline);
  const sizeB = imageSize(candidate);
  if (sizeA !== undefined && sizeB !== undefined) {
    // A much bigger image pulls slower onto every new node: a cold-start cost like load time.
    plan.dimensions.push({
      name: 'image.sizeBytes',
      direction: 'lower-is-better',
      scale: 'relative',
      unit: 'bytes',
      data: { kind: 'single', baseline: sizeA, candidate: sizeB },
    });
  }
  const capA = baseline.extras?.capacity;
  const capB = candidate.extras?.capacity;
  if (capA && capB) {
    // One search a side, no interval: the tolerance (wider than the search's resolution) decides.
    plan.dimensions.push({
      name: 'capacity.rate',
      direction: 'higher-is-better',
      scale: 'relative',
      unit: 'req/s',
      data: { kind: 'single', baseline: capA.rate, candidate: capB.rate },
      note: `highest request rate within the SLOs: ${capacityText(capA)} -> ${capacityText(capB)}`,
    });
  } else if (capA || capB) {
    plan.notes.push(`capacity was searched only in the ${capA ? 'baseline' : 'candidate'}; not compared`);
  }
  return plan;
}

function capacityText(c: Capacity): string {
  if (c.bound === 'none') return '0 (one request at a time missed the SLOs)';
  if (c.bound === 'at-least') return `at least ${c.rate} req/s`;
  return c.bracket ? `${c.rate} req/s (missed at ${c.bracket[1]})` : `${c.rate} req/s`;
}

/** The image size the hygiene check recorded (report.extras.hygiene.sizeBytes), if any. */
function imageSize(report: Report): number | undefined {
  const size = report.extras?.hygiene?.sizeBytes;
  return size !== undefined && size > 0 ? size : undefined;
}

type DatasetRef = Pick<NonNullable<Report['quality']>['dataset'], 'name' | 'version' | 'sha256'>;
const datasetLabel = (d: DatasetRef): string => `${d.name}@${d.version} (sha256 ${d.sha256.slice(0, 12)})`;

/** Why two reports' quality cannot be compared item for item: their datasets differ. */
export function datasetChangedMessage(baseline: DatasetRef, candidate: DatasetRef): string {
  return (
    `dataset changed from ${datasetLabel(baseline)} to ${datasetLabel(candidate)}: ` +
    'scores on different items are not comparable; re-run the baseline on the new dataset, ' +
    'or set compare.allowDatasetChange: true to compare the item ids both share'
  );
}

function planQuality(baseline: Report, candidate: Report, opts: PlanOptions, plan: DimensionPlan): void {
  const qa = baseline.quality;
  const qb = candidate.quality;
  if (!qa || !qb) {
    if (qa || qb) plan.notes.push(`quality was measured only in the ${qa ? 'baseline' : 'candidate'}; not compared`);
    return;
  }
  const changed = qa.dataset.sha256 !== qb.dataset.sha256;
  if (changed && !opts.allowDatasetChange) {
    plan.problems.push({ dimension: 'quality.dataset', message: datasetChangedMessage(qa.dataset, qb.dataset) });
    return;
  }
  for (const [dim, resB] of Object.entries(qb.dimensions)) {
    const resA = qa.dimensions[dim];
    if (!resA) {
      plan.notes.push(`quality.${dim} is new in the candidate; not compared`);
      continue;
    }
    const name = `quality.${dim}`;
    if (resA.judge && resB.judge && (resA.judge.model !== resB.judge.model || resA.judge.promptSha256 !== resB.judge.promptSha256)) {
      // Another judge or rubric grades differently: a score change would say nothing about the model.
      plan.problems.push({
        dimension: name,
        message: `the judge changed (${resA.judge.model} prompt ${resA.judge.promptSha256.slice(0, 12)} -> ${resB.judge.model} prompt ${resB.judge.promptSha256.slice(0, 12)}); re-run the baseline with the new judge`,
      });
      continue;
    }
    const byId = new Map(resA.items.map((it) => [it.id, it]));
    const diffs: number[] = [];
    let sumA = 0;
    let sumB = 0;
    let edited = 0;
    for (const it of resB.items) {
      const a = byId.get(it.id);
      if (a === undefined) continue;
      byId.delete(it.id); // a duplicated id pairs once
      // Same id, edited content (prompt or reference): not the same question any more.
      if (a.sha256 !== undefined && it.sha256 !== undefined && a.sha256 !== it.sha256) {
        edited++;
        continue;
      }
      diffs.push(it.score - a.score);
      sumA += a.score;
      sumB += it.score;
    }
    if (diffs.length === 0) {
      plan.problems.push({ dimension: name, message: `no item ids in common between baseline and candidate for ${name}` });
      continue;
    }
    const partial = diffs.length < Math.max(resA.items.length, resB.items.length);
    plan.dimensions.push({
      name,
      direction: 'higher-is-better',
      scale: 'absolute',
      unit: 'score',
      data: { kind: 'paired-mean', diffs, baseline: sumA / diffs.length, candidate: sumB / diffs.length },
      ...(partial || changed
        ? {
            note:
              `compared on the ${diffs.length} item ids both reports share` +
              (edited > 0 ? `, leaving out ${edited} whose content changed` : '') +
              (changed ? ` (dataset changed: ${datasetLabel(qa.dataset)} -> ${datasetLabel(qb.dataset)})` : ''),
          }
        : {}),
      ...(resB.tolerance !== undefined ? { tolerance: resB.tolerance } : {}),
    });
  }
  for (const dim of Object.keys(qa.dimensions)) {
    if (!qb.dimensions[dim]) plan.notes.push(`quality.${dim} is missing from the candidate; not compared`);
  }
}

function planPerformance(baseline: Report, candidate: Report, opts: PlanOptions, plan: DimensionPlan): void {
  const runsA = new Map((baseline.performance?.runs ?? []).map((r) => [r.profile, r]));
  for (const runB of candidate.performance?.runs ?? []) {
    const runA = runsA.get(runB.profile);
    if (!runA) {
      plan.notes.push(`bench profile ${runB.profile} is new in the candidate; not compared`);
      continue;
    }
    runsA.delete(runB.profile);
    planRun(runA, runB, opts, plan);
  }
  for (const profile of runsA.keys()) plan.notes.push(`bench profile ${profile} is missing from the candidate; not compared`);
}

function okSamples(run: BenchRun): BenchRun['samples'] {
  return run.samples.filter((s) => s.ok);
}

/**
 * The run's successful requests in blocks of `concurrency` consecutive ones by start time.
 * Requests in flight together share the server's hiccups (a GC pause, a scheduler stall, a noisy
 * neighbour): one stall lifts several TTFTs at once. Resampling single requests would take such
 * a burst for independent evidence and call a one-off stall a regression; resampling blocks (a
 * block bootstrap) keeps it one event. For open-loop runs the cap, else 4, sets the block size.
 */
export function requestBlocks(run: BenchRun): BenchRun['samples'][] {
  const size = Math.max(1, run.concurrency ?? run.maxConcurrency ?? 4);
  const ok = okSamples(run).sort((a, b) => a.startMs - b.startMs);
  const blocks: BenchRun['samples'][] = [];
  for (let i = 0; i < ok.length; i += size) blocks.push(ok.slice(i, i + size));
  return blocks;
}

/**
 * A gap longer than this many times the request's typical gap is a pause (a server-wide stall, a
 * GC pause, a preempted batch), not decoding. Clipped there, a pause adds at most
 * (PAUSE_FENCE − 1)/(tokens − 1) of the TPOT to its request: 3% at 64 tokens, under the 5% TPOT
 * tolerance, so a median can no longer jump between "took a stall" and "did not" by more than
 * that (docs/compare.md, "Random stalls").
 */
export const PAUSE_FENCE = 3;

/**
 * A request's TPOT with its pauses clipped: its per-token gaps each capped at PAUSE_FENCE times its
 * typical gap (their 20% trimmed mean: a pause is in the top fifth and chunks that arrived together
 * are in the bottom fifth, so neither moves it), then TPOT scaled by clipped/unclipped gap time.
 * Without a pause it is the TPOT itself. Null when the request has no TPOT.
 */
export function pauseClippedTpot(s: BenchRun['samples'][number]): { tpotMs: number; paused: boolean } | null {
  if (s.tpotMs === null) return null;
  const typical = trimmedMean(s.itlMs);
  let total = 0;
  for (const g of s.itlMs) total += g;
  if (!(typical > 0) || !(total > 0)) return { tpotMs: s.tpotMs, paused: false };
  const clipped = clippedSum(s.itlMs, PAUSE_FENCE * typical);
  return { tpotMs: (s.tpotMs * clipped) / total, paused: clipped < total };
}

/**
 * Which per-request values a latency quantile is compared on: the median TPOT measures the decode
 * speed, so pauses go to the tail (tpot.p99), the E2E and the throughput, which average them instead
 * of jumping between modes (docs/compare.md, "Random stalls"); every other quantile on the metric itself.
 */
export function comparedMetric(metric: string, q: number): string {
  return metric === 'tpot' && q === 0.5 ? 'tpot-clipped' : metric;
}

/** Per-request values of one metric; 'tpot-clipped' is TPOT with its pauses clipped (pauseClippedTpot). */
export function metricValues(s: BenchRun['samples'][number], metric: string): number[] {
  switch (metric) {
    case 'ttft':
      return s.ttftMs === null ? [] : [s.ttftMs];
    case 'tpot':
      return s.tpotMs === null ? [] : [s.tpotMs];
    case 'tpot-clipped': {
      const c = pauseClippedTpot(s);
      return c === null ? [] : [c.tpotMs];
    }
    case 'e2e':
      return [s.e2eMs];
    default: // itl: every gap of the request
      return s.itlMs;
  }
}

function metricBlocks(run: BenchRun, metric: string): number[][] {
  return requestBlocks(run)
    .map((block) => block.flatMap((s) => metricValues(s, metric)))
    .filter((values) => values.length > 0);
}

/** Requests with a pause clipped, and requests with a TPOT. */
function pauses(run: BenchRun): { paused: number; of: number } {
  const clipped = okSamples(run).map(pauseClippedTpot).filter((c) => c !== null);
  return { paused: clipped.filter((c) => c.paused).length, of: clipped.length };
}

/** Says how many requests had a pause clipped, where any had. */
function pauseNote(runA: BenchRun, runB: BenchRun): string | undefined {
  const a = pauses(runA);
  const b = pauses(runB);
  if (a.paused === 0 && b.paused === 0) return undefined;
  return `TPOT with pauses clipped at ${PAUSE_FENCE}x the request's typical gap (requests with a pause: ${a.paused} of ${a.of} vs ${b.paused} of ${b.of})`;
}

function planRun(runA: BenchRun, runB: BenchRun, opts: PlanOptions, plan: DimensionPlan): void {
  const prefix = `perf.${runB.profile}`;
  const first = plan.dimensions.length;
  for (const key of opts.latencyMetrics) {
    const [metric, p] = key.split('.') as [string, string];
    const q = QUANTILES[p];
    if (q === undefined) continue;
    const source = comparedMetric(metric, q);
    const clipped = source === 'tpot-clipped';
    const note = clipped ? pauseNote(runA, runB) : undefined;
    plan.dimensions.push({
      name: `${prefix}.${key}`,
      direction: 'lower-is-better',
      scale: 'relative',
      unit: 'ms',
      data: { kind: 'clustered-quantile-ratio', q, baseline: metricBlocks(runA, source), candidate: metricBlocks(runB, source) },
      ...(note !== undefined ? { note } : {}),
    });
  }
  const units = (run: BenchRun): { num: number[]; den: number[]; reported: number } => {
    const blocks = requestBlocks(run);
    return {
      num: blocks.map((b) => b.reduce((sum, s) => sum + s.outputTokens, 0)),
      den: blocks.map((b) => b.reduce((sum, s) => sum + s.e2eMs, 0)),
      reported: run.outputTokensPerSec,
    };
  };
  plan.dimensions.push({
    name: `${prefix}.outputTokensPerSec`,
    direction: 'higher-is-better',
    scale: 'relative',
    unit: 'tok/s',
    data: { kind: 'ratio-of-sums', baseline: units(runA), candidate: units(runB) },
  });
  plan.dimensions.push({
    name: `${prefix}.errorRate`,
    direction: 'lower-is-better',
    scale: 'absolute',
    unit: 'share',
    data: {
      kind: 'proportion',
      baseline: { events: runA.errors, n: runA.requests },
      candidate: { events: runB.errors, n: runB.requests },
    },
  });
  const looks = runB.sequential?.plannedLooks;
  if (looks !== undefined && looks > 1) for (const dim of plan.dimensions.slice(first)) dim.looks = looks;
}
