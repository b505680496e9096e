/** What the simulator knows about its own load, rendered in an engine's Prometheus names. */
export interface MetricsSnapshot {
  model: string;
  running: number;
  waiting: number;
  /** 0..1 share of the KV cache held by running requests. */
  kvCacheUsage: number;
  promptTokens: number;
  generationTokens: number;
  finished: { stop: number; length: number; abort: number };
  errors: number;
}

interface Sample {
  name: string;
  type: 'gauge' | 'counter';
  help: string;
  values: { labels?: Record<string, string>; value: number }[];
}

/** Prometheus text exposition format 0.0.4; counters carry `_total` on the sample, not the TYPE line. */
export function renderPrometheus(samples: Sample[]): string {
  const lines: string[] = [];
  for (const s of samples) {
    const base = s.type === 'counter' ? s.name.replace(/_total$/, '') : s.name;
    lines.push(`# HELP ${base} ${s.help}`, `# TYPE ${base} ${s.type}`);
    for (const v of s.values) {
      const labels = v.labels
        ? `{${Object.entries(v.labels)
            .map(([k, val]) => `${k}="${val.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)
            .join(',')}}`
        : '';
      lines.push(`${s.name}${labels} ${v.value}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** vLLM's names (vllm/v1/metrics/loggers.py); kv_cache_usage_perc is a 0..1 ratio despite its name. */
export function vllmMetrics(m: MetricsSnapshot): string {
  const model = { model_name: m.model };
  return renderPrometheus([
    { name: 'vllm:num_requests_running', type: 'gauge', help: 'Number of requests in model execution batches.', values: [{ labels: model, value: m.running }] },
    { name: 'vllm:num_requests_waiting', type: 'gauge', help: 'Number of requests waiting to be processed.', values: [{ labels: model, value: m.waiting }] },
    { name: 'vllm:kv_cache_usage_perc', type: 'gauge', help: 'KV-cache usage. 1 means 100 percent usage.', values: [{ labels: model, value: m.kvCacheUsage }] },
    { name: 'vllm:prompt_tokens_total', type: 'counter', help: 'Number of prefill tokens processed.', values: [{ labels: model, value: m.promptTokens }] },
    { name: 'vllm:generation_tokens_total', type: 'counter', help: 'Number of generation tokens processed.', values: [{ labels: model, value: m.generationTokens }] },
    {
      name: 'vllm:request_success_total',
      type: 'counter',
      help: 'Count of successfully processed requests.',
      values: (['stop', 'length', 'abort'] as const).map((reason) => ({
        labels: { ...model, finished_reason: reason },
        value: m.finished[reason],
      })),
    },
  ]);
}
