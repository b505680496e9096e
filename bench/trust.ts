/**
 * The trust benchmark: how often does the gate cry wolf, and how often does it catch a real
 * regression? It runs the real simulator (src/sim), the real load generator (src/bench) and the
 * real eval runner (src/eval) as many independent "gate runs", and decides each with the real
 * compareReports at the default compare settings.
 *
 *   A/A: two runs with the same simulator settings (fresh seed per run, as a fresh boot would be).
 *        A false alarm is a gate run where any dimension regressed. Target: <= 1 in 100.
 *   A/B: the candidate has one injected regression: +10% TPOT, +20% TTFT (hence +20% TTFT p99),
 *        or -5 points on one quality dimension. Target: detected in >= 95% of gate runs.
 *   Noise: an injection may come with a noise model that baseline and candidate share (server-wide
 *        stalls at random moments); then as many A/A gate runs under that noise count its false alarms.
 *
 * Latencies are scaled down (2 ms per token) so hundreds of runs fit in minutes; request counts,
 * concurrency and output lengths are the defaults of bench config. `node bench/trust.ts --help`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { plannedLooks, runStep, type SequentialSampling } from '../src/bench/load.ts';
import { syntheticBodies } from '../src/bench/prompts.ts';
import { compareReports } from '../src/compare/compare.ts';
import { describeDimension } from '../src/compare/format.ts';
import { lookAtStep } from '../src/compare/sequential.ts';
import { createRng } from '../src/compare/stats/prng.ts';
import { benchConfigSchema, compareConfigSchema } from '../src/config/schema.ts';
import { loadDataset, type Dataset } from '../src/eval/dataset.ts';
import { runEval } from '../src/eval/runner.ts';
import { silentLogger } from '../src/log.ts';
import type { BenchRun, Comparison, Quality, Report } from '../src/report/schema.ts';
import { startSimulator, type SimulatorOptionsInput } from '../src/sim/server.ts';
import { syntheticQualityReport } from './synthetic-report.ts';

const benchDefaults = benchConfigSchema.parse({});
const compareDefaults = compareConfigSchema.parse({});

export interface TrustBenchOptions {
  /** Independent A/A gate runs (each needs two bench runs). */
  aaRuns?: number;
  /** Gate runs per injected regression. */
  abRuns?: number;
  requests?: number;
  concurrency?: number;
  outputTokens?: number;
  /** Items per quality dimension in the generated suite. */
  qualityItems?: number;
  seed?: number;
  /**
   * Sequential sampling (bench.sequential): each baseline is recorded with maxRequests requests (so
   * its p99s can be decided), and each candidate samples rounds of `requests` until its look at
   * the baseline is decided, up to maxRequests. One baseline serves candidatesPerBaseline gate runs
   * (1: all runs independent; more: faster, runs sharing a baseline are correlated).
   */
  sequential?: SequentialBench;
  /** Tolerances over the defaults (compare.tolerances), e.g. {'perf.*.ttft.p99': 0.1}. */
  tolerances?: Record<string, number>;
  /** compare.latencyMetrics instead of the default list. */
  latencyMetrics?: typeof compareDefaults.latencyMetrics;
  /** Run only the injections whose name contains this text. */
  injections?: string;
  /** Progress and figures go here; default stdout. */
  write?: (line: string) => void;
}

/**
 * Sequential mode: baselines of baselineRequests (default maxRequests) shared by candidatesPerBaseline
 * gate runs, candidates sampled in rounds up to maxRequests. A 64-request baseline is what a gate
 * run without sequential sampling stored.
 */
export interface SequentialBench {
  maxRequests: number;
  baselineRequests?: number;
  candidatesPerBaseline: number;
  stopOnRegression: boolean;
  waitForTails: boolean;
}

/** The simulator, scaled down: what matters is the shape of the noise, not milliseconds of a GPU. */
const FAST_SIM: SimulatorOptionsInput = {
  ttftMs: 20,
  prefillMsPerToken: 0.02,
  decodeMsPerToken: 2,
  jitter: 0.05,
  slowdownPerActive: 0.02,
};

interface Injection {
  name: string;
  /** The dimension that must be flagged for the injection to count as detected. */
  target: (profile: string) => string;
  /** Dimensions of the same metric (any TTFT percentile for a TTFT regression). */
  family: (profile: string) => string;
  sim: (base: SimulatorOptionsInput) => SimulatorOptionsInput;
  /**
   * A noise model both runs share (the baseline is run with it too); absent, the plain simulator.
   * With one, the bench also runs as many A/A gate runs under the same noise as A/B runs.
   */
  noise?: (base: SimulatorOptionsInput) => SimulatorOptionsInput;
  /** Share of the `factual` items the candidate answers wrongly on top of the baseline's. */
  extraWrong: number;
}

const INJECTIONS: Injection[] = [
  {
    name: '+10% TPOT',
    target: (p) => `perf.${p}.tpot.p50`,
    family: (p) => `perf.${p}.tpot.`,
    sim: (b) => ({ ...b, decodeMsPerToken: (b.decodeMsPerToken ?? 0) * 1.1 }),
    extraWrong: 0,
  },
  {
    name: '+20% TTFT p99',
    target: (p) => `perf.${p}.ttft.p99`,
    family: (p) => `perf.${p}.ttft.`,
    // The simulator has no tail-only knob: the whole TTFT distribution moves by 20%, p99 with it.
    sim: (b) => ({ ...b, ttftMs: (b.ttftMs ?? 0) * 1.2, prefillMsPerToken: (b.prefillMsPerToken ?? 0) * 1.2 }),
    extraWrong: 0,
  },
  { name: '-5 points quality.factual', target: () => 'quality.factual', family: () => 'quality.factual', sim: (b) => b, extraWrong: 0.05 },
  {
    // Server-wide stalls at random moments (not at fixed requests), in baseline and candidate alike: each stall
    // pauses every stream in flight, so TPOT, which spreads a stall over the request's tokens, turns bimodal.
    name: '+30% TPOT under random stalls',
    target: (p) => `perf.${p}.tpot.p50`,
    family: (p) => `perf.${p}.tpot.`,
    noise: (b) => ({ ...b, faults: { stallEveryMs: 400, stallMs: 100 } }),
    sim: (b) => ({ ...b, faults: { stallEveryMs: 400, stallMs: 100 }, decodeMsPerToken: (b.decodeMsPerToken ?? 0) * 1.3 }),
    extraWrong: 0,
  },
];

/** Share of items answered wrongly in every run: a temperature-0 model that is stably wrong on some items. */
const BASE_WRONG = 0.1;

interface SuiteItem {
  id: string;
  dimension: string;
  prompt: string;
  reference: string;
}

async function writeSuite(dir: string, items: SuiteItem[]): Promise<Dataset> {
  await writeFile(
    join(dir, 'dataset.yaml'),
    [
      'name: trust',
      'version: v1',
      'description: generated by bench/trust.ts',
      'dimensions:',
      '  factual: {scorer: contains}',
      '  arithmetic: {scorer: numeric}',
      '',
    ].join('\n'),
  );
  await writeFile(join(dir, 'items.jsonl'), items.map((it) => JSON.stringify(it)).join('\n') + '\n');
  return loadDataset(dir);
}

function suiteItems(n: number): SuiteItem[] {
  const items: SuiteItem[] = [];
  for (let i = 0; i < n; i++) {
    items.push({ id: `f${i}`, dimension: 'factual', prompt: `Trust item ${i}: what is the code word?`, reference: `code${i}x` });
    items.push({ id: `a${i}`, dimension: 'arithmetic', prompt: `Trust sum ${i}: what is ${i} + 1000?`, reference: String(i + 1000) });
  }
  return items;
}

/** The simulator's answer book: the first BASE_WRONG (+ extraWrong for factual) of each dimension answered wrongly. */
function answers(items: SuiteItem[], n: number, extraWrong: number): { prompt: string; reference: string }[] {
  return items.map((it) => {
    const index = Number(it.id.slice(1));
    const wrongShare = BASE_WRONG + (it.dimension === 'factual' ? extraWrong : 0);
    const wrong = index < Math.round(wrongShare * n);
    return { prompt: it.prompt, reference: wrong ? (it.dimension === 'factual' ? 'I am not sure.' : String(Number(it.reference) + 1)) : it.reference };
  });
}

interface RunSettings {
  requests: number;
  concurrency: number;
  outputTokens: number;
  dataset: Dataset;
  items: SuiteItem[];
  qualityItems: number;
  evalCache: Map<number, Quality>;
}

interface RunPlan {
  /** Measured requests of a plain run (default settings.requests). */
  requests?: number;
  /** Sample sequentially against this baseline run, up to maxRequests. */
  against?: { run: BenchRun; maxRequests: number; stopOnRegression: boolean; waitForTails: boolean; config: typeof compareDefaults };
}

/** One gate run's measurements: a fresh simulator, the eval suite, one load step; as a report. */
async function gateRun(settings: RunSettings, sim: SimulatorOptionsInput, extraWrong: number, seed: number, plan: RunPlan = {}): Promise<Report> {
  // In-process: the simulator's timers share the event loop with the load generator, as a loaded
  // runner would; the stalls this adds to the tail are part of the noise the gate must tolerate.
  const server = await startSimulator({ ...sim, seed, answers: answers(settings.items, settings.qualityItems, extraWrong) });
  const startedAt = new Date().toISOString();
  try {
    // The simulator answers a prompt the same way in every run (a temperature-0 model), so the eval
    // of one answer book is measured once, for real, and reused by the runs that share it.
    let quality = settings.evalCache.get(extraWrong);
    if (!quality) {
      quality = await runEval(
        {
          baseURL: `${server.url}/v1`,
          model: 'sim-model',
          dataset: settings.dataset,
          concurrency: 16,
          timeoutS: 30,
          retries: 0,
          maxTokens: 16,
          temperature: 0,
        },
        silentLogger,
      );
      settings.evalCache.set(extraWrong, quality);
    }
    const run = await runStep({
      baseURL: `${server.url}/v1`,
      shape: { mode: 'concurrency', concurrency: settings.concurrency },
      requests: plan.requests ?? settings.requests,
      warmupRequests: benchDefaults.warmupRequests,
      ...(plan.against ? { sequential: sequentialAgainst(plan.against, settings.requests) } : {}),
      makeBody: syntheticBodies({ model: 'sim-model', inputWords: benchDefaults.inputTokens, outputTokens: settings.outputTokens, seed }),
      totalTimeoutMs: 120_000,
      idleTimeoutMs: 30_000,
      slo: {},
      seed,
      profile: `c${settings.concurrency}`,
    });
    return {
      schemaVersion: 1,
      tool: { name: 'llm-gate', version: 'trust-bench' },
      subject: { image: 'simulator', startedAt, finishedAt: new Date().toISOString() },
      verdict: 'pass',
      reasons: [],
      readiness: null,
      quality,
      performance: { runs: [run] },
      comparison: null,
    };
  } finally {
    await server.close();
  }
}

/** The gate's stopping rule (src/compare/sequential.ts) at the default compare settings. */
function sequentialAgainst(against: NonNullable<RunPlan['against']>, roundRequests: number): SequentialSampling {
  const { maxRequests } = against;
  const looks = plannedLooks({ roundRequests, maxRequests });
  return { roundRequests, maxRequests, decide: (run) => lookAtStep(against.run, run, against.config, looks, { stopOnRegression: against.stopOnRegression, waitForTails: against.waitForTails }).stop };
}

/** Requests a sequential candidate used and why it stopped. */
interface Usage {
  requests: number[];
  stoppedBecause: Record<string, number>;
}

function recordUsage(usage: Usage, report: Report): void {
  const run = report.performance?.runs[0];
  if (!run) return;
  usage.requests.push(run.requests);
  const why = run.sequential?.stoppedBecause ?? 'not sequential';
  usage.stoppedBecause[why] = (usage.stoppedBecause[why] ?? 0) + 1;
}

export interface TrustBenchResult {
  settings: { requests: number; concurrency: number; outputTokens: number; qualityItems: number; confidence: number; tests: number };
  falseAlarms: { runs: number; alarms: number; byDimension: Record<string, number> };
  /** Per dimension, the A/A changes in the bad direction (relative for perf, points for quality). */
  aaChanges: Record<string, number[]>;
  detections: {
    name: string;
    target: string;
    family: string;
    runs: number;
    targetFlagged: number;
    familyFlagged: number;
    gateFailed: number;
    /** The target dimension in the runs that missed it, to tell noise from a blind spot. */
    misses: string[];
    usage: Usage;
  }[];
  /** Sequential mode: requests the A/A candidates used. */
  aaUsage: Usage;
  /** A/A gate runs under each injection's noise model (both runs with the same noise, no regression). */
  noiseFalseAlarms: { name: string; runs: number; alarms: number; byDimension: Record<string, number>; usage: Usage }[];
  sequential?: SequentialBench;
  seconds: number;
}

function regressedDimensions(c: Comparison): string[] {
  return Object.entries(c.dimensions)
    .filter(([, d]) => d.regressed)
    .map(([n]) => n);
}

/** Runs the A/A and A/B gate runs and returns the counts. */
export async function measureTrust(opts: TrustBenchOptions = {}): Promise<TrustBenchResult> {
  const t0 = performance.now();
  const write = opts.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const aaRuns = opts.aaRuns ?? 100;
  const abRuns = opts.abRuns ?? 20;
  const qualityItems = opts.qualityItems ?? 200;
  const rng = createRng(opts.seed ?? 1);
  const nextSeed = () => Math.floor(rng() * 2 ** 31);
  const dir = await mkdtemp(join(tmpdir(), 'llm-gate-trust-'));
  try {
    const items = suiteItems(qualityItems);
    const settings: RunSettings = {
      requests: opts.requests ?? benchDefaults.requests,
      concurrency: opts.concurrency ?? benchDefaults.concurrency[0]!,
      outputTokens: opts.outputTokens ?? benchDefaults.outputTokens,
      dataset: await writeSuite(dir, items),
      items,
      qualityItems,
      evalCache: new Map(),
    };
    const profile = `c${settings.concurrency}`;
    const result: TrustBenchResult = {
      settings: { ...settings, dataset: undefined, items: undefined, confidence: compareDefaults.confidence, tests: 0 } as TrustBenchResult['settings'],
      falseAlarms: { runs: 0, alarms: 0, byDimension: {} },
      aaChanges: {},
      detections: INJECTIONS.map((inj) => ({
        name: inj.name,
        target: inj.target(profile),
        family: inj.family(profile),
        runs: 0,
        targetFlagged: 0,
        familyFlagged: 0,
        gateFailed: 0,
        misses: [],
        usage: { requests: [], stoppedBecause: {} },
      })),
      aaUsage: { requests: [], stoppedBecause: {} },
      noiseFalseAlarms: [],
      ...(opts.sequential ? { sequential: opts.sequential } : {}),
      seconds: 0,
    };
    // Each pair runs back to back, so A/A and A/B see the same kind of run-to-run drift: that of
    // two runs minutes apart on this machine (docs/compare.md says what that leaves out).
    const seq = opts.sequential;
    const compareConfig = {
      ...compareDefaults,
      tolerances: { ...compareDefaults.tolerances, ...opts.tolerances },
      ...(opts.latencyMetrics ? { latencyMetrics: opts.latencyMetrics } : {}),
    };
    // A baseline for gate run i: fresh every candidatesPerBaseline runs; in sequential mode one of maxRequests requests.
    let shared: Report | undefined;
    const baselineFor = async (i: number, sim = FAST_SIM): Promise<Report> => {
      if (!seq) return gateRun(settings, sim, 0, nextSeed());
      if (!shared || i % seq.candidatesPerBaseline === 0) shared = await gateRun(settings, sim, 0, nextSeed(), { requests: seq.baselineRequests ?? seq.maxRequests });
      return shared;
    };
    const candidatePlan = (a: Report): RunPlan => (seq ? { against: { run: a.performance!.runs[0]!, maxRequests: seq.maxRequests, stopOnRegression: seq.stopOnRegression, waitForTails: seq.waitForTails, config: compareConfig } } : {});
    for (let i = 0; i < aaRuns; i++) {
      const a = await baselineFor(i);
      const b = await gateRun(settings, FAST_SIM, 0, nextSeed(), candidatePlan(a));
      recordUsage(result.aaUsage, b);
      const c = compareReports(a, b, compareConfig, { seed: i });
      result.settings.tests = c.tests ?? 0;
      for (const [name, d] of Object.entries(c.dimensions)) {
        const change = d.relativeDelta ?? d.delta;
        (result.aaChanges[name] ??= []).push(d.direction === 'lower-is-better' ? change : -change);
      }
      const flagged = regressedDimensions(c);
      result.falseAlarms.runs++;
      if (flagged.length > 0) result.falseAlarms.alarms++;
      for (const d of flagged) result.falseAlarms.byDimension[d] = (result.falseAlarms.byDimension[d] ?? 0) + 1;
      if ((i + 1) % 10 === 0 || flagged.length > 0) {
        write(`  A/A ${i + 1}/${aaRuns}: ${result.falseAlarms.alarms} false alarms${flagged.length > 0 ? ` (this run: ${flagged.join(', ')})` : ''}`);
      }
    }
    for (const [k, inj] of INJECTIONS.entries()) {
      if (opts.injections !== undefined && !inj.name.includes(opts.injections)) continue;
      const tally = result.detections[k]!;
      shared = undefined;
      for (let i = 0; i < abRuns; i++) {
        const a = await baselineFor(i, inj.noise?.(FAST_SIM) ?? FAST_SIM);
        const b = await gateRun(settings, inj.sim(FAST_SIM), inj.extraWrong, nextSeed(), candidatePlan(a));
        recordUsage(tally.usage, b);
        const c = compareReports(a, b, compareConfig, { seed: 1000 + i });
        const flagged = regressedDimensions(c);
        const target = c.dimensions[tally.target];
        if (target && !target.regressed) tally.misses.push(`${tally.target} ${describeDimension(target)}`);
        tally.runs++;
        if (flagged.length > 0) tally.gateFailed++;
        if (flagged.includes(tally.target)) tally.targetFlagged++;
        if (flagged.some((d) => d.startsWith(tally.family))) tally.familyFlagged++;
      }
      write(`  A/B ${inj.name}: ${tally.targetFlagged}/${tally.runs} flagged on ${tally.target}, ${tally.familyFlagged} on ${tally.family}*, gate failed in ${tally.gateFailed}/${tally.runs}`);
      if (!inj.noise) continue;
      // The same noise with no regression: what the gate says when only the noise differs between runs.
      const noisy = inj.noise(FAST_SIM);
      const aa = { name: inj.name, runs: 0, alarms: 0, byDimension: {} as Record<string, number>, usage: { requests: [], stoppedBecause: {} } as Usage };
      result.noiseFalseAlarms.push(aa);
      shared = undefined;
      for (let i = 0; i < abRuns; i++) {
        const a = await baselineFor(i, noisy);
        const b = await gateRun(settings, noisy, 0, nextSeed(), candidatePlan(a));
        recordUsage(aa.usage, b);
        const flagged = regressedDimensions(compareReports(a, b, compareConfig, { seed: 2000 + i }));
        aa.runs++;
        if (flagged.length > 0) aa.alarms++;
        for (const d of flagged) aa.byDimension[d] = (aa.byDimension[d] ?? 0) + 1;
      }
      write(`  A/A under the noise of ${inj.name}: ${aa.alarms}/${aa.runs} false alarms${aa.alarms > 0 ? ` (${JSON.stringify(aa.byDimension)})` : ''}`);
    }
    result.seconds = (performance.now() - t0) / 1000;
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * How many items a quality dimension needs, from the statistics alone (no simulator): binary item
 * scores at 90% accuracy; each item's score flips between runs with probability `flip` (0: a
 * temperature-0 model, identical answers every run; 0.02: batch nondeterminism or a noisy judge).
 * The candidate loses 5 points (5% of items go from right to wrong). Decided by compareReports
 * with the family size of a default gate (quality dimensions plus one bench profile).
 */
export function qualitySampleSizes(opts: { sizes?: number[]; flips?: number[]; runs?: number; tests?: number; seed?: number } = {}) {
  const sizes = opts.sizes ?? [50, 100, 150, 200, 300, 500];
  const flips = opts.flips ?? [0, 0.02];
  const runs = opts.runs ?? 100;
  const tests = opts.tests ?? 9;
  const rng = createRng(opts.seed ?? 7);
  const config = { ...compareDefaults };
  const report = (scores: number[]): Report => syntheticQualityReport(scores, tests, 'trust-bench');
  const rows: { items: number; flip: number; falseAlarm: number; detection: number }[] = [];
  for (const flip of flips) {
    for (const n of sizes) {
      const truth = Array.from({ length: n }, (_, i) => (i < Math.round(0.1 * n) ? 0 : 1));
      const observe = (t: number[]) => t.map((x) => (rng() < flip ? 1 - x : x));
      const regressedTruth = truth.map((x, i) => (i >= Math.round(0.1 * n) && i < Math.round(0.15 * n) ? 0 : x));
      let alarms = 0;
      let detected = 0;
      for (let r = 0; r < runs; r++) {
        const base = report(observe(truth));
        if (compareReports(base, report(observe(truth)), config, { seed: r }).dimensions['quality.factual']?.regressed) alarms++;
        if (compareReports(base, report(observe(regressedTruth)), config, { seed: r }).dimensions['quality.factual']?.regressed) detected++;
      }
      rows.push({ items: n, flip, falseAlarm: alarms / runs, detection: detected / runs });
    }
  }
  return rows;
}

/** Upper end of the one-sided 95% Clopper-Pearson-style bound for k events in n (exact via bisection). */
function upperBound95(k: number, n: number): number {
  if (k >= n) return 1;
  let lo = k / n;
  let hi = 1;
  for (let it = 0; it < 60; it++) {
    const p = (lo + hi) / 2;
    // P(X <= k | p) by summing the binomial terms in log space.
    let cdf = 0;
    for (let j = 0; j <= k; j++) cdf += Math.exp(logChoose(n, j) + j * Math.log(p) + (n - j) * Math.log1p(-p));
    if (cdf > 0.05) lo = p;
    else hi = p;
  }
  return hi;
}

function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log((n - k + i) / i);
  return s;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** Prints the figures; resolves to 0 when both targets are met, 1 otherwise (for `npm run bench`). */
export async function runTrustBench(opts: TrustBenchOptions = {}): Promise<number> {
  const write = opts.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  write('trust benchmark: false alarms (A/A) and detection (A/B) of the gate\'s comparison');
  write(
    `  real simulator + load generator + eval runner; latencies scaled down (TTFT ${FAST_SIM.ttftMs} ms, ${FAST_SIM.decodeMsPerToken} ms/token, jitter ±${(FAST_SIM.jitter ?? 0) * 100}%)`,
  );
  const r = await measureTrust({ ...opts, write });
  const s = r.settings;
  write('');
  write(
    `settings: ${s.requests} requests at concurrency ${s.concurrency}, ${s.outputTokens} output tokens, ` +
      `${s.qualityItems} items per quality dimension (2 dimensions), ${s.tests} dimensions tested, family-wise confidence ${pct(s.confidence)}`,
  );
  if (r.sequential) {
    write(
      `sequential: baselines of ${r.sequential.baselineRequests ?? r.sequential.maxRequests} requests, each shared by ${r.sequential.candidatesPerBaseline} gate run(s); ` +
        `candidates sample rounds of ${s.requests} up to ${r.sequential.maxRequests}, ${r.sequential.stopOnRegression ? 'stopping at the first regression' : 'until every dimension is decided'}`,
    );
  }
  const fa = r.falseAlarms;
  const faRate = fa.runs === 0 ? 0 : fa.alarms / fa.runs;
  let faOk = faRate <= 0.01;
  write(
    `false alarms (A/A): ${fa.alarms}/${fa.runs} gate runs = ${pct(faRate)} (95% upper bound ${pct(upperBound95(fa.alarms, fa.runs))}); target <= 1.0%: ${faOk ? 'met' : 'MISSED'}`,
  );
  for (const [d, n] of Object.entries(fa.byDimension)) write(`  flagged ${d}: ${n}`);
  write('A/A run-to-run spread, change in the bad direction (what a tolerance must absorb):');
  write(`  ${'dimension'.padEnd(30)} ${'p50'.padStart(8)} ${'p95'.padStart(8)} ${'p99'.padStart(8)} ${'max'.padStart(8)}`);
  for (const [d, changes] of Object.entries(r.aaChanges).sort(([a], [b]) => a.localeCompare(b))) {
    const sorted = [...changes].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    const f = (x: number) => (d.startsWith('quality.') || d.endsWith('errorRate') ? `${(x * 100).toFixed(1)}pt` : pct(x)).padStart(8);
    write(`  ${d.padEnd(30)} ${f(at(0.5))} ${f(at(0.95))} ${f(at(0.99))} ${f(sorted[sorted.length - 1] ?? 0)}`);
  }
  if (r.sequential) {
    write('requests used per candidate step (sequential): mean, min-max, why sampling stopped');
    const line = (name: string, u: Usage) => {
      if (u.requests.length === 0) return;
      const mean = u.requests.reduce((a, b) => a + b, 0) / Math.max(1, u.requests.length);
      write(`  ${name.padEnd(28)} ${mean.toFixed(0).padStart(5)}  ${Math.min(...u.requests)}-${Math.max(...u.requests)}  ${JSON.stringify(u.stoppedBecause)}`);
    };
    line('A/A', r.aaUsage);
    for (const d of r.detections) line(`A/B ${d.name}`, d.usage);
    for (const n of r.noiseFalseAlarms) line(`A/A noise of ${n.name}`, n.usage);
  }
  let detOk = true;
  for (const d of r.detections) {
    if (d.runs === 0) continue;
    const rate = d.runs === 0 ? 0 : d.targetFlagged / d.runs;
    detOk &&= rate >= 0.95;
    write(
      `detection ${d.name}: ${d.targetFlagged}/${d.runs} = ${pct(rate)} on ${d.target}; ${d.familyFlagged}/${d.runs} on any ${d.family}*; ` +
        `gate failed ${d.gateFailed}/${d.runs}; target >= 95% on ${d.target}: ${rate >= 0.95 ? 'met' : 'MISSED'}`,
    );
    for (const m of d.misses.slice(0, 5)) write(`  missed: ${m}`);
  }
  for (const n of r.noiseFalseAlarms) {
    const rate = n.runs === 0 ? 0 : n.alarms / n.runs;
    faOk = faOk && rate <= 0.01;
    write(`false alarms (A/A) under the noise of ${n.name}: ${n.alarms}/${n.runs} = ${pct(rate)} (95% upper bound ${pct(upperBound95(n.alarms, n.runs))}); target <= 1.0%: ${rate <= 0.01 ? 'met' : 'MISSED'}`);
    for (const [d, k] of Object.entries(n.byDimension)) write(`  flagged ${d}: ${k}`);
  }
  write(`took ${r.seconds.toFixed(0)} s`);
  return faOk && detOk ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      'aa-runs': { type: 'string' },
      'ab-runs': { type: 'string' },
      requests: { type: 'string' },
      'quality-items': { type: 'string' },
      seed: { type: 'string' },
      sequential: { type: 'boolean' },
      'max-requests': { type: 'string' },
      'baseline-requests': { type: 'string' },
      'per-baseline': { type: 'string' },
      'until-decided': { type: 'boolean' },
      tolerance: { type: 'string', multiple: true },
      injections: { type: 'string' },
      'latency-metrics': { type: 'string' },
      sizes: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(
      'Usage: node bench/trust.ts [--aa-runs N (100)] [--ab-runs N (20)] [--requests N (64)] [--quality-items N (200)] [--seed N]\n' +
        '         [--sequential [--max-requests N (512)] [--baseline-requests N (max-requests)] [--per-baseline N (1)] [--until-decided]]\n' +
        '         [--tolerance PATTERN=VALUE ...] [--injections TEXT (only injections whose name contains it)] [--latency-metrics ttft.p50,tpot.p50,...]   sample candidates sequentially against baselines of N requests\n' +
        '       node bench/trust.ts --sizes    items a quality dimension needs (statistics only, no simulator)\n',
    );
  } else if (values.sizes) {
    process.stdout.write('quality sample sizes (synthetic binary scores at 90% accuracy, -5 points injected, 9 tests in the family, 100 runs a cell):\n');
    process.stdout.write('  items  flip/run  false alarms  detection\n');
    for (const r of qualitySampleSizes()) {
      process.stdout.write(`  ${String(r.items).padStart(5)}  ${pct(r.flip).padStart(8)}  ${pct(r.falseAlarm).padStart(12)}  ${pct(r.detection).padStart(9)}\n`);
    }
  } else {
    const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
    process.exitCode = await runTrustBench({
      ...(values['aa-runs'] ? { aaRuns: num(values['aa-runs'])! } : {}),
      ...(values['ab-runs'] ? { abRuns: num(values['ab-runs'])! } : {}),
      ...(values.requests ? { requests: num(values.requests)! } : {}),
      ...(values['quality-items'] ? { qualityItems: num(values['quality-items'])! } : {}),
      ...(values.seed ? { seed: num(values.seed)! } : {}),
      ...(values.tolerance ? { tolerances: Object.fromEntries(values.tolerance.map((t) => [t.split('=')[0]!, Number(t.split('=')[1])])) } : {}),
      ...(values.injections ? { injections: values.injections } : {}),
      ...(values['latency-metrics'] ? { latencyMetrics: compareConfigSchema.shape.latencyMetrics.parse(values['latency-metrics'].split(',')) } : {}),
      ...(values.sequential
        ? { sequential: { maxRequests: num(values['max-requests']) ?? 512, ...(values['baseline-requests'] ? { baselineRequests: num(values['baseline-requests'])! } : {}), candidatesPerBaseline: num(values['per-baseline']) ?? 1, stopOnRegression: !values['until-decided'], waitForTails: Boolean(values['until-decided']) } }
        : {}),
    });
  }
}
