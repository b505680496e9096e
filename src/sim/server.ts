import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import { answerBook, fillerText } from './answers.ts';
import { vllmMetrics } from './metrics.ts';
import { simulatorOptionsSchema, type SimulatorOptions, type SimulatorOptionsInput } from './options.ts';
import { hash32, mulberry32, unitFromKey } from './random.ts';
import { countTokens, tokenize } from './tokenizer.ts';
import { ChunkWriter, chatRequestSchema, errorBody, lastUserText, messageText, usageOf, type ChatRequest } from './wire.ts';

export { simulatorOptionsSchema };
export type { SimulatorOptions, SimulatorOptionsInput };

/**
 * Send times are epoch milliseconds with sub-millisecond resolution: `performance.timeOrigin +
 * performance.now()`. A client on the same machine that stamps with the same expression (in this
 * process or another) can subtract them directly.
 */
export interface RequestTiming {
  /** When the request's headers arrived. */
  receivedAt: number;
  /** When each content chunk was handed to the socket, one entry per output token. */
  chunks: number[];
}

export interface SimulatorStats {
  /** Every HTTP request, health and metrics included. */
  requests: number;
  /** POST /v1/chat/completions requests (the ones crashAfterRequests and afterRequests count). */
  inferenceRequests: number;
  /** Requests being generated now. */
  active: number;
  /** Requests queued behind maxRunning. */
  waiting: number;
  completed: number;
  /** Requests answered with an HTTP error (loading, bad request, injected faults). */
  errors: number;
  loaded: boolean;
  crashed: boolean;
}

export interface RunningSimulator {
  /** http://HOST:PORT, without a trailing slash; the OpenAI base URL is `${url}/v1`. */
  url: string;
  port: number;
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

type FinishReason = 'stop' | 'length';

interface Flight {
  id: string;
  res: ServerResponse;
  stream: boolean;
  includeUsage: boolean;
  tokens: string[];
  finish: FinishReason;
  promptTokens: number;
  sent: number;
  state: 'waiting' | 'running' | 'done';
  /** Absolute performance.now() target of the next token: no drift from timer lateness accumulates. */
  next: number;
  timer: NodeJS.Timeout | undefined;
  rng: () => number;
  faulty: boolean;
  writer: ChunkWriter;
  timing: RequestTiming | undefined;
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;
const epochMs = (): number => performance.timeOrigin + performance.now();

export async function startSimulator(input: SimulatorOptionsInput, hooks: SimulatorHooks = {}): Promise<RunningSimulator> {
  const opts: SimulatorOptions = simulatorOptionsSchema.parse(input);
  const log = hooks.logger ?? silentLogger;
  const book = answerBook(opts.answers, opts.errorRate, opts.fillerTokens, opts.seed);
  const startedAt = performance.now();
  const created = Math.floor(Date.now() / 1000);

  const sockets = new Set<Socket>();
  const flights = new Set<Flight>();
  const queue: Flight[] = [];
  const timings = new Map<string, RequestTiming>();
  const counters = { requests: 0, inference: 0, completed: 0, errors: 0, promptTokens: 0, generationTokens: 0 };
  const finished = { stop: 0, length: 0, abort: 0 };
  let running = 0;
  let kvTokens = 0;
  let crashed = false;
  let closing = false;

  const loaded = (): boolean => performance.now() - startedAt >= opts.loadTimeMs;
  const factor = (): number => 1 + opts.slowdownPerActive * Math.max(0, running - 1);
  const jitter = (f: Flight): number => 1 + opts.jitter * (2 * f.rng() - 1);

  function sendError(res: ServerResponse, status: number, message: string, type: string): void {
    counters.errors++;
    res.writeHead(status, { 'content-type': 'application/json' }).end(errorBody(message, type, status));
  }

  function schedule(f: Flight): void {
    f.timer = setTimeout(step, Math.max(0, f.next - performance.now()), f);
  }

  function admit(f: Flight): void {
    f.state = 'running';
    running++;
    kvTokens += f.promptTokens;
    f.next = performance.now() + (opts.ttftMs + opts.prefillMsPerToken * f.promptTokens) * factor() * jitter(f);
    schedule(f);
  }

  function release(f: Flight, reason: FinishReason | 'abort'): void {
    if (f.state === 'done') return;
    if (f.state === 'running') {
      running--;
      kvTokens -= f.promptTokens + f.sent;
    } else {
      const i = queue.indexOf(f);
      if (i >= 0) queue.splice(i, 1);
    }
    clearTimeout(f.timer);
    f.state = 'done';
    flights.delete(f);
    finished[reason]++;
    if (reason !== 'abort') counters.completed++;
    const nextUp = queue.shift();
    if (nextUp && !crashed && !closing) admit(nextUp);
  }

  function step(f: Flight): void {
    if (f.state !== 'running') return;
    const k = f.sent;
    const last = k === f.tokens.length - 1;
    const token = f.tokens[k]!;
    f.sent++;
    kvTokens++;
    counters.generationTokens++;
    if (f.stream) {
      let frame = k === 0 ? f.writer.role() : '';
      if (f.faulty && opts.faults.malformedSse && k === Math.floor(f.tokens.length / 2)) frame += f.writer.malformed();
      frame += f.writer.token(token, last ? f.finish : null);
      if (last) {
        if (f.includeUsage) frame += f.writer.usage(usageOf(f.promptTokens, f.tokens.length));
        frame += f.writer.done();
      }
      f.timing?.chunks.push(epochMs());
      if (last) f.res.end(frame);
      else f.res.write(frame);
    } else if (last) {
      f.res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: f.id,
          object: 'chat.completion',
          created,
          model: opts.model,
          choices: [{ index: 0, message: { role: 'assistant', content: f.tokens.join('') }, logprobs: null, finish_reason: f.finish }],
          usage: usageOf(f.promptTokens, f.tokens.length),
        }),
      );
    }
    if (last) return release(f, f.finish);
    // A stalled stream keeps its slot and its socket, as a wedged engine does.
    if (f.faulty && opts.faults.hang === 'after-first-chunk' && k === 0) return;
    f.next += opts.decodeMsPerToken * factor() * jitter(f);
    schedule(f);
  }

  function outputTokens(req: ChatRequest, prompt: string, promptTokens: number): { tokens: string[]; finish: FinishReason } {
    const natural = tokenize(book.answer(prompt));
    if (natural.length === 0) natural.push('');
    const limit = req.max_completion_tokens ?? req.max_tokens ?? Math.max(1, opts.maxModelLen - promptTokens);
    let want = natural.length;
    if (req.ignore_eos) want = limit;
    else if (req.min_tokens) want = Math.max(want, req.min_tokens);
    want = Math.min(want, limit);
    const tokens = want <= natural.length ? natural.slice(0, want) : [...natural, ...tokenize(` ${fillerText(prompt, want - natural.length, opts.seed)}`)];
    const finish: FinishReason = want === limit && (req.ignore_eos === true || natural.length >= limit) ? 'length' : 'stop';
    return { tokens, finish };
  }

  function chatCompletion(req: IncomingMessage, res: ServerResponse, body: string): void {
    const n = ++counters.inference;
    if (opts.faults.crashAfterRequests !== undefined && n > opts.faults.crashAfterRequests) return crash(`request ${n} arrived`);
    if (!loaded()) return sendError(res, 503, 'The model is still loading; try again later.', 'ServiceUnavailableError');
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return sendError(res, 400, 'The request body is not valid JSON.', 'BadRequestError');
    }
    const parsed = chatRequestSchema.safeParse(json);
    if (!parsed.success) return sendError(res, 400, z.prettifyError(parsed.error), 'BadRequestError');
    const chat = parsed.data;
    if (chat.model !== undefined && chat.model !== opts.model) {
      return sendError(res, 404, `The model \`${chat.model}\` does not exist.`, 'NotFoundError');
    }
    const faulty = n > opts.faults.afterRequests;
    if (faulty && opts.faults.httpErrorRate > 0 && unitFromKey(opts.seed, 'http-error', n) < opts.faults.httpErrorRate) {
      return sendError(res, 500, 'Injected server error.', 'InternalServerError');
    }
    const promptTokens = chat.messages.reduce((sum, m) => sum + countTokens(messageText(m)), 0);
    if (promptTokens >= opts.maxModelLen) {
      return sendError(res, 400, `The prompt has ${promptTokens} tokens; this model's context is ${opts.maxModelLen}.`, 'BadRequestError');
    }
    if (faulty && opts.faults.hang === 'no-response') return;

    const requestId = req.headers['x-request-id'];
    const id = typeof requestId === 'string' && requestId !== '' ? requestId : String(n);
    let timing: RequestTiming | undefined;
    if (opts.recordSendTimes) {
      timing = { receivedAt: epochMs(), chunks: [] };
      timings.set(id, timing);
    }
    const prompt = lastUserText(chat.messages);
    const { tokens, finish } = outputTokens(chat, prompt, promptTokens);
    counters.promptTokens += promptTokens;
    const stream = chat.stream === true;
    const completionId = `chatcmpl-${hash32(opts.seed, 'id', n).toString(16)}`;
    const f: Flight = {
      id: completionId,
      res,
      stream,
      includeUsage: chat.stream_options?.include_usage === true,
      tokens,
      finish,
      promptTokens,
      sent: 0,
      state: 'waiting',
      next: 0,
      timer: undefined,
      rng: mulberry32(hash32(opts.seed, 'jitter', n)),
      faulty,
      writer: new ChunkWriter(completionId, opts.model, created),
      timing,
    };
    flights.add(f);
    // Headers go out on arrival, as engines do: a client must time the first token, not the first byte.
    if (stream) res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' }).flushHeaders();
    res.on('close', () => release(f, 'abort'));
    if (running < opts.maxRunning) admit(f);
    else queue.push(f);
  }

  function route(req: IncomingMessage, res: ServerResponse, body: string): void {
    counters.requests++;
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/health') {
      if (loaded()) res.writeHead(200, { 'content-length': '0' }).end();
      else sendError(res, 503, 'The model is still loading.', 'ServiceUnavailableError');
    } else if (req.method === 'GET' && path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(
        vllmMetrics({
          model: opts.model,
          running,
          waiting: queue.length,
          kvCacheUsage: Math.min(1, kvTokens / opts.kvCacheTokens),
          promptTokens: counters.promptTokens,
          generationTokens: counters.generationTokens,
          finished,
          errors: counters.errors,
        }),
      );
    } else if (req.method === 'GET' && path === '/v1/models') {
      if (!loaded()) return sendError(res, 503, 'The model is still loading.', 'ServiceUnavailableError');
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          object: 'list',
          data: [{ id: opts.model, object: 'model', created, owned_by: 'vllm', root: opts.model, parent: null, max_model_len: opts.maxModelLen }],
        }),
      );
    } else if (req.method === 'POST' && path === '/v1/chat/completions') {
      chatCompletion(req, res, body);
    } else {
      sendError(res, 404, `No route for ${req.method ?? '?'} ${path ?? ''}.`, 'NotFoundError');
    }
  }

  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (b: Buffer) => {
      size += b.length;
      if (size <= MAX_BODY_BYTES) parts.push(b);
    });
    req.on('end', () => {
      if (crashed) return;
      if (size > MAX_BODY_BYTES) return sendError(res, 413, `The request body exceeds ${MAX_BODY_BYTES} bytes.`, 'BadRequestError');
      route(req, res, Buffer.concat(parts).toString('utf8'));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  function stopEverything(): void {
    for (const f of flights) clearTimeout(f.timer);
    server.close();
    for (const s of sockets) s.destroy();
  }

  function crash(why: string): void {
    if (crashed || closing) return;
    crashed = true;
    log.error(`simulator: crash fault fired (${why})`);
    clearTimeout(crashTimer);
    stopEverything();
    hooks.onCrash?.();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const crashAfterMs = opts.faults.crashAfterMs;
  const crashTimer = crashAfterMs === undefined ? undefined : setTimeout(() => crash(`${crashAfterMs} ms elapsed`), crashAfterMs);
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('simulator: the server has no TCP address');
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: async () => {
      if (closing) return;
      closing = true;
      clearTimeout(crashTimer);
      const closed = new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
      stopEverything();
      await closed;
    },
    stats: () => ({
      requests: counters.requests,
      inferenceRequests: counters.inference,
      active: running,
      waiting: queue.length,
      completed: counters.completed,
      errors: counters.errors,
      loaded: loaded(),
      crashed,
    }),
    sendTimes: () => timings,
  };
}
