import type { MetricsSpec } from '../engines/personality.ts';

/** What the simulator knows about its own load. */
export interface MetricsSnapshot {
  model: string;
  running: number;
  waiting: number;
  /** 0..1 share of the KV cache held by running requests. */
  kvCacheUsage: number;
  promptTokens: number;
  generationTokens: number;
  finished: { stop: number; length: number; abort: number };
}

interface Family {
  name: string;
  type: 'gauge' | 'counter';
  help: string;
  values: { labels: Record<string, string>; value: number }[];
}

const escapeLabel = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** Prometheus text exposition format 0.0.4; a counter's TYPE line names it without the `_total` suffix. */
/** Python's float repr for the values a simulator produces: integers get ".0". */
const pythonFloat = (v: number): string => (Number.isInteger(v) ? v.toFixed(1) : String(v));

export function renderPrometheus(families: Family[], help: boolean, totalInTypeLine = false, values: 'python' | 'plain' = 'plain'): string {
  const lines: string[] = [];
  for (const f of families) {
    const base = f.type === 'counter' && !totalInTypeLine ? f.name.replace(/_total$/, '') : f.name;
    if (help) lines.push(`# HELP ${base} ${f.help}`);
    lines.push(`# TYPE ${base} ${f.type}`);
    for (const v of f.values) {
      const entries = Object.entries(v.labels);
      const labels = entries.length === 0 ? '' : `{${entries.map(([k, val]) => `${k}="${escapeLabel(val)}"`).join(',')}}`;
      lines.push(`${f.name}${labels} ${values === 'python' ? pythonFloat(v.value) : String(v.value)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The snapshot under an engine's metric names. */
export function engineMetrics(spec: MetricsSpec, m: MetricsSnapshot): string {
  const labels: Record<string, string> = { ...(spec.modelLabel === null ? {} : { [spec.modelLabel]: m.model }), ...spec.labels };
  const one = (value: number) => [{ labels, value }];
  const families: Family[] = [
    { name: spec.running, type: 'gauge', help: 'Number of requests being generated.', values: one(m.running) },
    { name: spec.waiting, type: 'gauge', help: 'Number of requests waiting to be scheduled.', values: one(m.waiting) },
  ];
  if (spec.kvCache) families.push({ name: spec.kvCache, type: 'gauge', help: 'KV-cache usage. 1 means 100 percent usage.', values: one(m.kvCacheUsage) });
  if (spec.promptTokens) families.push({ name: spec.promptTokens, type: 'counter', help: 'Number of prefill tokens processed.', values: one(m.promptTokens) });
  if (spec.generationTokens) {
    families.push({ name: spec.generationTokens, type: 'counter', help: 'Number of generation tokens processed.', values: one(m.generationTokens) });
  }
  if (spec.success) {
    const done = m.finished.stop + m.finished.length;
    families.push({
      name: spec.success.name,
      type: 'counter',
      help: 'Count of successfully processed requests.',
      values: spec.success.byReason
        ? (['stop', 'length', 'abort'] as const).map((reason) => ({ labels: { ...labels, finished_reason: reason }, value: m.finished[reason] }))
        : one(done),
    });
  }
  for (const u of spec.unmodelled) families.push({ name: u.name, type: u.type, help: 'Not modelled by the simulator.', values: one(0) });
  return renderPrometheus(families, spec.help, spec.totalInTypeLine, spec.values);
}
