import { details, escapeHtml, escapeInline } from './escape.ts';
import { formatNumber, plural } from './format.ts';
import type { GpuMetrics, ServerMetrics } from './schema.ts';

/** A 0..1 share as a percentage with two significant digits below 10% (0.22%), one decimal above. */
function share(x: number): string {
  const pct = x * 100;
  return `${pct >= 10 || pct === 0 ? pct.toFixed(1) : pct.toPrecision(2)}%`;
}

const meanMax = (s: { mean: number; max: number } | null, f: (x: number) => string = formatNumber): string =>
  s ? `${f(s.mean)} / ${f(s.max)}` : '—';

/**
 * The engine's own view of the bench (`performance.server`): requests running and queued and KV cache use
 * per load step, mean and max over the step's scrapes.
 */
export function serverMetricsMarkdown(m: ServerMetrics): string {
  if (!m.available) return `<sub>Server metrics: none (${escapeInline(m.reason ?? 'unavailable', 200)}).</sub>`;
  const source = `${plural(m.scrapes, 'scrape')} of ${escapeInline(m.url, 120)} every ${formatNumber(m.intervalMs / 1000)} s${m.failures > 0 ? `, ${m.failures} failed` : ''}; engine metric names: ${escapeInline(m.engine, 20)}.`;
  if (m.steps.length === 0) return details('Server metrics', `No load step was scraped. ${source}`);
  const table = [
    '| Load step | Requests running, mean / max | Requests waiting, mean / max | KV cache used, mean / max |',
    '|---|--:|--:|--:|',
    ...m.steps.map((s) => `| ${escapeInline(s.profile, 60)} | ${meanMax(s.running)} | ${meanMax(s.waiting)} | ${meanMax(s.kvCacheUsage, share)} |`),
  ].join('\n');
  const worstKv = Math.max(0, ...m.steps.map((s) => s.kvCacheUsage?.max ?? 0));
  const queued = Math.max(0, ...m.steps.map((s) => s.waiting?.max ?? 0));
  return details(
    `Server metrics: KV cache up to ${share(worstKv)}, up to ${plural(queued, 'request')} queued`,
    `${table}\n\n<sub>${source}</sub>`,
  );
}

/** nvidia-smi samples over the bench (`performance.gpu`): utilisation and memory per GPU. */
export function gpuMarkdown(g: GpuMetrics): string {
  if (!g.available) return `<sub>GPU metrics: none (${escapeInline(g.reason ?? 'unavailable', 200)}).</sub>`;
  const gib = (mib: number): string => `${(mib / 1024).toFixed(1)} GiB`;
  const table = [
    '| GPU | Utilisation, mean / max | Memory used, max | Memory total |',
    '|--:|--:|--:|--:|',
    ...g.summary.map(
      (s) =>
        `| ${s.index} | ${s.utilizationPct ? `${s.utilizationPct.mean.toFixed(0)}% / ${s.utilizationPct.max.toFixed(0)}%` : '—'} | ${s.memoryUsedMiB ? gib(s.memoryUsedMiB.max) : '—'} | ${s.memoryTotalMiB !== null ? gib(s.memoryTotalMiB) : '—'} |`,
    ),
  ].join('\n');
  return details(
    escapeHtml(`GPU: ${plural(g.summary.length, 'GPU')}, ${plural(g.series.length, 'sample')}`),
    `${table}\n\n<sub>nvidia-smi every ${formatNumber(g.intervalMs / 1000)} s during the bench.</sub>`,
  );
}
