import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { escapeHtml } from './escape.ts';
import { renderSummary, verdictTitle } from './markdown.ts';
import type { Report } from './schema.ts';
import { renderSvgChart } from './svg.ts';

/**
 * The summary as one self-contained HTML page: the same markdown as summary.md, rendered as GitHub would
 * (GFM), with the charts drawn as inline SVG. No script, no stylesheet, font or image from elsewhere: it
 * opens from an artifact zip or a laptop without network, and a Content-Security-Policy forbids fetching.
 * Untrusted text is already escaped by the markdown renderer, so passing its HTML through keeps it inert.
 */
export function renderHtml(report: Report): string {
  // No size limit: the page is a local file, not a job summary.
  const markdown = renderSummary(report, { maxBytes: Number.MAX_SAFE_INTEGER, chart: renderSvgChart });
  const body = micromark(markdown, { extensions: [gfm()], htmlExtensions: [gfmHtml()], allowDangerousHtml: true });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(verdictTitle(report), 200)}</title>
<style>${STYLE}</style>
</head>
<body class="verdict-${report.verdict}">
<main>
${body}
</main>
</body>
</html>
`;
}

const STYLE = `
body { margin: 0; background: #fff; color: #1f2328; font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
main { max-width: 1012px; margin: 0 auto; padding: 24px 32px 48px; }
h2 { font-size: 1.5em; border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; }
.verdict-fail h2:first-child { color: #cf222e; }
.verdict-pass h2:first-child { color: #1a7f37; }
.verdict-error h2:first-child { color: #9a6700; }
h3 { font-size: 1.25em; margin-top: 1.5em; }
table { border-collapse: collapse; margin: 0 0 16px; display: block; overflow-x: auto; }
th, td { border: 1px solid #d1d9e0; padding: 4px 10px; }
tr:nth-child(2n) td { background: #f6f8fa; }
code, pre { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: #f6f8fa; padding: 12px; overflow-x: auto; border-radius: 6px; }
details { margin: 8px 0; }
summary { cursor: pointer; color: #0969da; }
sub { font-size: 12px; color: #59636e; }
figure.chart { margin: 16px 0; }
figure.chart svg { max-width: 100%; height: auto; }
figure.chart figcaption { font-size: 12px; color: #59636e; }
svg text { font-family: inherit; font-size: 12px; fill: #1f2328; }
svg .title { font-size: 14px; font-weight: 600; }
svg .tick, svg .axis { fill: #59636e; }
svg .grid { stroke: #d1d9e0; stroke-width: 1; }
svg .axisline { stroke: #59636e; stroke-width: 1; }
`;
