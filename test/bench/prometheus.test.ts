import { describe, expect, it } from 'vitest';
import { detectEngine, readScrape, serverPoint, summarizeSteps } from '../../src/bench/engine-metrics.ts';
import { familyType, linesNamed, parsePrometheus } from '../../src/bench/prometheus.ts';

// Captured from the engines' /metrics (trimmed): the shapes the name maps must read.
const VLLM = `# HELP vllm:num_requests_running Number of requests in model execution batches.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{engine="0",model_name="llama"} 12.0
vllm:num_requests_running{engine="1",model_name="llama"} 4.0
# TYPE vllm:num_requests_waiting gauge
vllm:num_requests_waiting{engine="0",model_name="llama"} 3.0
# TYPE vllm:kv_cache_usage_perc gauge
vllm:kv_cache_usage_perc{engine="0",model_name="llama"} 0.5
vllm:kv_cache_usage_perc{engine="1",model_name="llama"} 0.25
# TYPE vllm:prompt_tokens counter
vllm:prompt_tokens_total{engine="0",model_name="llama"} 1.234e+06
`;
const VLLM_V0 = `# TYPE vllm:gpu_cache_usage_perc gauge
vllm:gpu_cache_usage_perc{model_name="m"} 0.75
vllm:num_requests_running{model_name="m"} 2.0
`;
const TGI = `# TYPE tgi_batch_current_size gauge
tgi_batch_current_size 7
# TYPE tgi_queue_size gauge
tgi_queue_size 2
`;
const SGLANG = `sglang:num_running_reqs{model_name="m"} 5.0
sglang:num_queue_reqs{model_name="m"} 1.0
sglang:token_usage{model_name="m"} 0.125
`;
const LLAMACPP = `# TYPE llamacpp:requests_processing gauge
llamacpp:requests_processing 1
# TYPE llamacpp:requests_deferred gauge
llamacpp:requests_deferred 6
llamacpp:kv_cache_usage_ratio 0.3
`;

describe('parsePrometheus', () => {
  it('reads names, labels with escapes, values in every notation and TYPE lines', () => {
    const text = [
      '# HELP x_seconds A histogram.',
      '# TYPE x_seconds histogram',
      'x_seconds_bucket{le="+Inf",path="/v1/chat"} 17',
      'weird{msg="a \\"quoted\\" back\\\\slash\\nnew",other="x"} -1.5e-3 1700000000000',
      'nan_gauge NaN',
      'inf_gauge +Inf',
      'bare 42',
      'spaced { a = "1" , b="2" } 3',
    ].join('\r\n');
    const p = parsePrometheus(text);
    expect(p.types).toEqual({ x_seconds: 'histogram' });
    expect(p.samples[0]).toEqual({ name: 'x_seconds_bucket', labels: { le: '+Inf', path: '/v1/chat' }, value: 17 });
    expect(p.samples[1]).toEqual({ name: 'weird', labels: { msg: 'a "quoted" back\\slash\nnew', other: 'x' }, value: -0.0015 });
    expect(p.samples[2]!.value).toBeNaN();
    expect(p.samples[3]!.value).toBe(Infinity);
    expect(p.samples[4]).toEqual({ name: 'bare', labels: {}, value: 42 });
    expect(p.samples[5]).toEqual({ name: 'spaced', labels: { a: '1', b: '2' }, value: 3 });
    expect(p.skipped).toEqual([]);
  });

  it('skips and lists lines it cannot read instead of failing the scrape', () => {
    const p = parsePrometheus('good 1\n{oops} 2\nbad{a="unterminated} 3\nnovalue\nalso_good 0.5\n');
    expect(p.samples.map((s) => s.name)).toEqual(['good', 'also_good']);
    expect(p.skipped.map((s) => s.line)).toEqual([2, 3, 4]);
  });
});

describe('engine metric maps', () => {
  it.each([
    ['vllm', VLLM, { running: 16, waiting: 3, kvCacheUsage: 0.375 }],
    ['vllm', VLLM_V0, { running: 2, waiting: null, kvCacheUsage: 0.75 }],
    ['tgi', TGI, { running: 7, waiting: 2, kvCacheUsage: null }],
    ['sglang', SGLANG, { running: 5, waiting: 1, kvCacheUsage: 0.125 }],
    ['llamacpp', LLAMACPP, { running: 1, waiting: 6, kvCacheUsage: 0.3 }],
  ] as const)('reads %s: running summed over engines, KV-cache usage averaged', (engine, text, expected) => {
    const scrape = parsePrometheus(text);
    expect(detectEngine(scrape)).toBe(engine);
    expect(serverPoint(scrape, engine, 100)).toEqual({ tMs: 100, ...expected });
  });

  it('records the gauges of an engine it has no map for, and fails nothing', () => {
    const scrape = parsePrometheus(
      '# TYPE my_queue gauge\nmy_queue{a="1"} 2\nmy_queue{a="2"} 3\n# TYPE my counter\nmy_total 9\nuntyped_thing 1\n' +
        '# TYPE lat histogram\nlat_bucket{le="1"} 4\nlat_sum 2.5\nlat_count 4\n',
    );
    expect(detectEngine(scrape)).toBe('unknown');
    expect(serverPoint(scrape, 'unknown', 0)).toEqual({ tMs: 0, running: null, waiting: null, kvCacheUsage: null, gauges: { my_queue: 5, untyped_thing: 1 } });
  });

  it('summarizes each step over the scrapes inside its window', () => {
    const series = [
      { tMs: 0, running: 1, waiting: 0, kvCacheUsage: 0.1 },
      { tMs: 1000, running: 3, waiting: 2, kvCacheUsage: 0.3 },
      { tMs: 2000, running: 8, waiting: 4, kvCacheUsage: null },
    ];
    const [a, b] = summarizeSteps(series, [
      { profile: 'c=1', startMs: 0, endMs: 1500 },
      { profile: 'c=8', startMs: 1500, endMs: 2500 },
    ]);
    expect(a).toMatchObject({ running: { mean: 2, max: 3 }, waiting: { mean: 1, max: 2 } });
    expect(a!.kvCacheUsage!.mean).toBeCloseTo(0.2);
    expect(b).toMatchObject({ running: { mean: 8, max: 8 }, kvCacheUsage: null });
  });
});

describe('reading later scrapes cheaply', () => {
  const HISTOGRAMS = Array.from({ length: 50 }, (_, i) => `# HELP vllm:h${i} x\n# TYPE vllm:h${i} histogram\nvllm:h${i}_bucket{le="1"} 3\n`).join('');

  it('finds only the named sample lines, not HELP lines or longer names that start the same', () => {
    const text = `# HELP vllm:num_requests_running n\nvllm:num_requests_running{engine="0"} 2.0\nvllm:num_requests_running_total 9\n${HISTOGRAMS}vllm:num_requests_running{engine="1"} 3.0`;
    expect(linesNamed(text, ['vllm:num_requests_running']).split('\n')).toEqual(['vllm:num_requests_running{engine="0"} 2.0', 'vllm:num_requests_running{engine="1"} 3.0']);
  });

  it('reads the same point from the known gauges alone as from the whole body', () => {
    const text = `${HISTOGRAMS}${VLLM}`;
    expect(serverPoint(readScrape(text, 'vllm'), 'vllm', 0)).toEqual(serverPoint(parsePrometheus(text), 'vllm', 0));
    expect(readScrape(text, 'vllm').samples).toHaveLength(5);
  });

  it('keeps gauges only, family-aware, for an unknown engine', () => {
    expect(familyType({ lat: 'histogram' }, 'lat_bucket')).toBe('histogram');
    expect(familyType({ req: 'counter' }, 'req_total')).toBe('counter');
    expect(familyType({}, 'thing')).toBeUndefined();
    expect(readScrape(`${HISTOGRAMS}# TYPE q gauge\nq 1\n`, 'unknown').samples.map((x) => x.name)).toEqual(['q']);
  });
});
