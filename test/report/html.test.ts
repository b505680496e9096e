import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.ts';
import { cliRunner } from '../helpers/cli-process.ts';
import { failingReport } from './fixtures.ts';

describe('the HTML report', () => {
  it('is one page with the charts as inline SVG and nothing fetched: no script, a CSP without network', () => {
    const html = renderHtml(failingReport());
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).not.toMatch(/<script\b|<link\b|src="http|url\(/);
    expect(html.match(/<figure class="chart">\n<svg /g)?.length).toBeGreaterThanOrEqual(2);
    expect(html).not.toContain('```mermaid');
    expect(html).toContain('<title>llm-gate: FAIL — 2 regressions</title>');
  });

  it('keeps hostile model output inert, as the summary does', () => {
    const report = failingReport();
    report.quality!.dimensions.arithmetic!.items[1]!.output = '<img src=x onerror=alert(1)><script>alert(1)</script> [x](https://evil.example)';
    const html = renderHtml(report);
    expect(html).not.toMatch(/<img\b|<script\b|href="https:\/\/evil/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('llm-gate report', () => {
  const run = cliRunner();
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'llm-gate-report-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes report.html beside a report.json', async () => {
    await writeFile(path.join(dir, 'report.json'), JSON.stringify(failingReport()));
    const result = await run(['report', 'report.json'], dir);
    expect(result.code, result.stderr).toBe(0);
    expect(await readFile(path.join(dir, 'report.html'), 'utf8')).toContain('llm-gate: FAIL');
  }, 60_000);

  it('refuses a file that is not a report, naming the field', async () => {
    await writeFile(path.join(dir, 'other.json'), JSON.stringify({ verdict: 'maybe' }));
    const result = await run(['report', 'other.json'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('other.json is not an llm-gate report: schemaVersion');
  }, 60_000);
});
