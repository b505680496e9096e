import { describe, expect, it } from 'vitest';
import { restrictToSharedItems } from '../../src/eval/quality.ts';
import { stripReasoning } from '../../src/eval/runner.ts';
import { formatQualityTable, qualityFailures } from '../../src/eval/summary.ts';
import { apiBaseURL } from '../../src/eval/transport.ts';
import type { Quality } from '../../src/report/schema.ts';

const item = (id: string, score: number) => ({ id, score, output: id });
function quality(sha256: string, dims: Record<string, Array<[string, number]>>, threshold?: number): Quality {
  return {
    dataset: { name: 's', version: 'v', sha256, items: 3 },
    dimensions: Object.fromEntries(
      Object.entries(dims).map(([name, items]) => [
        name,
        { score: items.reduce((s, [, x]) => s + x, 0) / items.length, n: items.length, ...(threshold !== undefined ? { threshold } : {}), items: items.map(([id, s]) => item(id, s)) },
      ]),
    ),
  };
}

describe('restrictToSharedItems', () => {
  it('keeps only ids both reports scored, rescoring each dimension over them', () => {
    const base = quality('a', { f: [['x', 1], ['y', 0], ['old', 0]], g: [['x', 1]] });
    const cand = quality('b', { f: [['x', 1], ['y', 1], ['new', 0]], h: [['x', 0]] });
    const r = restrictToSharedItems(base, cand);
    expect(r.shared).toEqual(['x', 'y']);
    expect(r.onlyBaseline).toEqual(['old']);
    expect(r.onlyCandidate).toEqual(['new']);
    expect(Object.keys(r.candidate.dimensions)).toEqual(['f']);
    expect(r.baseline.dimensions.f).toMatchObject({ n: 2, score: 0.5 });
    expect(r.candidate.dimensions.f).toMatchObject({ n: 2, score: 1 });
    expect(r.candidate.dataset).toMatchObject({ sha256: 'b', items: 2 });
  });

  it('leaves out ids whose content changed between the versions', () => {
    const base = quality('a', { f: [['x', 1], ['y', 1]] });
    const cand = quality('b', { f: [['x', 1], ['y', 0]] });
    base.dimensions.f!.items.forEach((i) => (i.sha256 = `h-${i.id}`));
    cand.dimensions.f!.items.forEach((i) => (i.sha256 = i.id === 'y' ? 'h-y-edited' : `h-${i.id}`));
    const r = restrictToSharedItems(base, cand);
    expect(r.shared).toEqual(['x']);
    expect(r.changed).toEqual(['y']);
    expect(r.candidate.dimensions.f).toMatchObject({ n: 1, score: 1 });
  });
});

describe('qualityFailures', () => {
  it('lists dimensions below their threshold', () => {
    expect(qualityFailures(quality('a', { f: [['x', 1], ['y', 0]] }, 0.8))).toEqual([
      { dimension: 'f', message: 'score 0.500 is below the threshold 0.8' },
    ]);
    expect(qualityFailures(quality('a', { f: [['x', 1]] }, 0.8))).toEqual([]);
  });
  it('does not gate on a judge dimension its calibration does not trust', () => {
    const q = quality('a', { j: [['x', 0]] }, 0.8);
    q.dimensions.j!.calibration = { n: 4, accuracy: 0.5, kappa: 0, floor: { kappa: 0.6 }, trusted: false, note: 'kappa 0.00 is below the floor 0.6' };
    expect(qualityFailures(q)).toEqual([]);
  });
});

describe('formatQualityTable', () => {
  it('shows each dimension with its status and failing items, stripping control characters from model text', () => {
    const q = quality('abcdef0123456789', { f: [['x', 1], ['y', 0]] }, 0.8);
    q.dimensions.f!.items[1]!.reason = 'expected "a", found "\u001b[31mred\u001b[0m"';
    const text = formatQualityTable(q);
    expect(text).toMatch(/^dimension\s+score\s+n\s+threshold\s+status\nf\s+0\.500\s+2\s+0\.80\s+FAIL/);
    expect(text).toContain('0.00  y: expected "a", found "red"');
    expect(text).not.toContain('\u001b');
    expect(text).toContain('sha256 abcdef012345');
  });
});

describe('apiBaseURL', () => {
  it('adds /v1 to a server root and keeps an explicit version path', () => {
    expect(apiBaseURL('http://127.0.0.1:8000')).toBe('http://127.0.0.1:8000/v1');
    expect(apiBaseURL('http://127.0.0.1:8000/')).toBe('http://127.0.0.1:8000/v1');
    expect(apiBaseURL('http://127.0.0.1:8000/v1/')).toBe('http://127.0.0.1:8000/v1');
  });
});

describe('stripReasoning', () => {
  it('drops a leading think block and keeps the answer', () => {
    expect(stripReasoning('<think>\n12*13 is 156\n</think>\n\n156')).toBe('156');
  });
  it('leaves an answer without a leading think block alone', () => {
    expect(stripReasoning('156')).toBe('156');
    expect(stripReasoning('The tag <think></think> is used by reasoning models.')).toBe('The tag <think></think> is used by reasoning models.');
  });
});
