import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import { answerBook, fillerText } from './answers.ts';
import { engineMetrics } from './metrics.ts';
import { simulatorOptionsSchema, type SimulatorOptions, type SimulatorOptionsInput } from './options.ts';
import type { ErrorKind, HttpAnswer } from '../engines/personality.ts';
import { personalities, simulatorPersonality, type Personality } from './personalities.ts';
import { mulberry32 } from '../random.ts';
import { hash32, unitFromKey } from './random.ts';
import { countTokens, tokenize } from './tokenizer.ts';
import {
  chatRequestSchema,
  completionRequestSchema,
  errorBody,
  Framer,
  lastUserText,
  messageText,
  usageOf,
  type FinishReason,
  type Usage,
  type StreamKind,
} from './wire.ts';

/** The generation fields chat and legacy completions requests share; engine-specific ones are read by name. */
type GenerationRequest = { ignore_eos?: boolean | null; min_tokens?: number | null; model?: string; stream?: boolean | null; stream_options?: { include_usage?: boolean | null } | null };

export { simulatorOptionsSchema };
export type { SimulatorOptions, SimulatorOptionsInput };

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

interface Flight {
  id: string;
  kind: StreamKind;
  res: ServerResponse;
  stream: boolean;
  includeUsage: boolean;
  tokens: string[];
  /** A stop ends with an EOS step (engines that stream it as an empty chunk and count it). */
  eos: boolean;
  finish: FinishReason;
  promptTokens: number;
  sent: number;
  state: 'waiting' | 'running' | 'done';
  /** Absolute performance.now() target of the next token: no drift from timer lateness accumulates. */
  next: number;
  timer: NodeJS.Timeout | undefined;
  rng: () => number;
  faulty: boolean;
  /** This stream fails halfway with an in-band error event. */
  streamError: boolean;
  framer: Framer;
  timing: RequestTiming | undefined;
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;
const epochMs = (): number => performance.timeOrigin + performance.now();

export async function startSimulator(input: SimulatorOptionsInput, hooks: SimulatorHooks = {}): Promise<RunningSimulator> {
  const opts: SimulatorOptions = simulatorOptionsSchema.parse(input);
  const persona = opts.engine === undefined ? simulatorPersonality : personalities[opts.engine];
  const log = hooks.logger ?? silentLogger;
  const book = answerBook(opts.answers, opts.errorRate, opts.fillerTokens, opts.seed);
  const startedAt = performance.now();
  const created = Math.floor(Date.now() / 1000);
  // Engine texts name the served model through a {model} placeholder.
  const modelInJson = JSON.stringify(opts.model).slice(1, -1);
  const fill = (a: HttpAnswer): HttpAnswer => ({ ...a, body: a.body.replaceAll('{model}', modelInJson) });
  const modelsBody = JSON.stringify({
    ...persona.models.listFields,
    object: 'list',
    data: [{ id: opts.model, object: 'model', created, owned_by: persona.models.ownedBy, ...persona.models.extra }],
  })
    .replaceAll('"{maxModelLen}"', String(opts.maxModelLen))
    .replaceAll('{model}', modelInJson);
  const json = persona.jsonContentType;
  const usage = (prompt: number, completion: number): Usage => ({ ...usageOf(prompt, completion), ...persona.usageFields });
  const maxRunning = opts.maxRunning ?? persona.maxRunning;

  const sockets = new Set<Socket>();
  const flights = new Set<Flight>();
  const queue: Flight[] = [];
  const deferred = new Set<NodeJS.Timeout>();
  const timings = new Map<string, RequestTiming>();
  const counters = { requests: 0, inference: 0, completed: 0, errors: 0, promptTokens: 0, generationTokens: 0, generationTokensFinished: 0 };
  const finished = { stop: 0, length: 0, abort: 0 };
  let running = 0;
  let kvTokens = 0;
  let crashed = false;
  let closing = false;
  // A lazily loading engine starts its clock on the first inference request.
  let loadedAt: number | undefined = persona.readiness === 'lazy' ? undefined : startedAt + opts.loadTimeMs;

  const loaded = (): boolean => loadedAt !== undefined && performance.now() >= loadedAt;
  const warmingUp = (): boolean => loadedAt !== undefined && performance.now() < loadedAt + persona.warmupMs;
  const factor = (): number => 1 + opts.slowdownPerActive * Math.max(0, running - 1);
  const jitter = (f: Flight): number => 1 + opts.jitter * (2 * f.rng() - 1);

  function send(res: ServerResponse, a: HttpAnswer): void {
    if (a.status >= 400) counters.errors++;
    res.writeHead(a.status, { 'content-type': a.contentType, 'content-length': Buffer.byteLength(a.body) }).end(a.body);
  }

  function sendError(res: ServerResponse, kind: ErrorKind, message: string): void {
    send(res, { status: kind.status, body: errorBody(persona.errors.shape, message, kind.type, kind.status), contentType: json });
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
    counters.generationTokensFinished += f.sent;
    flights.delete(f);
    finished[reason]++;
    if (reason !== 'abort') counters.completed++;
    const nextUp = queue.shift();
    if (nextUp && !crashed && !closing) admit(nextUp);
  }

  // Server-wide stalls, drawn lazily as time passes: the schedule depends only on the seed and the clock.
  const stallRng = mulberry32(hash32(opts.seed, 'stalls', 0));
  const stallGap = (): number => -Math.log(1 - stallRng()) * opts.faults.stallEveryMs;
  let nextStallAt = opts.faults.stallEveryMs > 0 ? startedAt + stallGap() : Infinity;
  let stallUntil = 0;
  /** The end of the stall under way at `now` (0 when none): tokens due meanwhile wait for it. */
  function stalledUntil(now: number): number {
    while (now >= nextStallAt) {
      stallUntil = Math.max(stallUntil, nextStallAt + opts.faults.stallMs);
      nextStallAt += stallGap();
    }
    return now < stallUntil ? stallUntil : 0;
  }

  function step(f: Flight): void {
    if (f.state !== 'running') return;
    // libuv times a timer from its cached loop clock, which lags on a busy loop: a timer can fire early.
    if (f.next - performance.now() > 0.1) return schedule(f);
    const resume = stalledUntil(performance.now());
    if (resume > 0) {
      f.next = resume;
      return schedule(f);
    }
    const k = f.sent;
    const steps = f.tokens.length + (f.eos ? 1 : 0);
    const last = k === steps - 1;
    f.sent++;
    kvTokens++;
    counters.generationTokens++;
    if (f.stream && f.streamError && k === Math.floor(steps / 2)) {
      counters.errors++;
      const { status, type } = persona.errors.serverError;
      const body = errorBody(persona.errors.shape, 'Injected failure in the middle of the stream.', type, status);
      f.res.end(persona.stream.errorEvent === 'error-field' ? `error: ${body}\n\ndata: [DONE]\n\n` : `data: ${body}\n\n`);
      return release(f, 'abort');
    }
    if (f.stream) {
      let frame = '';
      if (f.faulty && opts.faults.malformedSse && k === Math.floor(steps / 2)) frame += f.framer.malformed();
      const visible = k < f.tokens.length;
      if (visible || persona.stream.finish === 'last-token') {
        const finishHere = last && persona.stream.finish === 'last-token' ? f.finish : null;
        frame += f.framer.token(visible ? f.tokens[k]! : '', k, finishHere);
      }
      if (last) {
        const ask = f.includeUsage || f.framer.usageAlways;
        frame += f.framer.end(f.finish, ask ? usage(f.promptTokens, steps) : null);
      }
      if (visible) f.timing?.chunks.push(epochMs());
      if (last) {
        f.res.end(frame);
        if (persona.stream.closesConnection) closeAfterStream(f.res);
      } else f.res.write(frame);
    } else if (last) {
      const text = JSON.stringify(f.tokens.join(''));
      // The choice carries the same extra fields as the engine's stream choices (logprobs, matched_stop).
      const choice =
        f.kind === 'chat'
          ? `{"index":0,"message":{"role":"assistant","content":${text}},${persona.stream.choiceFields}"finish_reason":"${f.finish}"}`
          : `{"index":0,"text":${text},"logprobs":null,"finish_reason":"${f.finish}"}`;
      const object = f.kind === 'chat' ? 'chat.completion' : 'text_completion';
      const body = `{"id":${JSON.stringify(f.id)},"object":"${object}","created":${created},"model":${JSON.stringify(opts.model)},${persona.completionFields}"choices":[${choice}],"usage":${JSON.stringify(usage(f.promptTokens, steps))}}`;
      f.res.writeHead(200, { 'content-type': json }).end(body);
    }
    if (last) return release(f, f.finish);
    // A stalled stream keeps its slot and its socket, as a wedged engine does.
    if (f.faulty && opts.faults.hang === 'after-first-chunk' && k === 0) return;
    f.next += opts.decodeMsPerToken * factor() * jitter(f);
    schedule(f);
  }

  /** The output-token limit the request asks for through the engine's fields, if any. */
  function askedMaxTokens(req: GenerationRequest): number | undefined {
    const fields = req as Record<string, unknown>;
    const asked = persona.maxTokensFields.map((name) => fields[name]).find((v) => typeof v === 'number' && v >= 1);
    return typeof asked === 'number' ? Math.floor(asked) : undefined;
  }

  function outputTokens(req: GenerationRequest, prompt: string, promptTokens: number): { tokens: string[]; finish: FinishReason } {
    const natural = tokenize(book.answer(prompt));
    if (natural.length === 0) natural.push('');
    const asked = askedMaxTokens(req);
    // Engines that refuse an overlong request have done so already; the rest cap it at the context.
    const room = Math.max(1, opts.maxModelLen - promptTokens);
    const limit = asked === undefined ? room : Math.min(asked, room);
    const ignoreEos = req.ignore_eos === true && persona.exactLength.ignoreEos;
    const minTokens = persona.exactLength.minTokens ? (req.min_tokens ?? 0) : 0;
    let want = ignoreEos ? limit : Math.max(natural.length, minTokens);
    want = Math.min(want, limit);
    const tokens = want <= natural.length ? natural.slice(0, want) : [...natural, ...tokenize(` ${fillerText(prompt, want - natural.length, opts.seed)}`)];
    const finish: FinishReason = want === limit && (ignoreEos || natural.length >= limit) ? 'length' : 'stop';
    return { tokens, finish };
  }

  /** Chat and legacy completions share everything but the request's prompt and the response's shape. */
  function inference(req: IncomingMessage, res: ServerResponse, body: string, n: number, kind: StreamKind): void {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return sendError(res, persona.errors.invalidJson, 'The request body is not valid JSON.');
    }
    let chat: GenerationRequest;
    let prompt: string;
    let promptTokens: number;
    if (kind === 'chat') {
      const parsed = chatRequestSchema.safeParse(json);
      if (!parsed.success) return sendError(res, persona.errors.badRequest, z.prettifyError(parsed.error));
      chat = parsed.data;
      prompt = lastUserText(parsed.data.messages);
      promptTokens = parsed.data.messages.reduce((sum, m) => sum + countTokens(messageText(m)), 0);
    } else {
      const parsed = completionRequestSchema.safeParse(json);
      if (!parsed.success) return sendError(res, persona.errors.badRequest, z.prettifyError(parsed.error));
      chat = parsed.data;
      prompt = typeof parsed.data.prompt === 'string' ? parsed.data.prompt : parsed.data.prompt[0]!;
      promptTokens = countTokens(prompt);
    }
    const notFound = persona.errors.modelNotFound;
    if (notFound && chat.model !== undefined && chat.model !== opts.model) {
      return sendError(res, notFound, notFound.message.replaceAll('{model}', chat.model));
    }
    const faulty = n > opts.faults.afterRequests;
    if (faulty && opts.faults.httpErrorRate > 0 && unitFromKey(opts.seed, 'http-error', n) < opts.faults.httpErrorRate) {
      return sendError(res, persona.errors.serverError, 'Injected server error.');
    }
    const asked = askedMaxTokens(chat);
    if (promptTokens >= opts.maxModelLen || (persona.contextOverflow === 'reject' && asked !== undefined && promptTokens + asked > opts.maxModelLen)) {
      return sendError(
        res,
        persona.errors.contextExceeded,
        `This model's maximum context length is ${opts.maxModelLen} tokens; the request has ${promptTokens} prompt tokens and asks for ${asked ?? 'no limit on'} output tokens.`,
      );
    }
    if (faulty && opts.faults.hang === 'no-response') return;

    const requestId = req.headers['x-request-id'];
    const key = typeof requestId === 'string' && requestId !== '' ? requestId : String(n);
    let timing: RequestTiming | undefined;
    if (opts.recordSendTimes) {
      timing = { receivedAt: epochMs(), chunks: [] };
      timings.set(key, timing);
    }
    const { tokens, finish } = outputTokens(chat, prompt, promptTokens);
    counters.promptTokens += promptTokens;
    const stream = chat.stream === true;
    const id = `${kind === 'chat' ? persona.stream.idPrefix : 'cmpl-'}${hash32(opts.seed, 'id', n).toString(16)}`;
    const f: Flight = {
      id,
      kind,
      res,
      stream,
      includeUsage: chat.stream_options?.include_usage === true,
      tokens,
      eos: persona.stream.eosChunk && finish === 'stop',
      finish,
      promptTokens,
      sent: 0,
      state: 'waiting',
      next: 0,
      timer: undefined,
      rng: mulberry32(hash32(opts.seed, 'jitter', n)),
      faulty,
      streamError: faulty && stream && opts.faults.streamErrorRate > 0 && unitFromKey(opts.seed, 'stream-error', n) < opts.faults.streamErrorRate,
      framer: new Framer(persona.stream, kind, id, opts.model, created),
      timing,
    };
    flights.add(f);
    // Headers go out on arrival, as engines do: a client must time the first token, not the first byte.
    if (stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream', ...persona.stream.headers }).flushHeaders();
    }
    res.on('close', () => release(f, 'abort'));
    if (running < maxRunning) admit(f);
    else queue.push(f);
  }

  /** Requests waiting for the model a lazy engine is loading now. */
  let loadWaiters = 0;

  /**
   * A lazily loading engine holds inference requests until the model it starts loading now is in memory.
   * When every request that waits for the load has hung up, the load is abandoned and the next request
   * starts it over: Ollama's scheduler loads for the request's context and cancels with it (server/sched.go).
   */
  function afterLazyLoad(res: ServerResponse, fn: () => void): void {
    if (loadedAt === undefined) {
      loadedAt = performance.now() + opts.loadTimeMs;
      log.debug(`simulator: loading the model on first request (${opts.loadTimeMs} ms)`);
    }
    const wait = loadedAt - performance.now();
    if (wait <= 0) return fn();
    loadWaiters++;
    const t = setTimeout(() => {
      deferred.delete(t);
      loadWaiters--;
      fn();
    }, wait);
    deferred.add(t);
    res.on('close', () => {
      if (!deferred.has(t)) return;
      clearTimeout(t);
      deferred.delete(t);
      if (--loadWaiters === 0 && !loaded()) {
        loadedAt = undefined;
        log.debug('simulator: every request waiting for the model hung up; the load is abandoned');
      }
    });
  }

  function route(req: IncomingMessage, res: ServerResponse, body: string): void {
    counters.requests++;
    for (const [name, value] of Object.entries(persona.headers)) res.setHeader(name, value);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    const probe = method === 'GET' || method === 'HEAD' ? persona.probes.find((p) => p.path === path) : undefined;
    if (probe) {
      if (!loaded() && persona.readiness !== 'lazy') return send(res, fill(probe.loading ?? probe.ready));
      return send(res, fill(warmingUp() && probe.warmup ? probe.warmup : probe.ready));
    }
    const kind: StreamKind | undefined =
      method !== 'POST' ? undefined : path === '/v1/chat/completions' ? 'chat' : path === '/v1/completions' ? 'text' : undefined;
    // Every inference request counts, also those refused while loading: faults are defined per request number.
    const n = kind ? ++counters.inference : 0;
    if (kind && opts.faults.crashAfterRequests !== undefined && n > opts.faults.crashAfterRequests) return crash(`request ${n} arrived`);
    const loading = persona.loadingAnswer;
    if (loading && !loaded() && persona.readiness === 'open-503' && (loading.allPaths || path.startsWith('/v1/'))) return send(res, loading);
    if (method === 'GET' && persona.metrics && path === persona.metrics.path) {
      const startHeader = persona.metrics.startTimeHeader;
      if (startHeader) res.setHeader(startHeader, String(Math.floor(performance.timeOrigin / 1000)));
      res.writeHead(200, { 'content-type': persona.metrics.contentType }).end(
        engineMetrics(persona.metrics, {
          model: opts.model,
          running,
          waiting: queue.length,
          kvCacheUsage: Math.min(1, kvTokens / opts.kvCacheTokens),
          promptTokens: counters.promptTokens,
          generationTokens: persona.metrics.generationAtFinish ? counters.generationTokensFinished : counters.generationTokens,
          finished,
        }),
      );
    } else if (method === 'GET' && path === '/v1/models') {
      res.writeHead(200, { 'content-type': json }).end(modelsBody);
    } else if (kind) {
      if (persona.readiness === 'lazy') afterLazyLoad(res, () => inference(req, res, body, n, kind));
      else inference(req, res, body, n, kind);
    } else {
      send(res, persona.notFound);
    }
  }

  /** Sockets whose stream has ended on an engine that closes them: a request arriving on one is never served. */
  const closingSockets = new WeakSet<Socket>();
  function closeAfterStream(res: ServerResponse): void {
    const socket = res.socket;
    if (!socket) return;
    closingSockets.add(socket);
    // Closed as soon as the last chunk is out, as the engine does; a client racing the FIN still loses.
    res.once('finish', () => socket.destroySoon());
  }

  const server = createServer((req, res) => {
    if (closingSockets.has(req.socket)) {
      req.socket.destroy();
      return;
    }
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (b: Buffer) => {
      size += b.length;
      if (size <= MAX_BODY_BYTES) parts.push(b);
    });
    req.on('end', () => {
      if (crashed) return;
      if (size > MAX_BODY_BYTES) return sendError(res, persona.errors.badRequest, `The request body exceeds ${MAX_BODY_BYTES} bytes.`);
      route(req, res, Buffer.concat(parts).toString('utf8'));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  let listenTimer: NodeJS.Timeout | undefined;
  let crashTimer: NodeJS.Timeout | undefined;

  function stopEverything(): void {
    clearTimeout(listenTimer);
    clearTimeout(crashTimer);
    for (const t of deferred) clearTimeout(t);
    for (const f of flights) clearTimeout(f.timer);
    if (server.listening) server.close();
    for (const s of sockets) s.destroy();
  }

  function crash(why: string): void {
    if (crashed || closing) return;
    crashed = true;
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
      if (closing) return;
      closing = true;
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
      listening: server.listening,
      crashed,
    }),
    sendTimes: () => timings,
  };
}
