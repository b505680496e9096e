import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chartLabels, describeChromium, launchChromium, overlaps, recordNetwork, renderGithubMarkdown, type HeadlessChromium } from '../helpers/browser.ts';
import { cliRunner } from '../helpers/cli-process.ts';
import { renderHtml } from '../../src/report/html.ts';
import { renderSummary } from '../../src/report/markdown.ts';
import { sweepReport } from './fixtures.ts';

/** Where screenshots go besides the test's own folder: set it to look at them. */
const SHOTS = process.env.LLM_GATE_SCREENSHOTS;

describeChromium('the demo summary, rendered as GitHub renders it, in headless Chromium', () => {
  const run = cliRunner();
  let dir = '';
  let browser: HeadlessChromium;
  const failed = (): string => path.join(dir, 'out', 'v1.1.0');

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'llm-gate-browser-'));
    const demo = await run(['demo', '--out', path.join(dir, 'out')], dir);
    expect(demo.code, demo.stderr).toBe(0);
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Takes a screenshot into the test's folder, and a copy into SHOTS when set. */
  async function shot(name: string, take: (file: string) => Promise<unknown>): Promise<void> {
    const file = path.join(dir, name);
    await take(file);
    if (SHOTS) {
      await mkdir(SHOTS, { recursive: true });
      await copyFile(file, path.join(SHOTS, name));
    }
  }

  it('shows the verdict, what was gated and the deciding dimensions in the first screen', async () => {
    const page = await browser.newPage();
    const network = recordNetwork(page);
    await renderGithubMarkdown(page, await readFile(path.join(failed(), 'summary.md'), 'utf8'));
    await shot('summary-first-screen.png', (file) => page.screenshot({ path: file }));
    await shot('summary-full.png', (file) => page.screenshot({ path: file, fullPage: true }));
    const screen = page.viewportSize()!.height;
    const heading = page.locator('h2').first();
    expect(await heading.textContent()).toMatch(/^❌ llm-gate: FAIL — \d+ regressions/);
    const gated = page.locator('p', { hasText: 'Gated:' });
    expect(await gated.textContent()).toBe('Gated: engine vllm · model sim-model · tag v1.1.0 · baseline v1.0.0');
    const deciding = page.locator('main > ul').first().locator('li');
    expect(await deciding.first().textContent()).toMatch(/regressed .* → /);
    for (const box of [await heading.boundingBox(), await gated.boundingBox(), await deciding.last().boundingBox()]) {
      expect(box!.y + box!.height).toBeLessThan(screen);
    }
    expect(network).toEqual([]);
    await page.close();
  }, 120_000);

  it('draws every Mermaid chart with axis and legend labels that do not overlap', async () => {
    const page = await browser.newPage();
    await renderGithubMarkdown(page, await readFile(path.join(failed(), 'summary.md'), 'utf8'));
    const charts = await page.locator('pre.mermaid svg').count();
    expect(charts).toBeGreaterThanOrEqual(2);
    for (let i = 0; i < charts; i++) await shot(`summary-chart-${i}.png`, (file) => page.locator('pre.mermaid').nth(i).screenshot({ path: file }));
    const groups = await chartLabels(page);
    expect(groups.length).toBeGreaterThan(0);
    for (const g of groups) {
      expect(overlaps(g.boxes).map(([a, b]) => `${a.text} / ${b.text}`), `${g.chart}: ${g.group}`).toEqual([]);
      for (const b of g.boxes) expect(b.width, `${g.chart}: "${b.text}" has no size`).toBeGreaterThan(0);
    }
    await page.close();
  }, 120_000);

  it('draws a compared sweep, latency against concurrency for baseline and candidate, with labels apart in both renderings', async () => {
    const report = sweepReport();
    const page = await browser.newPage();
    await renderGithubMarkdown(page, renderSummary(report));
    await shot('sweep-summary.png', (file) => page.screenshot({ path: file, fullPage: true }));
    const titles = await page.locator('pre.mermaid svg .chart-title text').allTextContents();
    expect(titles).toContain('TTFT p50 by concurrency (ms)');
    const legend = await page.locator('pre.mermaid svg').filter({ hasText: 'TTFT p50 by concurrency' }).locator('.legend text').allTextContents();
    expect(legend).toEqual(['baseline', 'candidate']);
    const html = path.join(dir, 'sweep.html');
    await writeFile(html, renderHtml(report));
    const htmlPage = await browser.newPage();
    await htmlPage.goto(pathToFileURL(html).href);
    await shot('sweep-report-html.png', (file) => htmlPage.screenshot({ path: file, fullPage: true }));
    for (const p of [page, htmlPage]) {
      for (const g of await chartLabels(p)) {
        expect(overlaps(g.boxes).map(([a, b]) => `${a.text} / ${b.text}`), `${g.chart}: ${g.group}`).toEqual([]);
      }
      await p.close();
    }
  }, 120_000);

  it('opens the HTML report without network, with its charts drawn inline and labels apart', async () => {
    const page = await browser.newPage();
    const network = recordNetwork(page);
    await page.goto(pathToFileURL(path.join(failed(), 'report.html')).href);
    await shot('report-html.png', (file) => page.screenshot({ path: file, fullPage: true }));
    expect(await page.locator('h2').first().textContent()).toMatch(/^❌ llm-gate: FAIL/);
    expect(await page.locator('figure.chart svg').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('script').count()).toBe(0);
    for (const g of await chartLabels(page)) {
      expect(overlaps(g.boxes).map(([a, b]) => `${a.text} / ${b.text}`), `${g.chart}: ${g.group}`).toEqual([]);
    }
    expect(network.filter((u) => !u.startsWith('file:'))).toEqual([]);
    await page.close();
  }, 120_000);
});
