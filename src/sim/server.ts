import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import { answerBook } from './answers.ts';
import { createContext, loaded, type RequestTiming } from './context.ts';
import { createHttpServer } from './http-server.ts';
import { simulatorOptionsSchema, type SimulatorOptions, type SimulatorOptionsInput } from './options.ts';
import { personalities, simulatorPersonality, type Personality } from './personalities.ts';
import { createRouter } from './router.ts';
import { Scheduler } from './scheduler.ts';

export { simulatorOptionsSchema };
export type { SimulatorOptions, SimulatorOptionsInput };

export interface SimulatorStats {
  /** Every HTTP request, health and metrics included. */
  requests: number;
  /** POST /v1/chat/completions and /v1/completions requests (the ones crashAfterRequests and afterRequests count). */
  inferenceRequests: number;
  /** Requests being generated now. */
  active: number;
  /** Requests queued behind maxRunning. */
  waiting: number;
  completed: number;
  /** Requests answered with an HTTP error (loading, bad request, injected faults). */
  errors: number;
  loaded: boolean;
  /** Whether the port accepts connections now. */
  listening: boolean;
  crashed: boolean;
}

export interface RunningSimulator {
  /** http://HOST:PORT, without a trailing slash; the OpenAI base URL is `${url}/v1`. */
  url: string;
  port: number;
  /** The behaviour being played: an engine name or 'simulator'. */
  personality: Personality;
  /** Stops listening and cuts every open connection at once. */
  close(): Promise<void>;
  stats(): SimulatorStats;
  /** Per request id (the `x-request-id` header, else a counter from "1"); empty unless recordSendTimes. */
  sendTimes(): ReadonlyMap<string, RequestTiming>;
}

export interface SimulatorHooks {
  /** Called once when a crash fault fires; the CLI exits the process here. */
  onCrash?: () => void;
  logger?: Logger;
}

/**
 * Starts an OpenAI-compatible server that plays an engine (or the plain simulator): its routes, its
 * readiness (port closed, 503 while loading, or lazy), its latency and its injected faults. Resolves once
 * it listens (on an engine whose port opens only when loaded: once the port is known). Rejects when the
 * options are invalid (ZodError) or the port cannot be taken.
 */
export async function startSimulator(input: SimulatorOptionsInput, hooks: SimulatorHooks = {}): Promise<RunningSimulator> {
  const opts: SimulatorOptions = simulatorOptionsSchema.parse(input);
  const persona = opts.engine === undefined ? simulatorPersonality : personalities[opts.engine];
  const log = hooks.logger ?? silentLogger;
  const ctx = createContext(opts, persona, log, answerBook(opts.answers, opts.errorRate, opts.fillerTokens, opts.seed));
  const scheduler = new Scheduler(ctx);
  const route = createRouter(ctx, scheduler, (why) => crash(why));

  const { server, sockets } = createHttpServer(ctx, route);

  let listenTimer: NodeJS.Timeout | undefined;
  let crashTimer: NodeJS.Timeout | undefined;

  function stopEverything(): void {
    clearTimeout(listenTimer);
    clearTimeout(crashTimer);
    for (const t of ctx.deferred) clearTimeout(t);
    scheduler.stopTimers();
    if (server.listening) server.close();
    for (const s of sockets) s.destroy();
  }

  function crash(why: string): void {
    if (ctx.crashed || ctx.closing) return;
    ctx.crashed = true;
    log.error(`simulator: crash fault fired (${why})`);
    stopEverything();
    hooks.onCrash?.();
  }

  const listen = (port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, opts.host, () => {
        server.off('error', reject);
        const address = server.address();
        if (address === null || typeof address === 'string') reject(new Error('simulator: the server has no TCP address'));
        else resolve(address.port);
      });
    });

  const port = await listen(opts.port);
  if (persona.readiness === 'port-closed' && opts.loadTimeMs > 0) {
    // The port is known at once (so callers can poll it) but refuses connections until the model is loaded.
    await new Promise<void>((resolve) => server.close(() => resolve()));
    listenTimer = setTimeout(() => {
      listen(port).catch((e: unknown) => crash(`port ${port} could not be reopened: ${(e as Error).message}`));
    }, opts.loadTimeMs);
  }
  const crashAfterMs = opts.faults.crashAfterMs;
  if (crashAfterMs !== undefined) crashTimer = setTimeout(() => crash(`${crashAfterMs} ms elapsed`), crashAfterMs);
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;

  return {
    url: `http://${host}:${port}`,
    port,
    personality: persona,
    close: async () => {
      if (ctx.closing) return;
      ctx.closing = true;
      const closed = new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
      stopEverything();
      await closed;
    },
    stats: () => ({
      requests: ctx.counters.requests,
      inferenceRequests: ctx.counters.inference,
      active: scheduler.running,
      waiting: scheduler.queue.length,
      completed: ctx.counters.completed,
      errors: ctx.counters.errors,
      loaded: loaded(ctx),
      listening: server.listening,
      crashed: ctx.crashed,
    }),
    sendTimes: () => ctx.timings,
  };
}
