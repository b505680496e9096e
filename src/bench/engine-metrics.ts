import { performance } from 'node:perf_hooks';
import { httpFetch } from '../client/http-fetch.ts';
import { errorText, type Logger } from '../log.ts';
import { ENGINE_NAMES, type EngineName } from '../engines/registry.ts';
import { ENGINE_PRESETS } from '../engines/presets.ts';
import type { ServerMetrics, ServerPoint } from '../report/schema.ts';
import { familyType, linesNamed, parsePrometheus, type PromScrape } from './prometheus.ts';

/**
 * Which gauges mean queue depth, running requests and KV-cache usage, per engine: the engine
 * presets' table (src/engines/presets.ts), so the bench and the presets read the same names.
 * Detection takes the first engine whose names appear (NIM serves vLLM's, and reads as vllm).
 */
const MAPPED = ENGINE_NAMES.flatMap((engine) => {
  const names = ENGINE_PRESETS[engine].metrics;
  return names ? [{ engine, names }] : [];
});
export type MetricsEngine = EngineName | 'unknown';

/** Gauges kept per scrape for an engine we have no map for: enough to see what it exposes, bounded. */
const MAX_UNKNOWN_GAUGES = 30;

export function detectEngine(scrape: PromScrape): MetricsEngine {
  const present = new Set(scrape.samples.map((s) => s.name));
  const found = MAPPED.find(({ names }) => [...names.running, ...names.waiting, ...names.kvCacheUsage].some((n) => present.has(n)));
  return found?.engine ?? 'unknown';
}

const isGaugeLike = (type: string | undefined) => type === undefined || type === 'gauge' || type === 'untyped';

/**
 * Reads a scrape body, once the first scrape told the engine: only its gauges for a known engine,
 * only gauges for an unknown one (see parsePrometheus on why not all of it).
 */
export function readScrape(body: string, engine: MetricsEngine): PromScrape {
  const map = engine === 'unknown' ? null : ENGINE_PRESETS[engine].metrics;
  if (map === null) return parsePrometheus(body, (_name, type) => isGaugeLike(type));
  return parsePrometheus(linesNamed(body, [...map.running, ...map.waiting, ...map.kvCacheUsage]));
}

/** Sum over label sets (several models or data-parallel ranks), or the mean for a ratio. */
function pick(scrape: PromScrape, names: readonly string[], combine: 'sum' | 'mean'): number | null {
  for (const name of names) {
    const values = scrape.samples.filter((s) => s.name === name && Number.isFinite(s.value)).map((s) => s.value);
    if (values.length === 0) continue;
    const sum = values.reduce((a, b) => a + b, 0);
    return combine === 'sum' ? sum : sum / values.length;
  }
  return null;
}

/** One scrape as a point of the time series (pure). */
export function serverPoint(scrape: PromScrape, engine: MetricsEngine, tMs: number): ServerPoint {
  const map = engine === 'unknown' ? null : ENGINE_PRESETS[engine].metrics;
  if (map === null) {
    const gauges: Record<string, number> = {};
    for (const s of scrape.samples) {
      if (!isGaugeLike(familyType(scrape.types, s.name)) || !Number.isFinite(s.value)) continue;
      if (!(s.name in gauges) && Object.keys(gauges).length >= MAX_UNKNOWN_GAUGES) continue;
      gauges[s.name] = (gauges[s.name] ?? 0) + s.value;
    }
    return { tMs, running: null, waiting: null, kvCacheUsage: null, gauges };
  }
  return {
    tMs,
    running: pick(scrape, map.running, 'sum'),
    waiting: pick(scrape, map.waiting, 'sum'),
    kvCacheUsage: pick(scrape, map.kvCacheUsage, 'mean'),
  };
}

function stat(values: (number | null)[]): { mean: number; max: number } | null {
  const v = values.filter((x): x is number => x !== null);
  if (v.length === 0) return null;
  return { mean: v.reduce((a, b) => a + b, 0) / v.length, max: Math.max(...v) };
}

export interface StepWindow {
  profile: string;
  startMs: number;
  endMs: number;
}

/** Mean and max of each gauge over the scrapes inside each step (pure). */
export function summarizeSteps(series: ServerPoint[], windows: StepWindow[]): ServerMetrics['steps'] {
  return windows.map((w) => {
    const inside = series.filter((p) => p.tMs >= w.startMs && p.tMs <= w.endMs);
    return {
      ...w,
      running: stat(inside.map((p) => p.running)),
      waiting: stat(inside.map((p) => p.waiting)),
      kvCacheUsage: stat(inside.map((p) => p.kvCacheUsage)),
    };
  });
}

export interface MetricsScraper {
  stop(windows: StepWindow[]): Promise<ServerMetrics>;
}

/**
 * Scrapes `url` every `intervalMs` until stopped. Never fails the bench: a server without
 * /metrics, or one that stops answering, is recorded as such. `origin` is the bench's time zero.
 */
export function startMetricsScraper(o: { url: string; intervalMs: number; origin: number; logger?: Logger }): MetricsScraper {
  const series: ServerPoint[] = [];
  let engine: MetricsEngine | undefined;
  let scrapes = 0;
  let failures = 0;
  let lastError: string | undefined;
  let reason: string | undefined;
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();

  const scrapeOnce = async () => {
    const tMs = performance.now() - o.origin;
    try {
      const res = await httpFetch(o.url, { signal: AbortSignal.timeout(Math.max(1000, Math.min(5000, o.intervalMs * 2))) });
      const body = await res.text();
      if (res.status === 404 && scrapes === 0) {
        reason = `${o.url} answered 404: the server exposes no Prometheus metrics`;
        stopped = true;
        return;
      }
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const parsed = engine === undefined ? parsePrometheus(body) : readScrape(body, engine);
      scrapes++;
      engine ??= detectEngine(parsed);
      series.push(serverPoint(parsed, engine, tMs));
    } catch (err) {
      failures++;
      lastError = errorText(err);
      if (failures === 1) o.logger?.debug(`metrics scrape of ${o.url} failed: ${lastError}`);
    }
  };

  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    if (stopped) return;
    inFlight = scrapeOnce().then(() => {
      if (!stopped) timer = setTimeout(tick, o.intervalMs);
    });
  };
  tick();

  return {
    async stop(windows) {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
      const available = scrapes > 0;
      return {
        url: o.url,
        available,
        ...(available ? {} : { reason: reason ?? `no scrape of ${o.url} succeeded${lastError ? ` (last error: ${lastError})` : ''}` }),
        engine: engine ?? 'unknown',
        intervalMs: o.intervalMs,
        scrapes,
        failures,
        ...(lastError ? { lastError } : {}),
        series,
        steps: summarizeSteps(series, windows),
      };
    },
  };
}
