import { performance } from 'node:perf_hooks';
import { HttpProtocolError, openConnection, ResponseReader, type Connection } from './http1.ts';
import type { OpenTransport, Transport } from './transport.ts';

/**
 * Plain HTTP over raw, kept-alive sockets (src/client/http1.ts): reads are stamped in the socket
 * callback and framed when drained. A kept-alive socket the server closed while idle never saw the
 * request: it is sent again, once, on a new connection.
 */
export const openHttp1: OpenTransport = (url, headers, payload, sink) => {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 80);
  const head =
    `POST ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\nconnection: keep-alive\r\n` +
    Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('') +
    '\r\n';
  let reader = new ResponseReader();
  let conn: Connection;
  /** The head has been handed to the sink. */
  let headed = false;
  const transport: Transport = {
    decode: (bytes, at) => {
      let pieces: Buffer[];
      try {
        pieces = reader.push(bytes);
      } catch (err) {
        const message = err instanceof HttpProtocolError ? err.message : String(err);
        sink.fail(headed ? { kind: 'broken-stream', message } : { kind: 'connection', message }, at);
        return;
      }
      if (!headed && reader.status !== null) {
        headed = true;
        sink.head(reader.status, reader.headers['content-type']);
      }
      for (const piece of pieces) {
        sink.body(piece, at);
        if (sink.settled) return;
      }
      if (reader.complete) {
        sink.end(at);
        if (reader.keepAlive && reader.trailing === 0) conn.release();
        else conn.destroy();
      }
    },
    abort: () => conn.destroy(),
  };
  const send = (retry: boolean) => {
    reader = new ResponseReader();
    headed = false;
    let received = false;
    conn = openConnection(host, port, {
      onRead: (bytes, at) => {
        received = true;
        sink.read(bytes, at);
      },
      onClose: (error) => {
        sink.drain();
        if (sink.settled) return;
        // A kept-alive socket the server closed while idle: it never saw this request, so send it again, once.
        if (!received && conn.reused && retry) {
          sink.resent();
          send(false);
          return;
        }
        reader.end();
        if (reader.complete) sink.end(performance.now());
        else sink.closedEarly(error);
      },
    });
    conn.write(head + payload);
  };
  send(true);
  return transport;
};
