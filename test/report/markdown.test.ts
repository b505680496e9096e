import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import { renderSummary, SUMMARY_LIMITS } from '../../src/report/markdown.ts';
import { benchRun, failingReport } from './fixtures.ts';

const render = (markdown: string): string =>
  micromark(markdown, { extensions: [gfm()], htmlExtensions: [gfmHtml()], allowDangerousHtml: true });

describe('renderSummary', () => {
  it('puts the verdict with its icon and the number of regressions on the first line', () => {
    const summary = renderSummary(failingReport());
    expect(summary.split('\n')[0]).toBe('## ❌ llm-gate: FAIL — 2 regressions');
  });

  it('says what was gated in one line: image, engine, model, tag and the baseline tag, never a command line', () => {
    const lines = renderSummary(failingReport()).split('\n');
    expect(lines[2]).toBe('**Gated:** image registry.local/llm:v2 · engine vllm · model tiny-chat · tag v2 · baseline v1');
    const command = failingReport();
    command.subject = { ...command.subject, image: undefined, command: "'/home/u/.npm/_npx/abc/node' 'sim.js' '--port' '1234'" };
    const summary = renderSummary(command);
    expect(summary.split('\n')[2]).toBe('**Gated:** engine vllm · model tiny-chat · tag v2 · baseline v1');
    expect(summary).not.toContain('_npx');
  });

  it('names each deciding dimension once, a regression as baseline → candidate, with a floor failure of the same dimension beside it', () => {
    const report = failingReport({
      reasons: [
        { dimension: 'quality.arithmetic', message: 'score 0.500 is below the floor 0.8 (2 items)' },
        { dimension: 'quality.arithmetic', message: 'regressed: 0.700 -> 0.500 (-20.0 pt, 98% CI [-30 pt, -10 pt])' },
        { dimension: 'ttft_p99_ms', message: 'ttft_p99_ms regressed: 100 ms -> 133.3 ms (+35%)' },
      ],
    });
    const summary = renderSummary(report);
    const decided = summary.slice(summary.indexOf('**Decided by:**'), summary.indexOf('### Comparison'));
    expect(decided.match(/^- /gm)).toHaveLength(2);
    expect(decided).toContain('- **ttft_p99_ms**: regressed 133.3 ms → 180 ms (+35.0%, tolerance ±10.0%)\n');
    expect(decided).toContain('- **quality.arithmetic**: regressed 0.7 → 0.5 (-20 pt, tolerance ±3.0 pt); score 0.500 is below the floor 0.8 (2 items)');
    expect(decided).not.toContain('CI [');
  });

  it('says PASS against the named baseline, and ERROR when the gate could not finish', () => {
    const pass = failingReport({ verdict: 'pass', reasons: [] });
    expect(renderSummary(pass).split('\n')[0]).toBe('## ✅ llm-gate: PASS — no regressions against the baseline');
    const error = failingReport({
      verdict: 'error',
      reasons: [{ dimension: 'readiness', message: 'container exited with code 137 while loading' }],
      readiness: {
        ready: false,
        secondsToReady: null,
        attempts: 3,
        exit: { code: 137, oomKilled: true },
        logTail: ['loading weights', 'Killed'],
      },
      quality: null,
      performance: null,
      comparison: null,
    });
    const summary = renderSummary(error);
    expect(summary.split('\n')[0]).toBe('## ⚠️ llm-gate: ERROR — the gate could not finish (1 reason)');
    expect(summary).toContain('**Not ready** after 3 probe attempts.');
    expect(summary).toContain('exit code 137, **killed for running out of memory (OOM)**');
    expect(summary).toContain('Killed');
  });

  it('lists regressed dimensions first in the comparison table with delta, interval and tolerance', () => {
    const html = render(renderSummary(failingReport()));
    const rows = [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, '|'));
    const comparisonRows = rows.filter((r) => r.includes('regressed') || r.includes('no significant change'));
    expect(comparisonRows[0]).toContain('ttft_p99_ms ↓');
    expect(comparisonRows[0]).toContain('|133.3 ms|');
    expect(comparisonRows[0]).toContain('+46.7 (+35.0%)');
    expect(comparisonRows[0]).toContain('[+22.6%, +45.2%]');
    expect(comparisonRows[0]).toContain('±10.0%');
    expect(comparisonRows[1]).toContain('quality.arithmetic ↑|\n|0.7|\n|0.5|\n|-20 pt|\n|[-30 pt, -10 pt]|\n|±3.0 pt|');
    expect(comparisonRows[2]).toContain('quality.facts ↑');
  });

  it('does not call a change beyond the tolerance without an interval "no significant change"', () => {
    const report = failingReport();
    const ttft = report.comparison!.dimensions.ttft_p99_ms!;
    report.comparison!.dimensions.ttft_p99_ms = { ...ttft, ci: null, regressed: false };
    expect(renderSummary(report)).toMatch(/\| ttft_p99_ms ↓ \|.*\| worse, not decided \(too little data\) \|/);
  });

  it('states the confidence of the intervals and folds the per-dimension methods away', () => {
    const summary = renderSummary(failingReport());
    expect(summary).toContain('Intervals: 98.3% two-sided per dimension, 95.0% over all 3 tests');
    expect(summary).toContain('<details><summary>How each dimension was decided</summary>\n\n- ttft_p99_ms: bootstrap');
  });

  it('folds deciding dimensions beyond the first eight into a collapsed list without repeating the dimension name', () => {
    const reasons = Array.from({ length: 11 }, (_, i) => ({ dimension: `perf.d${i}`, message: `perf.d${i} regressed: 1 ms -> 2 ms` }));
    const summary = renderSummary(failingReport({ reasons }));
    expect(summary).toContain('- **perf.d0**: regressed: 1 ms -&gt; 2 ms');
    expect(summary).toContain('<details><summary>3 more dimensions</summary>\n\n- **perf.d8**');
  });

  it('shows readiness time, quality per dimension with failing items, and a latency row per load step', () => {
    const summary = renderSummary(failingReport());
    expect(summary).toContain('Ready after 42.5 s and 7 probe attempts');
    expect(summary).toMatch(/\| arithmetic \| 0\.500 \*\*below threshold\*\* \| 2 \| 0\.800 \| 1 \|/);
    expect(summary).toContain('<details><summary>Failing items in arithmetic (1 of 2)</summary>');
    expect(summary).toMatch(/\| mul-1 \| 2 \| 0\.00 \| expected 42 \| 12 \|/);
    expect(summary).toContain('| concurrency-16 | 31 / 32 | **1** (timeout 1) | 90 / 126 / 180 | 6 / 8.4 / 12 |');
  });

  it('draws the change in the bad direction and the TTFT distribution against a baseline, and the sweep without one', () => {
    const titles = (summary: string): (string | undefined)[] =>
      [...summary.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => /title "([^"]*)"/.exec(m[1]!)?.[1]);
    expect(titles(renderSummary(failingReport()))).toEqual(['How much worse than the baseline (%)', 'TTFT distribution, concurrency-16 (31 requests)']);
    const alone = renderSummary(failingReport({ comparison: null }));
    const charts = [...alone.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(titles(alone)).toEqual([
      'TTFT by concurrency (ms)',
      'TPOT by concurrency (ms)',
      'Output throughput by concurrency (tokens/s)',
      'TTFT distribution, concurrency-16 (31 requests)',
    ]);
    expect(charts[0]).toContain('x-axis "concurrency" ["1", "4", "16"]');
    expect(charts[0]).toContain('line "p50" [30, 40, 90]');
    expect(charts[0]).toContain('line "p99" [60, 80, 180]');
    for (const chart of charts) expect(chart).toMatch(/^%%\{init: .*\}%%\nxychart-beta\n/);
  });

  it('renders a hostile model output inert inside the failing-items table', () => {
    const report = failingReport();
    const item = report.quality!.dimensions.arithmetic!.items[1]!;
    item.output = '@octocat <img src=x onerror=alert(1)> **[click](https://evil.example)** | broken cell';
    const html = render(renderSummary(report));
    const row = [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => m[1]!).find((r) => r.includes('mul-1'))!;
    expect(row).toContain('broken cell</td>');
    expect(row).not.toMatch(/<(img|strong|a)\b/);
    expect(html).not.toMatch(/<img\b/);
    expect(html).not.toContain('href="https://evil');
    expect(html.replace(/<[^>]*>/g, '')).not.toMatch(/@octocat/);
  });

  it('stays under the size limit by dropping item detail, and says what was left out', () => {
    const report = failingReport();
    const dim = report.quality!.dimensions.arithmetic!;
    dim.items = Array.from({ length: 5000 }, (_, i) => ({ id: `item-${i}`, score: 0, output: 'y'.repeat(2000), line: i + 1 }));
    dim.n = dim.items.length;
    const full = renderSummary(report);
    expect(Buffer.byteLength(full)).toBeLessThanOrEqual(SUMMARY_LIMITS.jobSummary);
    expect(full).toContain('4950 more failing items not shown; report.json has all of them.');

    const comment = renderSummary(report, { maxBytes: SUMMARY_LIMITS.comment });
    expect(Buffer.byteLength(comment)).toBeLessThanOrEqual(SUMMARY_LIMITS.comment);
    expect(comment.split('\n')[0]).toBe('## ❌ llm-gate: FAIL — 2 regressions');
  });

  it('cuts a summary that cannot fit even without detail, keeping the verdict and saying so', () => {
    const report = failingReport({
      reasons: Array.from({ length: 3000 }, (_, i) => ({ dimension: `d${i}`, message: 'z'.repeat(200) })),
    });
    const summary = renderSummary(report, { maxBytes: 20_000 });
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(20_000);
    expect(summary).toMatch(/^## ❌ llm-gate: FAIL/);
    expect(summary).toContain('Summary cut to fit the size limit');
  });

  it('says whether a judge-scored dimension is trusted to gate, and how many requests the eval needed', () => {
    const report = failingReport();
    report.quality!.dimensions.facts = {
      ...report.quality!.dimensions.facts!,
      judge: { model: 'judge-7b', promptSha256: 'ab' },
      calibration: { n: 40, accuracy: 0.7, kappa: 0.41, floor: { kappa: 0.6 }, trusted: false },
    };
    report.quality!.requests = { sent: 44, retries: 2, failed: 1 };
    const summary = renderSummary(report);
    expect(summary).toContain(
      'facts: judged by judge-7b; agreement with 40 human labels: κ 0.41, accuracy 70.0% (floor κ 0.60): **not trusted: reported, not gating**.',
    );
    expect(summary).toContain('44 model requests, 2 transport retries, 1 failed (failed items score 0).');
  });

  it('renders known extras sections with their own view and anything else as collapsed JSON', () => {
    const report = failingReport({
      extras: {
        hygiene: { image: 'llm:v2', sizeBytes: 2 * 1024 ** 3, layers: 12, user: '', findings: [{ id: 'runs-as-root', severity: 'high', message: 'no USER' }] },
        kubernetes: {
          context: 'kind-gpu',
          namespace: 'llm-gate-1',
          ephemeral: true,
          workload: 'Deployment/vllm',
          container: 'server',
          access: 'port-forward',
          gpuRequests: {},
          timeline: { scheduledS: 1, runningS: 2, rolloutS: 30 },
          pods: [],
          restarts: 0,
        },
      },
    });
    const summary = renderSummary(report);
    expect(summary).toContain('### Image hygiene');
    expect(summary).toContain('| high | runs-as-root | no USER |');
    expect(summary).toContain('<details><summary>More: kubernetes</summary>');
    expect(summary).not.toContain('More: hygiene');
  });

  it('says when there was no baseline to compare with', () => {
    const report = failingReport({
      verdict: 'pass',
      reasons: [],
      comparison: { baseline: null, note: 'no report stored for the previous tag', dimensions: {} },
      performance: { runs: [benchRun(4)] },
    });
    const summary = renderSummary(report);
    expect(summary.split('\n')[0]).toBe('## ✅ llm-gate: PASS — no baseline to compare with; absolute checks passed');
    expect(summary).toContain('No baseline: no report stored for the previous tag');
    expect(summary).not.toContain('TTFT by concurrency');
  });
});
