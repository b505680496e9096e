import { performance } from 'node:perf_hooks';
import type { FailureKind } from '../report/schema.ts';
import { describeNetworkError } from './network-error.ts';
import { enqueue, type PendingReads } from './read-batch.ts';
import { ChunkRecorder, type Failure } from './recorder.ts';
import { StreamResponse } from './response.ts';
import type { Transport, TransportSink } from './transport.ts';
import { openHttp1 } from './transport-http1.ts';
import { openHttps } from './transport-https.ts';

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

/**
 * Sends one streaming chat completion and timestamps every content chunk as it arrives.
 * Plain HTTP goes over raw sockets (src/client/transport-http1.ts), HTTPS over node:https; neither through
 * the openai SDK, whose async iterators add per-chunk queueing that shows up as timing error at
 * hundreds of streams (bench/accuracy.ts measures both). The transport stamps reads; the response
 * (src/client/response.ts) frames them; the recorder (src/client/recorder.ts) measures the chunks.
 * Never throws; failures are classified.
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
    const recorder = new ChunkRecorder(performance.now());
    let settled = false;
    let lastActivity = recorder.result.sentAt;
    /** Decodes and stops what carries the request; nothing until it is sent. */
    let transport: Transport = { decode: () => undefined, abort: () => undefined };

    const pending: PendingReads = { buffers: [], times: [], queued: false, drain: () => drain() };
    function drain(): void {
      const { buffers, times } = pending;
      pending.queued = false;
      for (let i = 0; i < buffers.length && !settled; i++) transport.decode(buffers[i]!, times[i]!);
      buffers.length = 0;
      times.length = 0;
    }

    const finish = (error: Failure | undefined, at = performance.now()) => {
      if (settled) return;
      settled = true;
      clearTimeout(totalTimer);
      clearTimeout(idleTimer);
      resolve(recorder.settle(at, response.status, error));
    };
    const fail = (error: Failure, at?: number) => {
      if (settled) return;
      finish(error, at);
      transport.abort();
    };
    const response = new StreamResponse(recorder, {
      get settled() {
        return settled;
      },
      finish,
      fail,
    });

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
      const message = response.status === null ? `no response headers within ${req.idleTimeoutMs} ms` : `stream stalled: nothing received for ${req.idleTimeoutMs} ms`;
      fail({ kind: 'timeout', message });
    };
    let idleTimer = setTimeout(checkIdle, req.idleTimeoutMs);

    // A line break in a header value would let it write its own headers (or a second request).
    const unsafe = Object.entries(headers).find(([k, v]) => /[\r\n]/.test(k) || /[\r\n]/.test(v));
    if (unsafe) {
      fail({ kind: 'connection', message: `request header ${JSON.stringify(unsafe[0])} contains a line break; not sent` });
      return;
    }

    const sink: TransportSink = {
      get settled() {
        return settled;
      },
      read: (bytes, at) => {
        lastActivity = at;
        enqueue(pending, bytes, at);
      },
      heard: (at) => {
        lastActivity = at;
      },
      drain,
      head: (status, contentType) => response.head(status, contentType),
      body: (bytes, at) => response.body(bytes, at),
      end: (at) => response.end(at),
      closedEarly: (error) => response.closedEarly(error ? describeNetworkError(error, url) : 'the server closed the connection'),
      fail,
      resent: () => {
        recorder.result.sentAt = performance.now();
        lastActivity = recorder.result.sentAt;
      },
    };
    transport = (url.protocol === 'http:' ? openHttp1 : openHttps)(url, headers, payload, sink);
  });
}
