import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { mulberry32 } from '../../random.ts';
import { fillerText } from '../answers.ts';
import { epochMs, sendError, type RequestTiming, type SimContext } from '../context.ts';
import { requestFaults } from '../faults.ts';
import type { Flight } from '../flight.ts';
import { hash32 } from '../random.ts';
import type { Scheduler } from '../scheduler.ts';
import { countTokens, tokenize } from '../tokenizer.ts';
import { chatRequestSchema, completionRequestSchema, Framer, lastUserText, messageText, type FinishReason, type StreamKind } from '../wire.ts';

/** The generation fields chat and legacy completions requests share; engine-specific ones are read by name. */
type GenerationRequest = { ignore_eos?: boolean | null; min_tokens?: number | null; model?: string; stream?: boolean | null; stream_options?: { include_usage?: boolean | null } | null };

/** The output-token limit the request asks for through the engine's fields, if any. */
function askedMaxTokens(ctx: SimContext, req: GenerationRequest): number | undefined {
  const fields = req as Record<string, unknown>;
  const asked = ctx.persona.maxTokensFields.map((name) => fields[name]).find((v) => typeof v === 'number' && v >= 1);
  return typeof asked === 'number' ? Math.floor(asked) : undefined;
}

/** The tokens the answer will have and why it ends: the book's answer, cut at the limit or padded to the asked length. */
function outputTokens(ctx: SimContext, req: GenerationRequest, prompt: string, promptTokens: number): { tokens: string[]; finish: FinishReason } {
  const { opts, persona } = ctx;
  const natural = tokenize(ctx.book.answer(prompt));
  if (natural.length === 0) natural.push('');
  const asked = askedMaxTokens(ctx, req);
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

/** What a completion request asks for, or why it cannot be read (`json`: not JSON; `shape`: not the API's request). */
type ReadRequest = { chat: GenerationRequest; prompt: string; promptTokens: number } | { error: 'json' | 'shape'; message: string };

/** Reads a chat or legacy completions body: the prompt answered (the last user message, or the first prompt) and the prompt's tokens. */
function readRequest(body: string, kind: StreamKind): ReadRequest {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { error: 'json', message: 'The request body is not valid JSON.' };
  }
  if (kind === 'chat') {
    const parsed = chatRequestSchema.safeParse(json);
    if (!parsed.success) return { error: 'shape', message: z.prettifyError(parsed.error) };
    const promptTokens = parsed.data.messages.reduce((sum, m) => sum + countTokens(messageText(m)), 0);
    return { chat: parsed.data, prompt: lastUserText(parsed.data.messages), promptTokens };
  }
  const parsed = completionRequestSchema.safeParse(json);
  if (!parsed.success) return { error: 'shape', message: z.prettifyError(parsed.error) };
  const prompt = typeof parsed.data.prompt === 'string' ? parsed.data.prompt : parsed.data.prompt[0]!;
  return { chat: parsed.data, prompt, promptTokens: countTokens(prompt) };
}

/**
 * POST /v1/chat/completions and /v1/completions, request number `n`: chat and legacy completions share
 * everything but the request's prompt and the response's shape. Refuses what the engine refuses (bad
 * JSON, unknown model, context overflow, injected errors) in its error shape; otherwise hands the request
 * to the scheduler, streamed (headers at once) or whole.
 */
export function acceptCompletion(ctx: SimContext, scheduler: Scheduler, req: IncomingMessage, res: ServerResponse, body: string, n: number, kind: StreamKind): void {
  const { opts, persona } = ctx;
  const read = readRequest(body, kind);
  if ('error' in read) return sendError(ctx, res, read.error === 'json' ? persona.errors.invalidJson : persona.errors.badRequest, read.message);
  const { chat, prompt, promptTokens } = read;
  const notFound = persona.errors.modelNotFound;
  if (notFound && chat.model !== undefined && chat.model !== opts.model) {
    return sendError(ctx, res, notFound, notFound.message.replaceAll('{model}', chat.model));
  }
  const stream = chat.stream === true;
  const faults = requestFaults(opts.faults, opts.seed, n, stream);
  if (faults.httpError) return sendError(ctx, res, persona.errors.serverError, 'Injected server error.');
  const asked = askedMaxTokens(ctx, chat);
  if (promptTokens >= opts.maxModelLen || (persona.contextOverflow === 'reject' && asked !== undefined && promptTokens + asked > opts.maxModelLen)) {
    return sendError(
      ctx,
      res,
      persona.errors.contextExceeded,
      `This model's maximum context length is ${opts.maxModelLen} tokens; the request has ${promptTokens} prompt tokens and asks for ${asked ?? 'no limit on'} output tokens.`,
    );
  }
  if (faults.noResponse) return;

  const requestId = req.headers['x-request-id'];
  const key = typeof requestId === 'string' && requestId !== '' ? requestId : String(n);
  let timing: RequestTiming | undefined;
  if (opts.recordSendTimes) {
    timing = { receivedAt: epochMs(), chunks: [] };
    ctx.timings.set(key, timing);
  }
  const { tokens, finish } = outputTokens(ctx, chat, prompt, promptTokens);
  ctx.counters.promptTokens += promptTokens;
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
    faulty: faults.faulty,
    streamError: faults.streamError,
    framer: new Framer(persona.stream, kind, id, opts.model, ctx.created),
    timing,
  };
  scheduler.flights.add(f);
  // Headers go out on arrival, as engines do: a client must time the first token, not the first byte.
  if (stream) {
    res.writeHead(200, { 'content-type': 'text/event-stream', ...persona.stream.headers }).flushHeaders();
  }
  res.on('close', () => scheduler.release(f, 'abort'));
  scheduler.submit(f);
}
