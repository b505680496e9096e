import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { SimContext } from '../context.ts';
import { engineMetrics } from '../metrics.ts';
import type { MetricsSpec } from '../../engines/personality.ts';
import type { Scheduler } from '../scheduler.ts';

/** GET on the engine's metrics path: its Prometheus families, from the scheduler's load now. */
export function sendMetrics(ctx: SimContext, spec: MetricsSpec, scheduler: Scheduler, res: ServerResponse): void {
  const { opts, counters } = ctx;
  const startHeader = spec.startTimeHeader;
  if (startHeader) res.setHeader(startHeader, String(Math.floor(performance.timeOrigin / 1000)));
  res.writeHead(200, { 'content-type': spec.contentType }).end(
    engineMetrics(spec, {
      model: opts.model,
      running: scheduler.running,
      waiting: scheduler.queue.length,
      kvCacheUsage: Math.min(1, scheduler.kvTokens / opts.kvCacheTokens),
      promptTokens: counters.promptTokens,
      generationTokens: spec.generationAtFinish ? counters.generationTokensFinished : counters.generationTokens,
      finished: ctx.finished,
    }),
  );
}
