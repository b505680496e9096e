import { reportSchema, type BenchRun, type Comparison, type ComparisonDimension, type Report, type RequestSample } from '../../src/report/schema.ts';

const stats = (p50: number) => ({ mean: p50 * 1.05, p50, p90: p50 * 1.4, p95: p50 * 1.6, p99: p50 * 2, max: p50 * 2.5 });

function samples(n: number, ttft: number): RequestSample[] {
  return Array.from({ length: n }, (_, i) => ({
    ok: true,
    startMs: i * 10,
    ttftMs: ttft + (i % 7) * 3,
    e2eMs: ttft + 400,
    tpotMs: 6,
    itlMs: [6, 6, 7],
    inputTokens: 128,
    outputTokens: 64,
  }));
}

export function benchRun(concurrency: number, ttft = 40): BenchRun {
  return {
    profile: `concurrency-${concurrency}`,
    concurrency,
    requests: 32,
    ok: 31,
    errors: 1,
    errorsByKind: { timeout: 1 },
    durationS: 4.2,
    ttftMs: stats(ttft),
    tpotMs: stats(6),
    itlMs: stats(6),
    e2eMs: stats(420),
    outputTokensPerSec: 480 * concurrency,
    requestsPerSec: 7.5,
    goodput: { ratio: 0.94, requestsPerSec: 7.05, slo: { ttftP99Ms: 200 } },
    tokenSource: 'usage',
    samples: samples(31, ttft),
  };
}

/** A complete failing report: two regressions, a failing quality item, a concurrency sweep. */
export function failingReport(overrides: Partial<Report> = {}): Report {
  return reportSchema.parse({
    schemaVersion: 1,
    tool: { name: 'llm-gate', version: '0.1.0' },
    subject: {
      image: 'registry.local/llm:v2',
      digest: 'sha256:0123456789abcdef0123456789abcdef',
      tag: 'v2',
      model: 'tiny-chat',
      engine: 'vllm',
      startedAt: '2026-11-25T20:00:00.000Z',
      finishedAt: '2026-11-25T20:03:10.000Z',
    },
    verdict: 'fail',
    reasons: [
      { dimension: 'ttft_p99_ms', message: 'TTFT p99 rose 35% (tolerance 10%)' },
      { dimension: 'quality.arithmetic', message: 'score fell by 0.2 points' },
    ],
    readiness: { ready: true, secondsToReady: 42.5, attempts: 7 },
    quality: {
      dataset: { name: 'starter', version: 'v1', sha256: 'ab'.repeat(32), items: 3, path: 'datasets/starter/v1/items.jsonl' },
      dimensions: {
        arithmetic: {
          score: 0.5,
          n: 2,
          threshold: 0.8,
          items: [
            { id: 'add-1', score: 1, output: '4', line: 1 },
            { id: 'mul-1', score: 0, output: '12', reason: 'expected 42', line: 2 },
          ],
        },
        facts: { score: 1, n: 1, items: [{ id: 'capital-1', score: 1, output: 'Paris', line: 3 }] },
      },
    },
    performance: { runs: [benchRun(1, 30), benchRun(4, 40), benchRun(16, 90)] },
    comparison: {
      baseline: { ref: 'v1', sha256: 'cd'.repeat(32) },
      confidence: 0.95,
      tests: 3,
      dimensions: {
        ttft_p99_ms: {
          baseline: 133.3,
          candidate: 180,
          delta: 46.7,
          relativeDelta: 0.35,
          ci: [0.226, 0.452],
          unit: 'ms',
          confidence: 0.9833,
          regressed: true,
          direction: 'lower-is-better',
          tolerance: 0.1,
          method: 'bootstrap',
        },
        'quality.arithmetic': {
          baseline: 0.7,
          candidate: 0.5,
          delta: -0.2,
          ci: [-0.3, -0.1],
          unit: 'score',
          confidence: 0.9833,
          regressed: true,
          direction: 'higher-is-better',
          tolerance: 0.03,
        },
        'quality.facts': {
          baseline: 1,
          candidate: 1,
          delta: 0,
          ci: null,
          regressed: false,
          direction: 'higher-is-better',
        },
      },
    },
    ...overrides,
  });
}

const latency = (baseline: number, candidate: number, regressed = false): ComparisonDimension => ({
  baseline,
  candidate,
  delta: candidate - baseline,
  relativeDelta: candidate / baseline - 1,
  ci: [0.1, 0.3],
  regressed,
  direction: 'lower-is-better',
  tolerance: 0.1,
  unit: 'ms',
});

/** A compared sweep over three concurrency levels, and dimension names that try to break out of quotes. */
export function sweepReport(): Report {
  const runs = [1, 4, 16].map((c) => ({ ...benchRun(c, 10 * c), profile: `concurrency=${c}` }));
  const dimensions: Comparison['dimensions'] = {};
  for (const r of runs) {
    dimensions[`perf.${r.profile}.ttft.p50`] = latency(r.ttftMs.p50, r.ttftMs.p50 * 1.3, true);
    dimensions[`perf.${r.profile}.ttft.p99`] = latency(r.ttftMs.p99, r.ttftMs.p99 * 1.1);
    dimensions[`perf.${r.profile}.tpot.p50`] = latency(6, 6.5);
  }
  dimensions['quality.say "hi"; [x] {y} `z`\nline'] = { ...latency(1, 0.8, true), direction: 'higher-is-better', unit: 'score', relativeDelta: undefined, tolerance: 0.03 };
  return failingReport({ performance: { runs }, comparison: { baseline: { ref: 'v1', tag: 'v1' }, dimensions } });
}
