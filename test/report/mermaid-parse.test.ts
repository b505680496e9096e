import { Window } from 'happy-dom';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderSummary } from '../../src/report/markdown.ts';
import type { Comparison, ComparisonDimension, Report } from '../../src/report/schema.ts';
import { benchRun, failingReport } from './fixtures.ts';

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
function sweepReport(): Report {
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
