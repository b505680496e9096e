import type { BenchRun, DetectableRow, DetectableSection, Report } from '../report/schema.ts';
import type { CompareConfig } from './compare.ts';
import { MIN_TAIL_VALUES, MIN_UNITS } from './compare.ts';
import { detectableEffects, perfSpecs, type DetectableSpec, type DetectableTargets } from './detectable.ts';
import { toleranceFor } from './tolerance.ts';

/** A quality dimension of the dataset the suite will run. */
export interface PlannedDimension {
  name: string;
  items: number;
  /** The dataset's own tolerance for it (dataset.yaml), under the user's config. */
  tolerance?: number;
}

/** A bench step the config will run. */
export interface PlannedProfile {
  profile: string;
  requests: number;
  /** Requests per block: the concurrency (or the cap of an open-loop step, else 4), as requestBlocks uses. */
  blockSize: number;
}

export interface PlanInput {
  dimensions: readonly PlannedDimension[];
  profiles: readonly PlannedProfile[];
  compare: CompareConfig;
  /** Sequential sampling against a baseline: each step may go on to maxRequests in rounds. */
  sequential?: { maxRequests: number; roundRequests: number };
  /** A baseline report: its runs' samples give the latency spread, and its run sizes the baseline side. */
  baseline?: Report;
  /** Measured share of items whose score differs between runs, per dimension (instabilityFromRepeats). */
  instability?: Record<string, number>;
  /** Used for dimensions without a measured instability (default 0: a temperature-0 model). */
  assumedInstability?: number;
  power?: number;
  targets?: DetectableTargets;
}

export interface Plan {
  /** At the first look (bench.requests per step). */
  first: DetectableSection;
  /** At maxRequests per step, when sequential sampling may take a step there. */
  sequential?: DetectableSection & { maxRequests: number };
}

/**
 * What a suite and bench can catch before any GPU time is spent: the minimum detectable effect of
 * every dimension the comparison with a baseline will test, at bench.requests and (sequential
 * sampling) at maxRequests, and the items or requests each would need for the target regression.
 * The baseline side is assumed to have as many requests as the candidate unless a baseline report
 * says otherwise. Pure.
 */
export function planDetectable(input: PlanInput): Plan {
  const looks = input.sequential ? Math.ceil(input.sequential.maxRequests / input.sequential.roundRequests) : 1;
  const at = (requestsOf: (p: PlannedProfile) => number): DetectableSection => {
    const specs: DetectableSpec[] = input.dimensions.map((d) => {
      const name = `quality.${d.name}`;
      const measured = input.instability?.[d.name];
      return {
        kind: 'quality',
        name,
        items: d.items,
        tolerance: toleranceFor(name, input.compare.tolerances, d.tolerance ?? input.compare.qualityTolerance),
        instability: measured ?? input.assumedInstability ?? 0,
        instabilitySource: measured === undefined ? 'assumed' : 'measured',
      };
    });
    for (const p of input.profiles) {
      const baselineRun: BenchRun | undefined = input.baseline?.performance?.runs.find((r) => r.profile === p.profile);
      const requests = requestsOf(p);
      specs.push(
        ...perfSpecs(p.profile, {
          latencyMetrics: input.compare.latencyMetrics,
          requests,
          baselineRequests: baselineRun?.ok ?? requests,
          blockSize: p.blockSize,
          looks,
          config: input.compare,
          ...(baselineRun ? { baselineRun } : {}),
        }),
      );
    }
    return detectableEffects(specs, {
      confidence: input.compare.confidence,
      tests: familySize(specs),
      ...(input.power ? { power: input.power } : {}),
      ...(input.targets ? { targets: input.targets } : {}),
    });
  };
  const first = at((p) => p.requests);
  if (!input.sequential) return { first };
  const max = input.sequential.maxRequests;
  return { first, sequential: { ...at((p) => Math.max(max, p.requests)), maxRequests: max } };
}

/** Dimensions that get an interval (compareReports' m): enough units and, for quantiles, enough tail. */
function familySize(specs: readonly DetectableSpec[]): number {
  let m = 0;
  const profiles = new Set<string>();
  for (const s of specs) {
    if (s.kind === 'quality') {
      if (s.items >= MIN_UNITS) m++;
      continue;
    }
    const n = Math.min(s.requests, s.baselineRequests);
    const tail = s.q === undefined ? 0 : MIN_TAIL_VALUES / (1 - s.q) - 1e-9;
    if (n / s.blockSize >= MIN_UNITS && n >= tail) m++;
    // Each profile's error rate is tested too.
    if (!profiles.has(profileOf(s.name)) && n >= MIN_UNITS) {
      profiles.add(profileOf(s.name));
      m++;
    }
  }
  return Math.max(1, m);
}

function profileOf(name: string): string {
  return name.split('.').slice(0, 2).join('.');
}

const pct = (x: number): string => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;
const pts = (x: number): string => `${(x * 100).toFixed(1)} pts`;

function mdeText(row: DetectableRow): string {
  if (row.mde === null) return row.kind === 'quality' ? 'none (too few items)' : `not decided (${row.note?.replace('not decided: ', '') ?? ''})`;
  if (row.kind === 'quality') return `-${pts(row.mde)}`;
  return row.kind === 'throughput' ? `-${pct(row.mde)}` : `+${pct(row.mde)}`;
}

function neededText(row: DetectableRow): string {
  if (!row.needed) return '';
  if (row.needed.units === null) return `never (within the ${row.kind === 'quality' ? pts(row.tolerance) : pct(row.tolerance)} tolerance)`;
  return String(row.needed.units);
}

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
}

/**
 * The plan as text for a terminal: a table per kind and the verdict lines (can catch / cannot).
 * `subject` names the dataset and the bench steps.
 */
export function formatPlan(plan: Plan, subject: { dataset?: string; bench?: string }): string {
  const { first, sequential } = plan;
  const drop = first.rows.find((r) => r.kind === 'quality')?.needed?.change ?? 0.05;
  const change = first.rows.find((r) => r.kind !== 'quality')?.needed?.change ?? 0.2;
  const lines: string[] = [
    `llm-gate plan: what this suite and bench can catch against a baseline, before any GPU time`,
    `family-wise confidence ${pct(first.confidence)}, ${first.tests} dimensions tested (Bonferroni), power ${pct(first.power)}: ` +
      `"smallest caught" is the smallest regression the gate flags in ${pct(first.power)} of runs`,
  ];
  const quality = first.rows.filter((r) => r.kind === 'quality');
  if (quality.length > 0) {
    const spread = quality.every((r) => r.spread.source === 'assumed')
      ? `${quality[0]!.spread.value === 0 ? 'answers assumed to repeat exactly between runs' : `${pct(quality[0]!.spread.value)} of items assumed to change between runs`} (--repeat A.json --repeat B.json measures it)`
      : 'instability measured from repeats';
    lines.push('', `quality${subject.dataset ? `: ${subject.dataset}` : ''}; ${spread}`);
    const w = [34, 6, 11, 13, 22, 26];
    lines.push(pad(['dimension', 'items', 'tolerance', 'instability', 'smallest drop caught', `items for -${pts(drop)}`], w));
    for (const r of quality) lines.push(pad([r.dimension, String(r.units), pts(r.tolerance), pct(r.spread.value), mdeText(r), neededText(r)], w));
  }
  const perf = first.rows.filter((r) => r.kind !== 'quality');
  if (perf.length > 0) {
    const assumed = perf.some((r) => r.spread.source === 'assumed');
    lines.push(
      '',
      `latency and throughput${subject.bench ? `: ${subject.bench}` : ''}; spread ${assumed ? 'ASSUMED (lognormal guess per metric; --baseline REPORT measures it)' : "measured from the baseline's samples"}`,
    );
    const seqHead = sequential ? `at ${sequential.maxRequests} (sequential)` : '';
    const w = [36, 8, 9, 30, sequential ? 22 : 0, 30];
    lines.push(pad(['dimension', 'requests', 'tolerance', 'smallest change caught', seqHead, `requests for ${pct(change)} worse`], w));
    for (const r of perf) {
      const s = sequential?.rows.find((x) => x.dimension === r.dimension);
      lines.push(pad([r.dimension, String(r.units), pct(r.tolerance), mdeText(r), s ? mdeText(s) : '', neededText(r)], w));
    }
  }
  const can = first.rows.filter((r) => r.needed && r.mde !== null && r.mde <= r.needed.change).map((r) => r.dimension);
  const cannot = first.rows.filter((r) => !(r.needed && r.mde !== null && r.mde <= r.needed.change)).map((r) => r.dimension);
  lines.push(
    '',
    `catches ${quality.length > 0 ? `a ${pts(drop)} drop or ` : ''}a ${pct(change)} slowdown on: ${can.length > 0 ? can.join(', ') : 'none'}`,
    `cannot catch it on: ${cannot.length > 0 ? cannot.join(', ') : 'none'}`,
  );
  return lines.join('\n');
}
