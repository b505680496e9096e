import type { ServerResponse } from 'node:http';
import { loaded, send, warmingUp, type SimContext } from '../context.ts';
import type { HttpAnswer, Probe } from '../../engines/personality.ts';
import { modelInJson } from './models.ts';

/**
 * The engine's health and information endpoints (/health, /version, /info, /get_server_info,
 * /api/version, …), as its personality lists them: GET or HEAD on `path`, answered by load state.
 */
export function findProbe(ctx: SimContext, method: string, path: string): Probe | undefined {
  return method === 'GET' || method === 'HEAD' ? ctx.persona.probes.find((p) => p.path === path) : undefined;
}

/** Answers a probe: loading (except on lazy engines, which answer at once), warming up, or ready. */
export function sendProbe(ctx: SimContext, res: ServerResponse, probe: Probe): void {
  const fill = (a: HttpAnswer): HttpAnswer => ({ ...a, body: a.body.replaceAll('{model}', modelInJson(ctx)) });
  if (!loaded(ctx) && ctx.persona.readiness !== 'lazy') return send(ctx, res, fill(probe.loading ?? probe.ready));
  send(ctx, res, fill(warmingUp(ctx) && probe.warmup ? probe.warmup : probe.ready));
}
