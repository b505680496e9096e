import { connect as netConnect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * A minimal HTTP/1.1 response reader for the load generator's plain-HTTP path. node:http runs its
 * parser and two stream layers inside every socket read; with hundreds of streams whose chunks
 * arrive together, that work delays the timestamps of the reads queued behind. Reading raw
 * socket bytes (net's `onread`) and decoding them after the event-loop turn keeps a read's cost
 * to a timestamp and a copy.
 */

export class HttpProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HttpProtocolError';
  }
}

type BodyMode = 'length' | 'chunked' | 'close' | 'none';
type ChunkState = 'size' | 'data' | 'data-end' | 'trailer';

const CRLFCRLF = Buffer.from('\r\n\r\n');
const MAX_HEAD_BYTES = 64 * 1024;

/** Incremental reader of one response: head, then the body with chunked framing removed. Pure. */
export class ResponseReader {
  status: number | null = null;
  headers: Record<string, string> = {};
  /** The body ended as its framing says (or with the connection, for close-delimited bodies). */
  complete = false;
  /** The connection may carry another request after this response. */
  keepAlive = true;
  /** Bytes past the end of the response (a server that sent more than it framed). */
  trailing = 0;

  private pendingHead: Buffer | null = null;
  private mode: BodyMode = 'none';
  private remaining = 0;
  private chunkState: ChunkState = 'size';
  private line = '';
  private crlfLeft = 0;

  /** Feeds bytes as they arrived; returns the body bytes they carried, in order. */
  push(bytes: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let data = bytes;
    if (this.status === null) {
      const rest = this.readHead(bytes);
      if (rest === null) return out;
      data = rest;
    }
    let i = 0;
    while (i < data.length && !this.complete) i = this.readBody(data, i, out);
    if (this.complete && i < data.length) this.trailing += data.length - i;
    return out;
  }

  /** The connection closed: only a close-delimited body is complete now. */
  end(): void {
    if (this.status !== null && this.mode === 'close') this.complete = true;
  }

  /** Consumes the head once it is whole; returns the bytes after it, or null while it is incomplete. */
  private readHead(bytes: Buffer): Buffer | null {
    const all = this.pendingHead ? Buffer.concat([this.pendingHead, bytes]) : bytes;
    const end = all.indexOf(CRLFCRLF);
    if (end === -1) {
      if (all.length > MAX_HEAD_BYTES) throw new HttpProtocolError(`response head longer than ${MAX_HEAD_BYTES} bytes`);
      this.pendingHead = all;
      return null;
    }
    this.pendingHead = null;
    const lines = all.subarray(0, end).toString('latin1').split('\r\n');
    const statusLine = lines[0] ?? '';
    const m = /^HTTP\/1\.([01]) (\d{3})/.exec(statusLine);
    if (!m) throw new HttpProtocolError(`not an HTTP/1.x status line: ${JSON.stringify(statusLine.slice(0, 80))}`);
    const status = Number(m[2]);
    const rest = all.subarray(end + 4);
    // 1xx answers precede the real one: skip them and read the next head.
    if (status < 200) return rest.length === 0 ? null : this.readHead(rest);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    this.status = status;
    this.headers = headers;
    const connection = (headers.connection ?? '').toLowerCase();
    this.keepAlive = m[1] === '1' ? connection !== 'close' : connection === 'keep-alive';
    if (status === 204 || status === 304) {
      this.mode = 'none';
    } else if (/\bchunked\b/i.test(headers['transfer-encoding'] ?? '')) {
      this.mode = 'chunked';
    } else if (headers['content-length'] !== undefined) {
      this.remaining = Number(headers['content-length']);
      if (!Number.isSafeInteger(this.remaining) || this.remaining < 0) throw new HttpProtocolError(`bad content-length ${headers['content-length']}`);
      this.mode = 'length';
    } else {
      this.mode = 'close';
      this.keepAlive = false;
    }
    if (this.mode === 'none' || (this.mode === 'length' && this.remaining === 0)) this.complete = true;
    return rest;
  }

  private readBody(bytes: Buffer, i: number, out: Buffer[]): number {
    if (this.mode === 'close') {
      out.push(bytes.subarray(i));
      return bytes.length;
    }
    if (this.mode === 'length') {
      const n = Math.min(this.remaining, bytes.length - i);
      out.push(bytes.subarray(i, i + n));
      this.remaining -= n;
      if (this.remaining === 0) this.complete = true;
      return i + n;
    }
    switch (this.chunkState) {
      case 'size':
      case 'trailer': {
        const nl = bytes.indexOf(10, i);
        const end = nl === -1 ? bytes.length : nl + 1;
        this.line += bytes.toString('latin1', i, end);
        if (nl === -1) {
          if (this.line.length > 4096) throw new HttpProtocolError('chunk-size line too long');
          return end;
        }
        const line = this.line.replace(/\r?\n$/, '');
        this.line = '';
        if (this.chunkState === 'trailer') {
          if (line === '') this.complete = true;
          return end;
        }
        const sizeText = line.split(';')[0]!.trim();
        if (!/^[0-9a-fA-F]{1,12}$/.test(sizeText)) throw new HttpProtocolError(`bad chunk-size line ${JSON.stringify(line.slice(0, 40))}`);
        const size = parseInt(sizeText, 16);
        if (size === 0) this.chunkState = 'trailer';
        else {
          this.remaining = size;
          this.chunkState = 'data';
        }
        return end;
      }
      case 'data': {
        const n = Math.min(this.remaining, bytes.length - i);
        out.push(bytes.subarray(i, i + n));
        this.remaining -= n;
        if (this.remaining === 0) {
          this.chunkState = 'data-end';
          this.crlfLeft = 2;
        }
        return i + n;
      }
      case 'data-end': {
        const n = Math.min(this.crlfLeft, bytes.length - i);
        this.crlfLeft -= n;
        if (this.crlfLeft === 0) this.chunkState = 'size';
        return i + n;
      }
    }
  }
}

/** What a request does with its connection's reads and its end; swapped per request on a kept-alive socket. */
export interface Exchange {
  /** Every read, stamped on arrival; called inside the socket callback, so it must be cheap. */
  onRead(bytes: Buffer, at: number): void;
  /** The socket closed (refused, reset, or ended by the server); `error` when it failed. */
  onClose(error: NodeJS.ErrnoException | undefined): void;
}

export interface Connection {
  /** The socket carried an earlier response: a close with no reply may be the server's idle timeout. */
  readonly reused: boolean;
  write(data: string): void;
  /** Returns the socket to the pool for the next request. */
  release(): void;
  destroy(): void;
}

interface Pooled {
  socket: Socket;
  key: string;
  exchange: Exchange | null;
  error: NodeJS.ErrnoException | undefined;
}

const idle = new Map<string, Pooled[]>();
// One read buffer for every socket: each read is copied out before its callback returns.
const readBuffer = Buffer.allocUnsafe(256 * 1024);

function dropIdle(p: Pooled): void {
  const list = idle.get(p.key);
  const i = list?.indexOf(p) ?? -1;
  if (list && i >= 0) list.splice(i, 1);
}

function connect(host: string, port: number, key: string): Pooled {
  const p: Pooled = { socket: undefined as unknown as Socket, key, exchange: null, error: undefined };
  p.socket = netConnect({
    host,
    port,
    noDelay: true,
    onread: {
      buffer: readBuffer,
      callback: (n: number, buf: Uint8Array) => {
        const at = performance.now();
        if (p.exchange) p.exchange.onRead(Buffer.from(buf.subarray(0, n)), at);
        // Bytes on an idle socket break the framing of whatever comes next: drop it.
        else p.socket.destroy();
        return true;
      },
    },
  });
  p.socket.on('error', (err: NodeJS.ErrnoException) => (p.error = err));
  p.socket.on('close', () => {
    dropIdle(p);
    const ex = p.exchange;
    p.exchange = null;
    ex?.onClose(p.error);
  });
  return p;
}

/** A kept-alive socket to host:port if one is idle, else a new one, bound to `exchange`. */
export function openConnection(host: string, port: number, exchange: Exchange): Connection {
  const key = `${host}:${port}`;
  let p: Pooled | undefined;
  let reused = false;
  const list = idle.get(key);
  while (list && list.length > 0 && !p) {
    const candidate = list.pop()!;
    if (!candidate.socket.destroyed) {
      p = candidate;
      reused = true;
    }
  }
  p ??= connect(host, port, key);
  const pooled = p;
  pooled.exchange = exchange;
  pooled.socket.ref();
  return {
    reused,
    write: (data) => pooled.socket.write(data),
    release: () => {
      if (pooled.exchange !== exchange) return;
      pooled.exchange = null;
      if (pooled.socket.destroyed) return;
      // Idle sockets must not keep the process alive, as node:http's agent does.
      pooled.socket.unref();
      const l = idle.get(key) ?? [];
      l.push(pooled);
      idle.set(key, l);
    },
    destroy: () => {
      if (pooled.exchange === exchange) pooled.socket.destroy();
    },
  };
}
