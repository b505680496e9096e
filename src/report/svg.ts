import { niceMax, seriesColour, type XyChart } from './charts.ts';
import { stripControl } from './escape.ts';

/**
 * An XyChart as inline SVG for the HTML report: the same charts as the Mermaid blocks, drawn without a
 * script or a network fetch. Text widths are estimated (about 0.6 em a character), which is enough to lay
 * out labels that never overlap: vertical charts rotate category labels that would not fit side by side.
 */

const FONT = 12;
const CHAR = FONT * 0.6;
const WIDTH = 760;

const xml = (text: string): string =>
  stripControl(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const fmt = (x: number): string => String(Number(x.toPrecision(3)));

function ticks(max: number): number[] {
  return [0, 0.25, 0.5, 0.75, 1].map((f) => Number((max * f).toPrecision(3)));
}

function legend(chart: XyChart, y: number): string {
  let x = WIDTH - 10;
  const items: string[] = [];
  for (const [i, s] of [...chart.series.entries()].reverse()) {
    const w = s.name.length * CHAR + 22;
    x -= w;
    const colour = seriesColour(chart, i);
    const mark =
      s.kind === 'bar'
        ? `<rect x="${x}" y="${y - 9}" width="12" height="10" fill="${colour}"/>`
        : `<line x1="${x}" y1="${y - 4}" x2="${x + 12}" y2="${y - 4}" stroke="${colour}" stroke-width="2.5"/>`;
    items.push(`${mark}<text x="${x + 16}" y="${y}" class="legend">${xml(s.name)}</text>`);
  }
  return items.join('');
}

/** A vertical chart: categories along the bottom, values up. */
function vertical(chart: XyChart): string {
  const n = chart.xLabels.length;
  const left = 64;
  const right = 16;
  const plotW = WIDTH - left - right;
  const slot = plotW / Math.max(1, n);
  const longest = Math.max(1, ...chart.xLabels.map((l) => l.length)) * CHAR;
  const rotate = longest > slot - 6;
  const labelH = rotate ? Math.min(160, longest * 0.72 + 10) : FONT + 8;
  const top = 48;
  const plotH = 240;
  const height = top + plotH + labelH + (chart.xTitle !== undefined ? 22 : 6);
  const max = niceMax(Math.max(0, ...chart.series.flatMap((s) => s.values)) * 1.05);
  const y = (v: number): number => top + plotH - (Math.max(0, v) / max) * plotH;
  const parts: string[] = [];
  for (const t of ticks(max)) {
    parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${y(t)}" y2="${y(t)}" class="grid"/>`);
    parts.push(`<text x="${left - 6}" y="${y(t) + 4}" text-anchor="end" class="tick">${fmt(t)}</text>`);
  }
  chart.series.forEach((s, i) => {
    const colour = seriesColour(chart, i);
    if (s.kind === 'bar') {
      // Bar series overlap as in Mermaid: a later one covers an earlier one.
      const w = slot * 0.7;
      s.values.forEach((v, j) => {
        const x = left + (j + 0.5) * slot - w / 2;
        parts.push(`<rect x="${x}" y="${y(v)}" width="${w}" height="${top + plotH - y(v)}" fill="${colour}"><title>${xml(`${chart.xLabels[j] ?? ''}: ${fmt(v)}`)}</title></rect>`);
      });
    } else {
      const points = s.values.map((v, j) => `${left + (j + 0.5) * slot},${y(v)}`);
      parts.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${colour}" stroke-width="2.5"/>`);
      s.values.forEach((v, j) => parts.push(`<circle cx="${left + (j + 0.5) * slot}" cy="${y(v)}" r="3.5" fill="${colour}"><title>${xml(`${s.name}, ${chart.xLabels[j] ?? ''}: ${fmt(v)}`)}</title></circle>`));
    }
  });
  chart.xLabels.forEach((l, j) => {
    const x = left + (j + 0.5) * slot;
    const ly = top + plotH + FONT + 4;
    parts.push(
      rotate
        ? `<text x="${x}" y="${ly}" text-anchor="end" transform="rotate(-45 ${x} ${ly})" class="xlabel">${xml(l)}</text>`
        : `<text x="${x}" y="${ly}" text-anchor="middle" class="xlabel">${xml(l)}</text>`,
    );
  });
  if (chart.xTitle !== undefined) parts.push(`<text x="${left + plotW / 2}" y="${height - 6}" text-anchor="middle" class="axis">${xml(chart.xTitle)}</text>`);
  parts.push(`<text x="14" y="${top + plotH / 2}" text-anchor="middle" transform="rotate(-90 14 ${top + plotH / 2})" class="axis">${xml(chart.yLabel)}</text>`);
  parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${top + plotH}" y2="${top + plotH}" class="axisline"/>`);
  return frame(chart, height, parts);
}

/** A horizontal chart: categories down the left, values to the right; labels of any length fit. */
function horizontal(chart: XyChart): string {
  const n = chart.xLabels.length;
  const left = Math.min(300, Math.max(60, ...chart.xLabels.map((l) => l.length * CHAR + 14)));
  const right = 24;
  const plotW = WIDTH - left - right;
  const top = 48;
  const row = 26;
  const plotH = row * Math.max(1, n);
  const height = top + plotH + 48;
  const max = niceMax(Math.max(0, ...chart.series.flatMap((s) => s.values)) * 1.05);
  const x = (v: number): number => left + (Math.max(0, v) / max) * plotW;
  const parts: string[] = [];
  for (const t of ticks(max)) {
    parts.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${top}" y2="${top + plotH}" class="grid"/>`);
    parts.push(`<text x="${x(t)}" y="${top + plotH + 16}" text-anchor="middle" class="tick">${fmt(t)}</text>`);
  }
  chart.series.forEach((s, i) => {
    const colour = seriesColour(chart, i);
    if (s.kind === 'bar') {
      const h = row * 0.7;
      s.values.forEach((v, j) => {
        const yy = top + (j + 0.5) * row - h / 2;
        parts.push(`<rect x="${left}" y="${yy}" width="${x(v) - left}" height="${h}" fill="${colour}"><title>${xml(`${chart.xLabels[j] ?? ''}: ${fmt(v)}`)}</title></rect>`);
      });
    } else {
      const points = s.values.map((v, j) => `${x(v)},${top + (j + 0.5) * row}`);
      parts.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${colour}" stroke-width="2.5"/>`);
      s.values.forEach((v, j) => parts.push(`<circle cx="${x(v)}" cy="${top + (j + 0.5) * row}" r="3.5" fill="${colour}"><title>${xml(`${s.name}, ${chart.xLabels[j] ?? ''}: ${fmt(v)}`)}</title></circle>`));
    }
  });
  chart.xLabels.forEach((l, j) => {
    parts.push(`<text x="${left - 8}" y="${top + (j + 0.5) * row + 4}" text-anchor="end" class="xlabel">${xml(l)}</text>`);
  });
  parts.push(`<text x="${left + plotW / 2}" y="${height - 8}" text-anchor="middle" class="axis">${xml(chart.yLabel)}</text>`);
  parts.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}" class="axisline"/>`);
  return frame(chart, height, parts);
}

function frame(chart: XyChart, height: number, parts: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${xml(chart.title)}">`,
    `<text x="10" y="20" class="title">${xml(chart.title)}</text>`,
    legend(chart, 40),
    ...parts,
    '</svg>',
  ].join('');
}

/**
 * The chart as an HTML block a markdown renderer passes through: a `<figure>` with the SVG and the
 * caption, on lines without a blank one (CommonMark ends an HTML block at a blank line).
 */
export function renderSvgChart(chart: XyChart): string {
  const svg = chart.horizontal === true ? horizontal(chart) : vertical(chart);
  return `<figure class="chart">\n${svg}\n<figcaption>${chart.caption}</figcaption>\n</figure>`;
}
