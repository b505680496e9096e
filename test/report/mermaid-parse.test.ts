import { Window } from 'happy-dom';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderSummary } from '../../src/report/markdown.ts';
import type { Report } from '../../src/report/schema.ts';
import { failingReport, sweepReport } from './fixtures.ts';

/** Mermaid's own parser; it needs a DOM (DOMPurify), which happy-dom provides in Node. */
type Parse = (text: string) => Promise<unknown>;
let parse: Parse;

beforeAll(async () => {
  const window = new Window();
  Object.assign(globalThis, { window, document: window.document });
  const mermaid = (await import('mermaid')).default;
  parse = (text) => mermaid.parse(text);
});

const blocks = (markdown: string): string[] => [...markdown.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1]!);

describe('every Mermaid chart the summary emits', () => {
  const cases: [string, Report][] = [
    ['a failing report with a baseline', failingReport()],
    ['a sweep without a baseline', failingReport({ comparison: null })],
    ['a compared sweep with hostile dimension names', sweepReport()],
  ];

  it.each(cases)('parses with the mermaid library: %s', async (_name, report) => {
    const charts = blocks(renderSummary(report));
    expect(charts.length).toBeGreaterThan(0);
    for (const chart of charts) {
      await expect(parse(chart), chart).resolves.toBeTruthy();
    }
  });

  it('draws latency against concurrency for a compared sweep, baseline and candidate as named lines', () => {
    const charts = blocks(renderSummary(sweepReport()));
    const ttft = charts.find((c) => c.includes('title "TTFT p50 by concurrency (ms)"'))!;
    expect(ttft).toContain('x-axis "concurrency" ["1", "4", "16"]');
    expect(ttft).toContain('line "baseline" [10, 40, 160]');
    expect(ttft).toContain('line "candidate" [13, 52, 208]');
  });

  it('rejects what is not a chart, so a passing parse means something', async () => {
    await expect(parse('xychart-beta\n    x-axis ["a", \n    bar [1, 2]')).rejects.toThrow();
  });
});
