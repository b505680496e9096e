import { describe, expect, it } from 'vitest';
import { acceptFromLabels } from '../../src/action/event.ts';
import { applyAcceptance, dimensionMatches } from '../../src/compare/acceptance.ts';
import { verdictFromComparison } from '../../src/compare/verdict.ts';
import type { Comparison, ComparisonDimension } from '../../src/report/schema.ts';

const dim = (regressed: boolean): ComparisonDimension => ({
  baseline: 10,
  candidate: regressed ? 14 : 10,
  delta: regressed ? 4 : 0,
  ci: [0.2, 0.5],
  regressed,
  direction: 'lower-is-better',
});

const comparison: Comparison = {
  baseline: { ref: 'v1.1.0' },
  dimensions: { 'perf.c4.tpot.p50': dim(true), 'perf.c4.ttft.p99': dim(true), 'quality.json_format': dim(false) },
};

describe('accepting regressions on purpose', () => {
  it('matches exact names, dotted suffixes and globs', () => {
    expect(dimensionMatches('perf.c4.tpot.p50', 'tpot.p50')).toBe(true);
    expect(dimensionMatches('perf.c4.tpot.p50', 'p50')).toBe(true);
    expect(dimensionMatches('perf.c4.tpot.p50', 'pot.p50')).toBe(false);
    expect(dimensionMatches('quality.json_format', 'json_format')).toBe(true);
    expect(dimensionMatches('perf.c4.tpot.p50', 'perf.*.tpot.*')).toBe(true);
    expect(dimensionMatches('quality.json_format', 'quality.*')).toBe(true);
    expect(dimensionMatches('quality.json_format', 'perf.*')).toBe(false);
  });

  it('turns covered regressions into accepted ones; what nobody accepted still fails; a pattern that matched nothing is said', () => {
    const { comparison: c, acceptance } = applyAcceptance(comparison, [{ dimensions: ['tpot.p50', 'json_format'], reason: 'bigger model', source: '--accept' }]);
    expect(c.dimensions['perf.c4.tpot.p50']).toMatchObject({ regressed: true, accepted: true });
    expect(acceptance.accepted).toEqual([{ dimension: 'perf.c4.tpot.p50', reason: 'bigger model', source: '--accept' }]);
    expect(acceptance.unmatched).toEqual(['json_format']);
    const v = verdictFromComparison(c);
    expect(v.verdict).toBe('fail');
    expect(v.reasons.map((r) => r.dimension)).toEqual(['perf.c4.ttft.p99']);
    const all = applyAcceptance(comparison, [{ dimensions: ['perf.*'], reason: 'r' }]);
    expect(verdictFromComparison(all.comparison).verdict).toBe('pass');
  });

  it('reads acceptances from pull-request labels, the label description as the reason', () => {
    expect(
      acceptFromLabels([
        { name: 'llm-gate:accept:tpot.p50,ttft.p99', description: 'reviewed by the perf team' },
        { name: 'llm-gate:accept:json_format' },
        { name: 'bug' },
      ]),
    ).toEqual([
      { dimensions: ['tpot.p50', 'ttft.p99'], reason: 'reviewed by the perf team', source: 'pull-request label llm-gate:accept:tpot.p50,ttft.p99' },
      { dimensions: ['json_format'], reason: 'pull-request label "llm-gate:accept:json_format"', source: 'pull-request label llm-gate:accept:json_format' },
    ]);
  });
});
