import type { Report } from '../src/report/schema.ts';

/**
 * A report whose only measurement is `quality.factual` with these per-item scores (0..1), beside
 * `tests - 1` dimensions that never change, so the comparison's family has the size a real gate has.
 * For the statistics benches, which compare reports without running a server.
 */
export function syntheticQualityReport(scores: number[], tests: number, version: string): Report {
  const fillers = Object.fromEntries(
    Array.from({ length: tests - 1 }, (_, i) => [`filler${i}`, { score: 1, n: 5, items: Array.from({ length: 5 }, (_, k) => ({ id: `x${k}`, score: 1, output: '' })) }]),
  );
  return {
    schemaVersion: 1,
    tool: { name: 'llm-gate', version },
    subject: { startedAt: '', finishedAt: '' },
    verdict: 'pass',
    reasons: [],
    readiness: null,
    quality: {
      dataset: { name: 'synthetic', version: 'v1', sha256: 'synthetic', items: scores.length },
      dimensions: { factual: { score: 0, n: scores.length, items: scores.map((score, i) => ({ id: `i${i}`, score, output: '' })) }, ...fillers },
    },
    performance: null,
    comparison: null,
  };
}
