import { compareConfigSchema } from '../../src/config/schema.ts';
import type { BenchRun, Report, RequestSample } from '../../src/report/schema.ts';
import { createRng, type Rng } from '../../src/compare/stats/prng.ts';
import { quantile } from '../../src/compare/stats/quantile.ts';

export const defaultCompareConfig = compareConfigSchema.parse({});

/** Draws from a log-normal distribution with the given median and log-scale spread. */
export function logNormal(rng: Rng, median: number, sigma: number): number {
  const u1 = Math.max(rng(), 1e-12);
  const u2 = rng();
  return median * Math.exp(sigma * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
}

export interface RunSpec {
  ttft: number[];
  tpot: number[];
  outputTokens?: number;
  errors?: number;
}

function stats(v: number[]): BenchRun['ttftMs'] {
  return {
    mean: v.reduce((s, x) => s + x, 0) / Math.max(1, v.length),
    p50: quantile(v, 0.5),
    p90: quantile(v, 0.9),
    p95: quantile(v, 0.95),
    p99: quantile(v, 0.99),
    max: Math.max(...v),
  };
}

/** A bench run whose samples follow from per-request TTFT and TPOT; ITL gaps equal the TPOT. */
export function benchRun(profile: string, spec: RunSpec): BenchRun {
  const out = spec.outputTokens ?? 32;
  const samples: RequestSample[] = spec.ttft.map((ttft, i) => {
    const tpot = spec.tpot[i]!;
    return {
      ok: true,
      startMs: i * 10,
      ttftMs: ttft,
      e2eMs: ttft + tpot * (out - 1),
      tpotMs: tpot,
      itlMs: Array.from({ length: 4 }, () => tpot),
      inputTokens: 128,
      outputTokens: out,
    };
  });
  for (let i = 0; i < (spec.errors ?? 0); i++) {
    samples.push({
      ok: false,
      startMs: 0,
      ttftMs: null,
      e2eMs: 5,
      tpotMs: null,
      itlMs: [],
      inputTokens: null,
      outputTokens: 0,
      error: { kind: 'http', message: 'HTTP 500' },
    });
  }
  const ok = samples.filter((s) => s.ok);
  const e2e = ok.map((s) => s.e2eMs);
  const durationS = e2e.reduce((s, x) => s + x, 0) / 1000 / 4;
  return {
    profile,
    concurrency: 4,
    requests: samples.length,
    ok: ok.length,
    errors: samples.length - ok.length,
    errorsByKind: spec.errors ? { http: spec.errors } : {},
    durationS,
    ttftMs: stats(spec.ttft),
    tpotMs: stats(spec.tpot),
    itlMs: stats(spec.tpot),
    e2eMs: stats(e2e),
    outputTokensPerSec: (ok.length * out) / durationS,
    requestsPerSec: ok.length / durationS,
    tokenSource: 'usage',
    samples,
  };
}

export interface ReportSpec {
  tag?: string;
  sha256?: string;
  /** Per dimension, per-item scores; item ids are `item-<index>`. */
  quality?: Record<string, number[]>;
  runs?: BenchRun[];
  secondsToReady?: number;
}

export function makeReport(spec: ReportSpec): Report {
  const dims = Object.entries(spec.quality ?? {});
  return {
    schemaVersion: 1,
    tool: { name: 'llm-gate', version: '0.1.0' },
    subject: {
      image: 'example/engine',
      ...(spec.tag ? { tag: spec.tag } : {}),
      startedAt: '2026-11-25T00:00:00Z',
      finishedAt: '2026-11-25T00:10:00Z',
    },
    verdict: 'pass',
    reasons: [],
    readiness:
      spec.secondsToReady === undefined ? null : { ready: true, secondsToReady: spec.secondsToReady, attempts: 3 },
    quality:
      dims.length === 0
        ? null
        : {
            dataset: { name: 'starter', version: 'v1', sha256: spec.sha256 ?? 'a'.repeat(64), items: dims[0]![1].length },
            dimensions: Object.fromEntries(
              dims.map(([name, scores]) => [
                name,
                {
                  score: scores.reduce((s, x) => s + x, 0) / scores.length,
                  n: scores.length,
                  items: scores.map((score, i) => ({ id: `item-${i}`, score, output: '' })),
                },
              ]),
            ),
          },
    performance: spec.runs ? { runs: spec.runs } : null,
    comparison: null,
  };
}

/** Per-request latencies from a log-normal model, seeded. */
export function latencySamples(seed: number, n: number, median: number, sigma: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => logNormal(rng, median, sigma));
}
