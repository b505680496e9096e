import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { describe, it } from 'vitest';

/** Debian's chromium (`apt-get install chromium`; .ci/run installs it). */
export const CHROMIUM = process.env.LLM_GATE_CHROMIUM ?? '/usr/bin/chromium';
const MERMAID = path.resolve('node_modules/mermaid/dist/mermaid.min.js');

export interface HeadlessChromium {
  /** A 1200 × 900 page in the browser. */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile (`--user-data-dir`, set by Playwright) and nothing that talks to the network on its own. */
export async function launchChromium(): Promise<HeadlessChromium> {
  const profile = await mkdtemp(path.join(tmpdir(), 'llm-gate-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1200, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    newPage: () => context.newPage(),
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Every request a page makes that is not its own content (data: URLs and about:blank are its own). */
export function recordNetwork(page: Page): string[] {
  const requests: string[] = [];
  page.on('request', (r) => {
    if (!/^(data|about):/.test(r.url())) requests.push(r.url());
  });
  // Nothing may leave the machine, whatever the page tries.
  void page.route(/^(https?|wss?|ftp):/, (route) => route.abort());
  return requests;
}

/**
 * Renders markdown the way GitHub shows a job summary: GFM to HTML in a 1012 px column, and Mermaid
 * blocks drawn by the mermaid library from node_modules (no network). Resolves once every chart is drawn.
 */
export async function renderGithubMarkdown(page: Page, markdown: string): Promise<void> {
  const body = micromark(markdown, { extensions: [gfm()], htmlExtensions: [gfmHtml()], allowDangerousHtml: true }).replace(
    /<pre><code class="language-mermaid">([\s\S]*?)<\/code><\/pre>/g,
    '<pre class="mermaid">$1</pre>',
  );
  await page.setContent(
    `<!doctype html><html><head><meta charset="utf-8"><style>body{font:14px/1.5 sans-serif;margin:0}main{max-width:1012px;margin:0 auto;padding:24px 32px}table{border-collapse:collapse}td,th{border:1px solid #d1d9e0;padding:4px 10px}pre.mermaid{background:none}</style></head><body><main>${body}</main></body></html>`,
  );
  await page.addScriptTag({ path: MERMAID });
  // Browser code as text: the tests are typed for Node, without the DOM's types.
  await page.evaluate(`(async () => {
    mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
    // Open collapsed sections first: a chart inside a closed <details> has no size to lay out in.
    for (const d of document.querySelectorAll('details')) d.open = true;
    await mermaid.run({ querySelector: 'pre.mermaid' });
  })()`);
}

export interface Box {
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Pairs of boxes that overlap by more than `slack` pixels in both directions. */
export function overlaps(boxes: Box[], slack = 1): [Box, Box][] {
  const found: [Box, Box][] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      const dx = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
      const dy = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
      if (dx > slack && dy > slack) found.push([a, b]);
    }
  }
  return found;
}

/**
 * `describe` for tests that need Chromium. Without it the block is skipped with the reason in its name,
 * unless LLM_GATE_REQUIRE_BROWSER=1 (CI, which installs it), where a missing browser fails the run.
 */
export function describeChromium(name: string, fn: () => void): void {
  if (existsSync(CHROMIUM)) {
    describe(name, fn);
  } else if (process.env.LLM_GATE_REQUIRE_BROWSER === '1') {
    describe(name, () => {
      it(`needs Chromium (LLM_GATE_REQUIRE_BROWSER=1) but ${CHROMIUM} is missing`, () => {
        throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
      });
    });
  } else {
    describe.skip(`${name} (skipped: ${CHROMIUM} is missing)`, fn);
  }
}

/** Selectors of text that must not collide: each axis's labels, and the legend. */
const LABEL_GROUPS = ['.bottom-axis .label text', '.top-axis .label text', '.left-axis .label text', '.legend text', 'text.xlabel', 'text.tick', 'text.legend'];

export interface ChartLabels {
  chart: string;
  group: string;
  boxes: Box[];
}

/** The page's rendered label boxes, per chart (Mermaid's or our SVG) and per group of labels. */
export async function chartLabels(page: Page): Promise<ChartLabels[]> {
  return page.evaluate(`(() => {
    const out = [];
    for (const svg of document.querySelectorAll('svg')) {
      const chart = svg.querySelector('.chart-title text, text.title')?.textContent ?? '';
      for (const group of ${JSON.stringify(LABEL_GROUPS)}) {
        const boxes = [...svg.querySelectorAll(group)].map((t) => {
          const r = t.getBoundingClientRect();
          return { text: t.textContent, x: r.x, y: r.y, width: r.width, height: r.height };
        });
        if (boxes.length > 0) out.push({ chart, group, boxes });
      }
    }
    return out;
  })()`);
}
