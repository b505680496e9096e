import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ErrorKind, HttpAnswer } from '../engines/personality.ts';
import type { Logger } from '../log.ts';
import type { AnswerBook } from './answers.ts';
import type { SimulatorOptions } from './options.ts';
import type { Personality } from './personalities.ts';
import { errorBody, usageOf, type Usage } from './wire.ts';

/**
 * Send times are epoch milliseconds with sub-millisecond resolution: `performance.timeOrigin +
 * performance.now()`. A client on the same machine that stamps with the same expression (in this
 * process or another) can subtract them directly.
 */
export interface RequestTiming {
  /** When the request's body had arrived and it was accepted. */
  receivedAt: number;
  /** When each content chunk was handed to the socket, one entry per visible output token. */
  chunks: number[];
}

export const epochMs = (): number => performance.timeOrigin + performance.now();

/** What every part of one running simulator shares: its options, its engine, its counters and its model's load state. */
export interface SimContext {
  opts: SimulatorOptions;
  persona: Personality;
  log: Logger;
  book: AnswerBook;
  /** performance.now() when the simulator started. */
  startedAt: number;
  /** Epoch seconds, the `created` of models and completions. */
  created: number;
  counters: { requests: number; inference: number; completed: number; errors: number; promptTokens: number; generationTokens: number; generationTokensFinished: number };
  finished: { stop: number; length: number; abort: number };
  /** Per request id; filled only with recordSendTimes. */
  timings: Map<string, RequestTiming>;
  /** Timers that hold a request back (a lazy load); cleared on close and crash. */
  deferred: Set<NodeJS.Timeout>;
  /** Sockets whose stream has ended on an engine that closes them: a request arriving on one is never served. */
  closingSockets: WeakSet<Socket>;
  crashed: boolean;
  closing: boolean;
  /** performance.now() when the model is in memory; undefined while a lazy engine has not started loading it. */
  loadedAt: number | undefined;
}

/** The shared state of a simulator that starts now. */
export function createContext(opts: SimulatorOptions, persona: Personality, log: Logger, book: AnswerBook): SimContext {
  const startedAt = performance.now();
  return {
    opts,
    persona,
    log,
    book,
    startedAt,
    created: Math.floor(Date.now() / 1000),
    counters: { requests: 0, inference: 0, completed: 0, errors: 0, promptTokens: 0, generationTokens: 0, generationTokensFinished: 0 },
    finished: { stop: 0, length: 0, abort: 0 },
    timings: new Map(),
    deferred: new Set(),
    closingSockets: new WeakSet(),
    crashed: false,
    closing: false,
    // A lazily loading engine starts its clock on the first inference request.
    loadedAt: persona.readiness === 'lazy' ? undefined : startedAt + opts.loadTimeMs,
  };
}

export const loaded = (ctx: SimContext): boolean => ctx.loadedAt !== undefined && performance.now() >= ctx.loadedAt;

export const warmingUp = (ctx: SimContext): boolean => ctx.loadedAt !== undefined && performance.now() < ctx.loadedAt + ctx.persona.warmupMs;

/** The usage object the engine reports: the OpenAI fields plus its own. */
export const usage = (ctx: SimContext, prompt: number, completion: number): Usage => ({ ...usageOf(prompt, completion), ...ctx.persona.usageFields });

/** Writes a whole answer; an error status counts as an error. */
export function send(ctx: SimContext, res: ServerResponse, a: HttpAnswer): void {
  if (a.status >= 400) ctx.counters.errors++;
  res.writeHead(a.status, { 'content-type': a.contentType, 'content-length': Buffer.byteLength(a.body) }).end(a.body);
}

/** Writes an error in the engine's own shape. */
export function sendError(ctx: SimContext, res: ServerResponse, kind: ErrorKind, message: string): void {
  send(ctx, res, { status: kind.status, body: errorBody(ctx.persona.errors.shape, message, kind.type, kind.status), contentType: ctx.persona.jsonContentType });
}
