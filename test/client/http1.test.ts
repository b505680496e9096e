import { describe, expect, it } from 'vitest';
import { HttpProtocolError, ResponseReader } from '../../src/client/http1.ts';

/** Feeds `text` in pieces of `size` bytes and returns the body and the reader. */
function read(text: string, size: number): { body: string; reader: ResponseReader } {
  const bytes = Buffer.from(text);
  const reader = new ResponseReader();
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(...reader.push(bytes.subarray(i, i + size)));
  return { body: Buffer.concat(parts).toString(), reader };
}

const CHUNKED =
  'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n' +
  '6\r\ndata: \r\n' +
  'c;ext=1\r\n{"a":"é"}\n\n\r\n' +
  '0\r\nx-trailer: 1\r\n\r\n';

describe('ResponseReader', () => {
  it.each([1, 2, 3, 7, 1000])('removes chunked framing whatever the read boundaries (%i-byte reads)', (size) => {
    const { body, reader } = read(CHUNKED, size);
    expect(body).toBe('data: {"a":"é"}\n\n');
    expect(reader).toMatchObject({ status: 200, complete: true, keepAlive: true, trailing: 0 });
    expect(reader.headers['content-type']).toBe('text/event-stream');
  });

  it('reads a content-length body and notices bytes past its end', () => {
    const { body, reader } = read('HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\n\r\nhelloEXTRA', 4);
    expect(body).toBe('hello');
    expect(reader).toMatchObject({ status: 500, complete: true, trailing: 5 });
  });

  it('reads a body delimited by the connection closing, and does not keep that connection', () => {
    const { body, reader } = read('HTTP/1.1 200 OK\r\n\r\ndata: x\n\n', 5);
    expect(body).toBe('data: x\n\n');
    expect(reader.complete).toBe(false);
    reader.end();
    expect(reader).toMatchObject({ complete: true, keepAlive: false });
  });

  it('honours connection: close, HTTP/1.0, 204, and skips 1xx interim answers', () => {
    expect(read('HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 0\r\n\r\n', 9).reader).toMatchObject({ complete: true, keepAlive: false });
    expect(read('HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n', 9).reader.keepAlive).toBe(false);
    expect(read('HTTP/1.1 204 No Content\r\n\r\n', 9).reader).toMatchObject({ status: 204, complete: true });
    const { body, reader } = read('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok', 3);
    expect(body).toBe('ok');
    expect(reader.status).toBe(200);
  });

  it('rejects what is not HTTP/1.x or not chunked framing', () => {
    expect(() => read('SSH-2.0-OpenSSH\r\n\r\n', 100)).toThrow(HttpProtocolError);
    expect(() => read('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n', 100)).toThrow(/bad chunk-size line/);
  });
});
