import type { Failure } from './recorder.ts';

/** What a transport reports about its one request; implemented by streamChatCompletion. */
export interface TransportSink {
  /** Whether the request has ended: nothing more is decoded then. */
  readonly settled: boolean;
  /** One read off the socket, stamped in its callback with performance.now(); must stay cheap. */
  read(bytes: Buffer, at: number): void;
  /** Something arrived at `at` other than body bytes (a parsed head): the stream is not idle. */
  heard(at: number): void;
  /** Decodes every read stamped so far, now: before a close or an error is judged. */
  drain(): void;
  head(status: number | null, contentType: string | undefined): void;
  /** Body bytes with the transport's framing removed, that arrived at `at`. */
  body(bytes: Buffer, at: number): void;
  /** The body ended as framed at `at`. */
  end(at: number): void;
  /** The connection closed or failed before the body ended (`error` when it failed). */
  closedEarly(error: NodeJS.ErrnoException | undefined): void;
  fail(error: Failure, at?: number): void;
  /** The request goes out again on a new connection: its clock starts over. */
  resent(): void;
}

/** One request in flight on a transport. */
export interface Transport {
  /** Decodes one stamped read into the sink's head, body and end: called when reads are drained. */
  decode(bytes: Buffer, at: number): void;
  /** Stops the transport: destroys the connection so nothing more arrives and it is not reused. */
  abort(): void;
}

/** Sends `payload` as a POST to `url` with `headers` (already checked for line breaks). */
export type OpenTransport = (url: URL, headers: Record<string, string>, payload: string, sink: TransportSink) => Transport;
