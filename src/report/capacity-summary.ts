import { escapeInline } from './escape.ts';
import type { Capacity } from './schema.ts';

/** The job-summary section for the saturation search: the capacity and every probe that found it. */
export function capacityMarkdown(c: Capacity): string {
  const head =
    c.bound === 'none'
      ? 'Even one request at a time missed the SLOs: capacity 0.'
      : c.bound === 'at-least'
        ? `The maximum throughput met the SLOs: capacity at least **${c.rate} req/s**.`
        : `Capacity **${c.rate} req/s** (met at ${c.bracket?.[0]}, missed at ${c.bracket?.[1]} req/s).`;
  const slo = Object.entries(c.slo).map(([k, v]) => `${k} ${v}`).join(', ');
  const rows = c.probes.map(
    (p) =>
      `| ${escapeInline(p.profile, 60)} | ${p.requestsPerSec.toFixed(2)} | ${p.ttftP99Ms.toFixed(1)} | ${p.tpotP99Ms.toFixed(2)} | ${p.errors} | ${p.meets ? 'met' : escapeInline(p.misses.join('; '), 200)} |`,
  );
  return [
    '### Saturation',
    '',
    `${head} Synchronous ${c.syncRate} req/s, maximum throughput ${c.maxRate} req/s; SLOs: ${escapeInline(slo, 200)}.`,
    '',
    '| Probe | req/s | TTFT p99 ms | TPOT p99 ms | Errors | SLOs |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    ...rows,
  ].join('\n');
}
