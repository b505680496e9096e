import { describe, expect, it } from 'vitest';
import { compareReports } from '../../src/compare/compare.ts';
import { compareConfigSchema } from '../../src/config/schema.ts';
import type { DimensionResult, Report } from '../../src/report/schema.ts';
import { makeReport } from './fixtures.ts';

function report(dim: Partial<DimensionResult> & { scores: number[]; shas?: string[] }): Report {
  const { scores, shas, ...rest } = dim;
  const r = makeReport({ quality: { facts: scores } });
  const facts = r.quality!.dimensions.facts!;
  const items = facts.items.map((it, i) => ({ ...it, ...(shas ? { sha256: shas[i]! } : {}) }));
  return { ...r, quality: { ...r.quality!, dimensions: { facts: { ...facts, ...rest, items } } } };
}

const config = compareConfigSchema.parse({});
const ones = Array.from({ length: 40 }, () => 1);

describe('quality pairing', () => {
  it('refuses to compare a judge dimension graded by another judge or rubric', () => {
    const a = report({ scores: ones, judge: { model: 'judge-a', promptSha256: 'aaa' } });
    const b = report({ scores: ones, judge: { model: 'judge-b', promptSha256: 'aaa' } });
    const c = compareReports(a, b, config);
    expect(c.problems?.[0]?.message).toMatch(/the judge changed \(judge-a .* -> judge-b/);
    expect(c.dimensions['quality.facts']).toBeUndefined();
  });

  it('leaves out items whose content changed under the same id', () => {
    const shas = ones.map((_, i) => `s${i}`);
    const edited = shas.map((s, i) => (i < 10 ? `${s}-edited` : s));
    const worse = ones.map((v, i) => (i < 10 ? 0 : v));
    const c = compareReports(report({ scores: ones, shas }), report({ scores: worse, shas: edited }), config);
    const d = c.dimensions['quality.facts'];
    expect(d?.regressed).toBe(false);
    expect(d?.candidate).toBe(1);
    expect(d?.note).toMatch(/leaving out 10 whose content changed/);
  });

  it('uses the tolerance the dataset declares for a dimension', () => {
    const worse = ones.map((v, i) => (i < 4 ? 0 : v)); // -10 points
    const strict = compareReports(report({ scores: ones }), report({ scores: worse, tolerance: 0.05 }), config).dimensions['quality.facts'];
    const lenient = compareReports(report({ scores: ones }), report({ scores: worse, tolerance: 0.2 }), config).dimensions['quality.facts'];
    expect(strict?.tolerance).toBe(0.05);
    expect(lenient?.tolerance).toBe(0.2);
    expect(lenient?.regressed).toBe(false);
  });
});
