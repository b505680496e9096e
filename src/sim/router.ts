import type { IncomingMessage, ServerResponse } from 'node:http';
import { loaded, send, type SimContext } from './context.ts';
import { acceptCompletion } from './routes/completions.ts';
import { LazyLoader } from './routes/lazy-load.ts';
import { sendMetrics } from './routes/metrics.ts';
import { modelsBody, sendModels } from './routes/models.ts';
import { findProbe, sendProbe } from './routes/probes.ts';
import type { Scheduler } from './scheduler.ts';
import type { StreamKind } from './wire.ts';

/** Answers one request whose body has arrived. */
export type Route = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/**
 * The simulator's routes in the engine's order of precedence: health and information probes, the crash
 * fault, the loading answer of engines that answer while loading, metrics, models, inference, not found.
 * `crash` is called when request number n passes crashAfterRequests.
 */
export function createRouter(ctx: SimContext, scheduler: Scheduler, crash: (why: string) => void): Route {
  const { opts, persona } = ctx;
  const models = modelsBody(ctx);
  const lazy = new LazyLoader(ctx);
  return (req, res, body) => {
    ctx.counters.requests++;
    for (const [name, value] of Object.entries(persona.headers)) res.setHeader(name, value);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    const probe = findProbe(ctx, method, path);
    if (probe) return sendProbe(ctx, res, probe);
    const kind: StreamKind | undefined =
      method !== 'POST' ? undefined : path === '/v1/chat/completions' ? 'chat' : path === '/v1/completions' ? 'text' : undefined;
    // Every inference request counts, also those refused while loading: faults are defined per request number.
    const n = kind ? ++ctx.counters.inference : 0;
    if (kind && opts.faults.crashAfterRequests !== undefined && n > opts.faults.crashAfterRequests) return crash(`request ${n} arrived`);
    const loading = persona.loadingAnswer;
    if (loading && !loaded(ctx) && persona.readiness === 'open-503' && (loading.allPaths || path.startsWith('/v1/'))) return send(ctx, res, loading);
    if (method === 'GET' && persona.metrics && path === persona.metrics.path) {
      sendMetrics(ctx, persona.metrics, scheduler, res);
    } else if (method === 'GET' && path === '/v1/models') {
      sendModels(ctx, res, models);
    } else if (kind) {
      if (persona.readiness === 'lazy') lazy.afterLoad(res, () => acceptCompletion(ctx, scheduler, req, res, body, n, kind));
      else acceptCompletion(ctx, scheduler, req, res, body, n, kind);
    } else {
      send(ctx, res, persona.notFound);
    }
  };
}
