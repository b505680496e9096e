import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import type { FailureKind } from '../report/schema.ts';
import { chunkSchema, errorMessageOf } from './chunk.ts';
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
  ttftMs: number | null;
  e2eMs: number;
  /** Arrival of each content chunk, ms after sentAt. Chunks from one network read share a time. */
  chunkTimesMs: number[];
  /** Tokens the server reported in usage, or null when it sent none. */
  usageOutputTokens: number | null;
  usageInputTokens: number | null;
  contentChunks: number;
  finishReason: string | null;
  text: string;
  status: number | null;
  error?: { kind: FailureKind; message: string };
}

// One pool for all streams: keep-alive so connection setup is not counted in TTFT after warm-up.
const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: Infinity }),
  https: new https.Agent({ keepAlive: true, maxSockets: Infinity }),
};

/**
 * Reads are stamped in the socket callback and parsed later, in one batch per event-loop turn.
 * Reads that arrived together are delivered one callback after another; every microsecond spent
 * in one callback is added to the timestamps of the reads behind it. Stamping alone costs almost
 * nothing, so parsing after the turn keeps 256 streams' timestamps within the target.
 */
interface PendingReads {
  buffers: Buffer[];
  times: number[];
  queued: boolean;
  drain: () => void;
}
const dirty: PendingReads[] = [];
let flushScheduled = false;

function flushAll(): void {
  flushScheduled = false;
  // Streams queued while draining (none in practice) are picked up by the same loop.
  for (let i = 0; i < dirty.length; i++) dirty[i]!.drain();
  dirty.length = 0;
}

/**
 * Sends one streaming chat completion and timestamps every content chunk as it arrives.
 * Raw node:http rather than the openai SDK: the SDK's async iterators add per-chunk queueing
 * that shows up as timing error at hundreds of streams (bench/accuracy.ts measures both).
 * Never throws; failures are classified.
 */
export function streamChatCompletion(req: StreamRequest): Promise<StreamResult> {
  return streamOnce(req, STALE_SOCKET_RETRIES);
}

/**
 * A kept-alive socket the server closed just as we reused it fails with ECONNRESET before anything
 * reached the model (llama.cpp's server closes the connection after every stream although it
 * advertises keep-alive). Node's documented remedy is to send again: each stale socket is dropped
 * from the pool, so a few tries reach a fresh one.
 */
const STALE_SOCKET_RETRIES = 4;

function streamOnce(req: StreamRequest, staleRetries: number): Promise<StreamResult> {
  const url = new URL(`${req.baseURL.replace(/\/$/, '')}/chat/completions`);
  const payload = JSON.stringify({ ...req.body, stream: true });
  const isHttps = url.protocol === 'https:';
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
      e2eMs: 0,
      chunkTimesMs: [],
      usageOutputTokens: null,
      usageInputTokens: null,
      contentChunks: 0,
      finishReason: null,
      text: '',
      status: null,
    };
    let settled = false;
    let sawDone = false;
    let responded = false;
    let lastActivity = result.sentAt;
    const parser = new SseParser();
    const decoder = new StringDecoder('utf8');
    const textParts: string[] = [];
    const pending: PendingReads = { buffers: [], times: [], queued: false, drain: () => drain() };

    const finish = (error?: { kind: FailureKind; message: string }, at = performance.now()) => {
      if (settled) return;
      settled = true;
      clearTimeout(totalTimer);
      clearTimeout(idleTimer);
      result.e2eMs = at - result.sentAt;
      result.text = textParts.join('');
      if (!error && result.contentChunks === 0) error = { kind: 'empty-output', message: 'stream finished without any content token' };
      if (error) result.error = error;
      result.ok = !error;
      resolve(result);
    };

    const request = (isHttps ? https : http).request(url, {
      method: 'POST',
      headers,
      agent: isHttps ? agents.https : agents.http,
    });
    const totalTimer = setTimeout(() => {
      drain();
      finish({ kind: 'timeout', message: `no complete answer within ${req.totalTimeoutMs} ms` });
      request.destroy();
    }, req.totalTimeoutMs);
    // Checked lazily against the last read's time, so a read costs one assignment, not a timer reset.
    const checkIdle = () => {
      const quiet = performance.now() - lastActivity;
      if (quiet < req.idleTimeoutMs) {
        idleTimer = setTimeout(checkIdle, req.idleTimeoutMs - quiet);
        return;
      }
      drain();
      const message = responded
        ? `stream stalled: nothing received for ${req.idleTimeoutMs} ms`
        : `no response headers within ${req.idleTimeoutMs} ms`;
      finish({ kind: 'timeout', message });
      request.destroy();
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
        finish({ kind: 'malformed-sse', message: `data line is not JSON: ${data.slice(0, 120)}` }, at);
        return false;
      }
      const chunk = chunkSchema.safeParse(parsed);
      // An error object is a valid JSON object too: vLLM streams `{"error": {...}}` when generation fails.
      if (!chunk.success || (typeof parsed === 'object' && parsed !== null && 'error' in parsed && !('choices' in parsed))) {
        // Some engines stream an error object mid-response instead of a chunk.
        const message = errorMessageOf(data);
        finish({ kind: 'malformed-sse', message: `data line is not a chat-completion chunk: ${message}` }, at);
        return false;
      }
      const { choices, usage } = chunk.data;
      if (usage) {
        if (usage.completion_tokens != null) result.usageOutputTokens = usage.completion_tokens;
        if (usage.prompt_tokens != null) result.usageInputTokens = usage.prompt_tokens;
      }
      const choice = choices[0];
      if (choice) {
        const piece = choice.delta?.content || choice.delta?.reasoning_content || choice.text || '';
        if (piece.length > 0) {
          const t = at - result.sentAt;
          if (result.ttftMs === null) result.ttftMs = t;
          result.chunkTimesMs.push(t);
          result.contentChunks++;
          textParts.push(piece);
        }
        if (choice.finish_reason) result.finishReason = choice.finish_reason;
      }
      return true;
    };

    // Parses the reads stamped so far, in arrival order; every event keeps its read's timestamp.
    function drain(): void {
      const { buffers, times } = pending;
      pending.queued = false;
      for (let i = 0; i < buffers.length && !settled; i++) {
        for (const data of parser.push(decoder.write(buffers[i]!))) {
          if (!handlePayload(data, times[i]!)) {
            request.destroy();
            break;
          }
        }
      }
      buffers.length = 0;
      times.length = 0;
    }

    request.on('response', (res) => {
      responded = true;
      lastActivity = performance.now();
      result.status = res.statusCode ?? null;
      if (!res.statusCode || res.statusCode < 200 || res.statusCode >= 300) {
        const parts: Buffer[] = [];
        res.on('data', (b: Buffer) => parts.push(b));
        res.on('end', () => {
          const body = Buffer.concat(parts).toString('utf8');
          finish({ kind: 'http', message: `HTTP ${res.statusCode}: ${errorMessageOf(body)}` });
        });
        res.on('error', () => finish({ kind: 'http', message: `HTTP ${res.statusCode}` }));
        return;
      }
      res.on('data', (b: Buffer) => {
        // The hot path: stamp, keep, and parse after this event-loop turn (see PendingReads).
        const at = performance.now();
        lastActivity = at;
        pending.buffers.push(b);
        pending.times.push(at);
        if (!pending.queued) {
          pending.queued = true;
          dirty.push(pending);
          if (!flushScheduled) {
            flushScheduled = true;
            setImmediate(flushAll);
          }
        }
      });
      res.on('end', () => {
        const at = performance.now();
        drain();
        for (const data of parser.push(decoder.end())) if (!handlePayload(data, at)) return;
        for (const data of parser.flush()) if (!handlePayload(data, at)) return;
        if (!sawDone && result.finishReason === null) {
          finish({ kind: 'broken-stream', message: 'stream ended without [DONE] or a finish_reason' }, at);
        } else {
          finish(undefined, at);
        }
      });
      res.on('error', (err) => {
        drain();
        finish({ kind: 'broken-stream', message: `stream broke: ${err.message}` });
      });
      // 'close' without 'end': the server dropped the connection mid-response.
      res.on('close', () => {
        drain();
        finish({ kind: 'broken-stream', message: 'server closed the stream mid-response' });
      });
    });
    request.on('error', (err: NodeJS.ErrnoException) => {
      if (!responded && !settled && staleRetries > 0 && request.reusedSocket && err.code === 'ECONNRESET') {
        settled = true;
        clearTimeout(totalTimer);
        clearTimeout(idleTimer);
        resolve(streamOnce(req, staleRetries - 1));
        return;
      }
      const kind: FailureKind = result.status === null ? 'connection' : 'broken-stream';
      drain();
      finish({ kind, message: `${err.code ?? 'error'}: ${err.message}` });
    });
    request.end(payload);
  });
}
