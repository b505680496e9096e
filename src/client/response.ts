import { StringDecoder } from 'node:string_decoder';
import { errorMessageOf } from './chunk.ts';
import type { ChunkRecorder, Failure } from './recorder.ts';
import { SseParser } from './sse.ts';

/** Bytes of an error answer kept for its message. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** How a request ends; `settled` once it has. */
export interface Ending {
  readonly settled: boolean;
  /** Ends the request at `at` with `error`, or as a success; the connection is left as the response left it. */
  finish(error: Failure | undefined, at: number): void;
  /** Ends the request with `error` and cuts its connection, so nothing more arrives and it is not reused. */
  fail(error: Failure, at?: number): void;
}

/** A 2xx answer that is not an event stream (an HTML page from a proxy, a whole JSON completion): what it is. */
function notAStream(status: number, contentType: string, first: Buffer): Failure {
  const snippet = first.toString('utf8', 0, Math.min(first.length, 160)).replace(/\s+/g, ' ').trim();
  return { kind: 'http', message: `HTTP ${status} answered with content-type ${contentType}, not text/event-stream: ${snippet}` };
}

const ok = (status: number | null): status is number => status !== null && status >= 200 && status < 300;

/**
 * The answer to one streamed request, whatever transport carried it: the status and content type of its
 * head, then body bytes with the transport's framing removed. A 2xx event stream is decoded (UTF-8, SSE
 * framing) into the recorder, payload by payload, with the time its bytes arrived; an error answer is
 * kept for its message. Every way the answer can end is classified and handed to `ending`.
 */
export class StreamResponse {
  /** HTTP status, once the head has arrived. */
  status: number | null = null;
  contentType: string | undefined;
  private readonly parser = new SseParser();
  private readonly decoder = new StringDecoder('utf8');
  private readonly errorParts: Buffer[] = [];
  private errorBytes = 0;
  private readonly recorder: ChunkRecorder;
  private readonly ending: Ending;

  constructor(recorder: ChunkRecorder, ending: Ending) {
    this.recorder = recorder;
    this.ending = ending;
  }

  head(status: number | null, contentType: string | undefined): void {
    this.status = status;
    this.contentType = contentType;
  }

  /** Body bytes of a 2xx answer, or of an error answer (kept for its message), that arrived at `at`. */
  body(bytes: Buffer, at: number): void {
    if (!ok(this.status)) {
      if (this.errorBytes < MAX_ERROR_BODY_BYTES) {
        this.errorParts.push(bytes.subarray(0, MAX_ERROR_BODY_BYTES - this.errorBytes));
        this.errorBytes += Math.min(bytes.length, MAX_ERROR_BODY_BYTES - this.errorBytes);
      }
      return;
    }
    if (this.contentType !== undefined && !/^\s*text\/event-stream/i.test(this.contentType)) {
      this.ending.fail(notAStream(this.status, this.contentType, bytes), at);
      return;
    }
    for (const data of this.parser.push(this.decoder.write(bytes))) if (!this.record(data, at)) return;
    if (this.parser.overflowed) this.ending.fail({ kind: 'malformed-sse', message: 'an event or line of the stream grew past 4 MiB without ending: not a chat-completion stream' }, at);
    else if (this.parser.side.length > 0) this.sideEvents(at);
  }

  /** The body ended as framed (or the connection closed a close-delimited one) at `at`. */
  end(at: number): void {
    const { ending, parser } = this;
    if (ending.settled) return;
    if (!ok(this.status)) {
      ending.finish({ kind: 'http', message: `HTTP ${this.status}: ${errorMessageOf(Buffer.concat(this.errorParts).toString('utf8'))}` }, at);
      return;
    }
    if (this.contentType !== undefined && !/^\s*text\/event-stream/i.test(this.contentType)) {
      ending.finish(notAStream(this.status, this.contentType, Buffer.alloc(0)), at);
      return;
    }
    for (const data of parser.push(this.decoder.end())) if (!this.record(data, at)) return;
    for (const data of parser.flush()) if (!this.record(data, at)) return;
    if (parser.side.length > 0 && !this.sideEvents(at)) return;
    const result = this.recorder.result;
    // Only a finish_reason says generation ended: [DONE] alone is what servers also send after a failure.
    if (result.finishReason === null) {
      const how = this.recorder.sawDone ? 'with [DONE] but no finish_reason' : 'without a finish_reason';
      ending.finish({ kind: 'truncated', message: `stream ended ${how} after ${result.contentChunks} generated chunks` }, at);
    } else ending.finish(undefined, at);
  }

  /** The connection closed or failed before the body ended; `detail` says how, in words. */
  closedEarly(detail: string): void {
    if (this.status === null) this.ending.fail({ kind: 'connection', message: detail });
    else if (!ok(this.status)) this.ending.fail({ kind: 'http', message: `HTTP ${this.status} (${detail} before the body ended)` });
    else this.ending.fail({ kind: 'broken-stream', message: `server closed the stream mid-response (${detail})` });
  }

  /** Records one payload; false (after failing the request) when it shows a failure. */
  private record(data: string, at: number): boolean {
    const failure = this.recorder.record(data, at);
    if (failure === undefined) return true;
    this.ending.fail(failure, at);
    return false;
  }

  /** Named events and fields other than data (llama.cpp's `error:`): rare, read after the data of the same read. */
  private sideEvents(at: number): boolean {
    const failure = this.recorder.recordSideEvents(this.parser.side.splice(0));
    if (failure === undefined) return true;
    this.ending.fail(failure, at);
    return false;
  }
}
