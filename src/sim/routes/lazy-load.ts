import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { loaded, type SimContext } from '../context.ts';

/**
 * A lazily loading engine holds inference requests until the model it starts loading now is in memory.
 * When every request that waits for the load has hung up, the load is abandoned and the next request
 * starts it over: Ollama's scheduler loads for the request's context and cancels with it (server/sched.go).
 */
export class LazyLoader {
  /** Requests waiting for the model being loaded now. */
  private waiters = 0;
  private readonly ctx: SimContext;

  constructor(ctx: SimContext) {
    this.ctx = ctx;
  }

  /** Runs `fn` once the model is loaded, starting the load if none is under way; dropped if `res` closes first. */
  afterLoad(res: ServerResponse, fn: () => void): void {
    const { ctx } = this;
    const { opts, log } = ctx;
    if (ctx.loadedAt === undefined) {
      ctx.loadedAt = performance.now() + opts.loadTimeMs;
      log.debug(`simulator: loading the model on first request (${opts.loadTimeMs} ms)`);
    }
    const wait = ctx.loadedAt - performance.now();
    if (wait <= 0) return fn();
    this.waiters++;
    const t = setTimeout(() => {
      ctx.deferred.delete(t);
      this.waiters--;
      fn();
    }, wait);
    ctx.deferred.add(t);
    res.on('close', () => {
      if (!ctx.deferred.has(t)) return;
      clearTimeout(t);
      ctx.deferred.delete(t);
      if (--this.waiters === 0 && !loaded(ctx)) {
        ctx.loadedAt = undefined;
        log.debug('simulator: every request waiting for the model hung up; the load is abandoned');
      }
    });
  }
}
