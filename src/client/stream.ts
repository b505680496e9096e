import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
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
  /** Longest silence allowed between reads once the response started. */
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
 * Sends one streaming chat completion and timestamps every content chunk as it arrives.
 * Raw node:http rather than the openai SDK: the SDK's async iterators add per-chunk queueing
 * that shows up as timing error at hundreds of streams. Never throws; failures are classified.
 */
export function streamChatCompletion(req: StreamRequest): Promise<StreamResult> {
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
    let idleTimer: NodeJS.Timeout | undefined;
    const parser = new SseParser();
    const textParts: string[] = [];

    const finish = (error?: { kind: FailureKind; message: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(totalTimer);
      clearTimeout(idleTimer);
      result.e2eMs = performance.now() - result.sentAt;
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
      finish({ kind: 'timeout', message: `no complete answer within ${req.totalTimeoutMs} ms` });
      request.destroy();
    }, req.totalTimeoutMs);
    const armIdle = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        finish({ kind: 'timeout', message: `stream stalled: nothing received for ${req.idleTimeoutMs} ms` });
        request.destroy();
      }, req.idleTimeoutMs);
    };

    const handlePayload = (data: string, at: number): boolean => {
      if (data === '[DONE]') {
        sawDone = true;
        return true;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(data);
      } catch {
        finish({ kind: 'malformed-sse', message: `data line is not JSON: ${data.slice(0, 120)}` });
        return false;
      }
      const chunk = chunkSchema.safeParse(parsed);
      if (!chunk.success) {
        // Some engines stream an error object mid-response instead of a chunk.
        const message = errorMessageOf(data);
        finish({ kind: 'malformed-sse', message: `data line is not a chat-completion chunk: ${message}` });
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

    request.on('response', (res) => {
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
      res.setEncoding('utf8');
      armIdle();
      res.on('data', (text: string) => {
        // One timestamp per read: everything in this buffer arrived together.
        const at = performance.now();
        if (settled) return;
        armIdle();
        for (const data of parser.push(text)) {
          if (!handlePayload(data, at)) {
            res.destroy();
            return;
          }
        }
      });
      res.on('end', () => {
        const at = performance.now();
        for (const data of parser.flush()) if (!handlePayload(data, at)) return;
        if (!sawDone && result.finishReason === null) {
          finish({ kind: 'broken-stream', message: 'stream ended without [DONE] or a finish_reason' });
        } else {
          finish();
        }
      });
      res.on('error', (err) => finish({ kind: 'broken-stream', message: `stream broke: ${err.message}` }));
      // 'close' without 'end': the server dropped the connection mid-response.
      res.on('close', () => finish({ kind: 'broken-stream', message: 'server closed the stream mid-response' }));
    });
    request.on('error', (err: NodeJS.ErrnoException) => {
      const kind: FailureKind = result.status === null ? 'connection' : 'broken-stream';
      finish({ kind, message: `${err.code ?? 'error'}: ${err.message}` });
    });
    request.end(payload);
  });
}
