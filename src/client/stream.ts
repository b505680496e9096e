import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import type { FailureKind } from '../report/schema.ts';
import { chunkSchema, errorMessageOf, type Chunk } from './chunk.ts';
import { HttpProtocolError, openConnection, ResponseReader } from './http1.ts';
import { describeNetworkError } from './network-error.ts';
import { splitThink } from './reasoning.ts';
import { SseParser } from './sse.ts';

export interface StreamRequest {
  /** Base URL including /v1, e.g. http://127.0.0.1:8000/v1 */
  baseURL: string;
  apiKey?: string;
  /** Chat-completion body; `stream: true` is forced. */
  body: Record<string, unknown>;
  totalTimeoutMs: number;
  /** Longest silence allowed: before the response headers, and between reads after them. */
  idleTimeoutMs: number;
  headers?: Record<string, string>;
}

export interface StreamResult {
  ok: boolean;
  /** performance.now() when the request was handed to the socket layer. */
  sentAt: number;
  /** To the first generated token: answer, reasoning or tool call, whichever came first. */
  ttftMs: number | null;
  /** To the first token of the answer itself (after any reasoning); null when there was no answer. */
  answerTtftMs: number | null;
  e2eMs: number;
  /** Arrival of each chunk that carried generated output, ms after sentAt. Chunks from one network read share a time. */
  chunkTimesMs: number[];
  /** Characters of generated output each of those chunks carried (answer, reasoning and tool-call text). */
  chunkChars: number[];
  /** Tokens each of those chunks carried, where the engine counts them per chunk (llama.cpp's timings); else null. */
  chunkTokens: number[] | null;
  /** Tokens the server reported in usage, or null when it sent none. */
  usageOutputTokens: number | null;
  usageInputTokens: number | null;
  /** Chunks that carried generated output (answer, reasoning or tool call). */
  contentChunks: number;
  finishReason: string | null;
  /** The answer: content with any think block removed, at most MAX_KEPT_TEXT_CHARS of content kept. What scorers and the judge may read. */
  text: string;
  /** Reasoning, from the engine's reasoning field or a think block in the content. */
  reasoning: string;
  /** All generated characters received, when what was kept was cut at MAX_KEPT_TEXT_CHARS. */
  textChars?: number;
  status: number | null;
  error?: { kind: FailureKind; message: string };
}

type Failure = { kind: FailureKind; message: string };

/** Content kept per request; the rest is counted, not kept. */
export const MAX_KEPT_TEXT_CHARS = 64 * 1024;
/** Chunk arrival times kept per request (ITL samples); far beyond any real answer's token count. */
export const MAX_CHUNK_TIMES = 1_000_000;
/** Bytes of an error answer kept for its message. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** A 2xx answer that is not an event stream (an HTML page from a proxy, a whole JSON completion): what it is. */
function notAStream(status: number, contentType: string, first: Buffer): Failure {
  const snippet = first.toString('utf8', 0, Math.min(first.length, 160)).replace(/\s+/g, ' ').trim();
  return { kind: 'http', message: `HTTP ${status} answered with content-type ${contentType}, not text/event-stream: ${snippet}` };
}

/** Characters of tool-call text (function name and argument pieces) in one delta. */
function toolCallChars(calls: NonNullable<NonNullable<Chunk['choices'][number]['delta']>['tool_calls']>): number {
  let n = 0;
  for (const c of calls) n += (c.function?.name?.length ?? 0) + (c.function?.arguments?.length ?? 0);
  return n;
}

const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: Infinity });

/**
 * Reads are stamped in the socket callback and decoded later, in one batch per event-loop turn.
 * Reads that arrived together are delivered one callback after another; every microsecond spent
 * in one callback is added to the timestamps of the reads behind it. A stamp and a copy cost
 * almost nothing, so decoding after the turn keeps hundreds of streams' timestamps honest.
 */
interface PendingReads {
  buffers: Buffer[];
  times: number[];
  queued: boolean;
  drain: () => void;
}
const dirty: PendingReads[] = [];
let flushScheduled = false;
/**
 * Decoding runs in slices of about this long: reads that arrive meanwhile wait for the next poll
 * phase to be stamped, so one long batch would add its whole length to their timestamps.
 */
const SLICE_MS = 0.2;

function flushAll(): void {
  flushScheduled = false;
  const start = performance.now();
  let i = 0;
  while (i < dirty.length) {
    dirty[i++]!.drain();
    if (performance.now() - start > SLICE_MS) break;
  }
  dirty.splice(0, i);
  if (dirty.length > 0) {
    flushScheduled = true;
    setImmediate(flushAll);
  }
}

function enqueue(pending: PendingReads, bytes: Buffer, at: number): void {
  pending.buffers.push(bytes);
  pending.times.push(at);
  if (pending.queued) return;
  pending.queued = true;
  dirty.push(pending);
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flushAll);
  }
}

/**
 * Sends one streaming chat completion and timestamps every content chunk as it arrives.
 * Plain HTTP goes over raw sockets (src/client/http1.ts), HTTPS over node:https; neither through
 * the openai SDK, whose async iterators add per-chunk queueing that shows up as timing error at
 * hundreds of streams (bench/accuracy.ts measures both). Never throws; failures are classified.
 */
export function streamChatCompletion(req: StreamRequest): Promise<StreamResult> {
  const url = new URL(`${req.baseURL.replace(/\/$/, '')}/chat/completions`);
  const payload = JSON.stringify({ ...req.body, stream: true });
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(payload)),
    accept: 'text/event-stream',
    ...req.headers,
  };
  if (req.apiKey) headers.authorization = `Bearer ${req.apiKey}`;

  return new Promise((resolve) => {
    const result: StreamResult = {
      ok: false,
      sentAt: performance.now(),
      ttftMs: null,
      answerTtftMs: null,
      e2eMs: 0,
      chunkTimesMs: [],
      chunkChars: [],
      chunkTokens: null,
      usageOutputTokens: null,
      usageInputTokens: null,
      contentChunks: 0,
      finishReason: null,
      text: '',
      reasoning: '',
      status: null,
    };
    let settled = false;
    let sawDone = false;
    let lastActivity = result.sentAt;
    const parser = new SseParser();
    const decoder = new StringDecoder('utf8');
    const textParts: string[] = [];
    /** Generated characters kept (content and reasoning) and received: a flooding stream must not grow memory. */
    let keptChars = 0;
    let totalChars = 0;
    let contentType: string | undefined;
    /** Arrival of each content piece in textParts (ms after sentAt): where the answer starts is known only at the end. */
    const textTimes: number[] = [];
    const reasoningParts: string[] = [];
    /** Keeps what fits under MAX_KEPT_TEXT_CHARS of `piece` in `parts`; false when nothing more is kept. */
    const keep = (parts: string[], piece: string): boolean => {
      if (keptChars >= MAX_KEPT_TEXT_CHARS) return false;
      const kept = piece.slice(0, MAX_KEPT_TEXT_CHARS - keptChars);
      parts.push(kept);
      keptChars += kept.length;
      return true;
    };
    /** The engine's running count of generated tokens at each generated chunk, where it sends one. */
    const tokensSoFar: number[] = [];
    const errorParts: Buffer[] = [];
    let errorBytes = 0;
    /** Stops the transport: destroys the socket so nothing more arrives and it is not reused. */
    let abortTransport: () => void = () => undefined;
    /** Decodes one stamped read: set per transport (raw HTTP framing, or body bytes from node:https). */
    let consume: (bytes: Buffer, at: number) => void = () => undefined;

    const pending: PendingReads = { buffers: [], times: [], queued: false, drain: () => drain() };
    function drain(): void {
      const { buffers, times } = pending;
      pending.queued = false;
      for (let i = 0; i < buffers.length && !settled; i++) consume(buffers[i]!, times[i]!);
      buffers.length = 0;
      times.length = 0;
    }
    const onRead = (bytes: Buffer, at: number) => {
      lastActivity = at;
      enqueue(pending, bytes, at);
    };

    const finish = (error?: Failure, at = performance.now()) => {
      if (settled) return;
      settled = true;
      clearTimeout(totalTimer);
      clearTimeout(idleTimer);
      result.e2eMs = at - result.sentAt;
      settleText();
      if (totalChars > keptChars) result.textChars = totalChars;
      if (!error && result.contentChunks === 0) error = { kind: 'empty-output', message: 'stream finished without any generated token' };
      if (error) result.error = error;
      result.ok = !error;
      resolve(result);
    };
    /** Once per request, off the per-chunk path: answer and reasoning apart, answer timing, per-chunk token counts. */
    const settleText = () => {
      const content = textParts.join('');
      const think = splitThink(content);
      result.text = think.answer;
      result.reasoning = reasoningParts.join('') + think.reasoning;
      const start = think.answerStart + (think.answer.length - think.answer.trimStart().length);
      let end = 0;
      for (let i = 0; i < textParts.length && start < content.length; i++) {
        end += textParts[i]!.length;
        if (end > start) {
          result.answerTtftMs = textTimes[i]!;
          break;
        }
      }
      if (tokensSoFar.length === result.contentChunks && tokensSoFar.length > 0) {
        result.chunkTokens = tokensSoFar.map((n, i) => n - (i === 0 ? 0 : tokensSoFar[i - 1]!));
      }
    };
    const fail = (error: Failure, at?: number) => {
      if (settled) return;
      finish(error, at);
      abortTransport();
    };

    const totalTimer = setTimeout(() => {
      drain();
      fail({ kind: 'timeout', message: `no complete answer within ${req.totalTimeoutMs} ms` });
    }, req.totalTimeoutMs);
    // Checked lazily against the last read's time, so a read costs one assignment, not a timer reset.
    const checkIdle = () => {
      const quiet = performance.now() - lastActivity;
      if (quiet < req.idleTimeoutMs) {
        idleTimer = setTimeout(checkIdle, req.idleTimeoutMs - quiet);
        return;
      }
      drain();
      const message = result.status === null ? `no response headers within ${req.idleTimeoutMs} ms` : `stream stalled: nothing received for ${req.idleTimeoutMs} ms`;
      fail({ kind: 'timeout', message });
    };
    let idleTimer = setTimeout(checkIdle, req.idleTimeoutMs);

    const handlePayload = (data: string, at: number): boolean => {
      if (data === '[DONE]') {
        sawDone = true;
        return true;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(data);
      } catch {
        fail({ kind: 'malformed-sse', message: `data line is not JSON: ${data.slice(0, 120)}` }, at);
        return false;
      }
      const chunk = chunkSchema.safeParse(parsed);
      // An error object is a valid JSON object too: vLLM streams `{"error": {...}}` when generation fails.
      if (typeof parsed === 'object' && parsed !== null && 'error' in parsed && !('choices' in parsed)) {
        fail({ kind: 'server-error', message: `the server reported an error mid-stream: ${errorMessageOf(data)}` }, at);
        return false;
      }
      if (!chunk.success) {
        fail({ kind: 'malformed-sse', message: `data line is not a chat-completion chunk: ${data.slice(0, 120)}` }, at);
        return false;
      }
      const { choices, usage } = chunk.data;
      if (usage) {
        if (usage.completion_tokens != null) result.usageOutputTokens = usage.completion_tokens;
        if (usage.prompt_tokens != null) result.usageInputTokens = usage.prompt_tokens;
      }
      const choice = choices[0];
      if (choice) {
        const d = choice.delta;
        const content = d?.content || choice.text || '';
        const reasoning = d ? d.reasoning_content || d.reasoning || d.thinking || '' : '';
        const tools = d?.tool_calls ? toolCallChars(d.tool_calls) : 0;
        if (content.length > 0 || reasoning.length > 0 || tools > 0) {
          const t = at - result.sentAt;
          if (result.ttftMs === null) result.ttftMs = t;
          if (result.chunkTimesMs.length < MAX_CHUNK_TIMES) {
            result.chunkTimesMs.push(t);
            result.chunkChars.push(content.length + reasoning.length + tools);
          }
          result.contentChunks++;
          totalChars += content.length + reasoning.length;
          if (content.length > 0 && keep(textParts, content)) textTimes.push(t);
          if (reasoning.length > 0) keep(reasoningParts, reasoning);
          const counted = chunk.data.timings?.predicted_n;
          if (counted != null) tokensSoFar.push(counted);
        }
        if (choice.finish_reason) result.finishReason = choice.finish_reason;
      }
      return true;
    };
    /** Named events and fields other than data (llama.cpp's `error:`): rare, read after the data of the same read. */
    const sideEvents = (at: number): boolean => {
      const events = parser.side.splice(0);
      for (const e of events) {
        if (e.name === 'error' || /^\s*\{\s*"error"\s*:/.test(e.value)) {
          fail({ kind: 'server-error', message: `the server reported an error mid-stream (SSE ${e.name}): ${errorMessageOf(e.value)}` }, at);
          return false;
        }
      }
      return true;
    };

    /** Body bytes of a 2xx answer, or of an error answer (kept for its message). */
    const body = (bytes: Buffer, at: number) => {
      if (result.status === null || result.status < 200 || result.status >= 300) {
        if (errorBytes < MAX_ERROR_BODY_BYTES) {
          errorParts.push(bytes.subarray(0, MAX_ERROR_BODY_BYTES - errorBytes));
          errorBytes += Math.min(bytes.length, MAX_ERROR_BODY_BYTES - errorBytes);
        }
        return;
      }
      if (contentType !== undefined && !/^\s*text\/event-stream/i.test(contentType)) {
        fail(notAStream(result.status, contentType, bytes), at);
        return;
      }
      for (const data of parser.push(decoder.write(bytes))) if (!handlePayload(data, at)) return;
      if (parser.overflowed) fail({ kind: 'malformed-sse', message: 'an event or line of the stream grew past 4 MiB without ending: not a chat-completion stream' }, at);
      else if (parser.side.length > 0) sideEvents(at);
    };
    /** The body ended as framed (or the connection closed a close-delimited one). */
    const bodyEnd = (at: number) => {
      if (settled) return;
      if (result.status === null || result.status < 200 || result.status >= 300) {
        finish({ kind: 'http', message: `HTTP ${result.status}: ${errorMessageOf(Buffer.concat(errorParts).toString('utf8'))}` }, at);
        return;
      }
      if (contentType !== undefined && !/^\s*text\/event-stream/i.test(contentType)) {
        finish(notAStream(result.status, contentType, Buffer.alloc(0)), at);
        return;
      }
      for (const data of parser.push(decoder.end())) if (!handlePayload(data, at)) return;
      for (const data of parser.flush()) if (!handlePayload(data, at)) return;
      if (parser.side.length > 0 && !sideEvents(at)) return;
      // Only a finish_reason says generation ended: [DONE] alone is what servers also send after a failure.
      if (result.finishReason === null) {
        const how = sawDone ? 'with [DONE] but no finish_reason' : 'without a finish_reason';
        finish({ kind: 'truncated', message: `stream ended ${how} after ${result.contentChunks} generated chunks` }, at);
      } else finish(undefined, at);
    };
    const closedEarly = (error: NodeJS.ErrnoException | undefined) => {
      const detail = error ? describeNetworkError(error, url) : 'the server closed the connection';
      if (result.status === null) fail({ kind: 'connection', message: detail });
      else if (result.status < 200 || result.status >= 300) fail({ kind: 'http', message: `HTTP ${result.status} (${detail} before the body ended)` });
      else fail({ kind: 'broken-stream', message: `server closed the stream mid-response (${detail})` });
    };

    // A line break in a header value would let it write its own headers (or a second request).
    const unsafe = Object.entries(headers).find(([k, v]) => /[\r\n]/.test(k) || /[\r\n]/.test(v));
    if (unsafe) {
      fail({ kind: 'connection', message: `request header ${JSON.stringify(unsafe[0])} contains a line break; not sent` });
      return;
    }

    if (url.protocol === 'http:') {
      const host = url.hostname.replace(/^\[|\]$/g, '');
      const port = Number(url.port || 80);
      const head =
        `POST ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\nconnection: keep-alive\r\n` +
        Object.entries(headers)
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join('') +
        '\r\n';
      const send = (retry: boolean) => {
        const reader = new ResponseReader();
        let received = false;
        consume = (bytes, at) => {
          let pieces: Buffer[];
          try {
            pieces = reader.push(bytes);
          } catch (err) {
            const message = err instanceof HttpProtocolError ? err.message : String(err);
            fail(result.status === null ? { kind: 'connection', message } : { kind: 'broken-stream', message }, at);
            return;
          }
          if (result.status === null && reader.status !== null) {
            result.status = reader.status;
            contentType = reader.headers['content-type'];
          }
          for (const piece of pieces) {
            body(piece, at);
            if (settled) return;
          }
          if (reader.complete) {
            bodyEnd(at);
            if (reader.keepAlive && reader.trailing === 0) conn.release();
            else conn.destroy();
          }
        };
        const conn = openConnection(host, port, {
          onRead: (bytes, at) => {
            received = true;
            onRead(bytes, at);
          },
          onClose: (error) => {
            drain();
            if (settled) return;
            // A kept-alive socket the server closed while idle: it never saw this request, so send it again, once.
            if (!received && conn.reused && retry) {
              result.sentAt = performance.now();
              lastActivity = result.sentAt;
              send(false);
              return;
            }
            reader.end();
            if (reader.complete) bodyEnd(performance.now());
            else closedEarly(error);
          },
        });
        abortTransport = () => conn.destroy();
        conn.write(head + payload);
      };
      send(true);
      return;
    }

    const request = https.request(url, { method: 'POST', headers, agent: httpsAgent });
    abortTransport = () => request.destroy();
    consume = body;
    request.on('response', (res) => {
      result.status = res.statusCode ?? null;
      contentType = res.headers['content-type'];
      lastActivity = performance.now();
      res.on('data', (b: Buffer) => onRead(b, performance.now()));
      res.on('end', () => {
        const at = performance.now();
        drain();
        bodyEnd(at);
      });
      res.on('error', (err: NodeJS.ErrnoException) => {
        drain();
        closedEarly(err);
      });
      // 'close' without 'end': the server dropped the connection mid-response.
      res.on('close', () => {
        drain();
        closedEarly(undefined);
      });
    });
    request.on('error', (err: NodeJS.ErrnoException) => {
      drain();
      closedEarly(err);
    });
    request.end(payload);
  });
}
