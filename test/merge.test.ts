import { describe, expect, it } from 'vitest';
import { mergeCells, mergedMarkdown, mergedTitle } from '../src/merge/merge.ts';
import type { Report } from '../src/report/schema.ts';
import { makeReport } from './compare/fixtures.ts';

const cell = (name: string, verdict: Report['verdict'], reasons: Report['reasons'] = []) => ({ name, source: `${name}/report.json`, report: { ...makeReport({ tag: 'v1.0.0' }), verdict, reasons } });

describe('merging a matrix', () => {
  it('takes the worst cell\'s verdict and keeps every cell\'s reasons under its name', () => {
    const cells = [cell('llama on 1x H100', 'pass'), cell('qwen on 1x L4 <b>', 'fail', [{ dimension: 'perf.c8.tpot.p50', message: 'regressed' }])];
    const m = mergeCells(cells);
    expect(m.verdict).toBe('fail');
    expect(mergedTitle(m)).toBe('llm-gate: FAIL — 1 of 2 cells did not pass');
    const md = mergedMarkdown(m, cells);
    expect(md).toContain('| llama on 1x H100 | **PASS**');
    expect(md).not.toContain('<b>');
    expect(mergeCells([...cells, cell('x', 'error')]).verdict).toBe('error');
    expect(mergeCells([cells[0]!]).verdict).toBe('pass');
  });

  it('refuses an empty matrix rather than passing it', () => {
    expect(() => mergeCells([])).toThrow(/empty matrix is not a pass/);
  });
});
