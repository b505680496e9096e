import https from 'node:https';
import { performance } from 'node:perf_hooks';
import type { OpenTransport } from './transport.ts';

const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: Infinity });

/** HTTPS through node:https with a kept-alive agent: body bytes are stamped as they are emitted. */
export const openHttps: OpenTransport = (url, headers, payload, sink) => {
  const request = https.request(url, { method: 'POST', headers, agent: httpsAgent });
  request.on('response', (res) => {
    sink.head(res.statusCode ?? null, res.headers['content-type']);
    sink.heard(performance.now());
    res.on('data', (b: Buffer) => sink.read(b, performance.now()));
    res.on('end', () => {
      const at = performance.now();
      sink.drain();
      sink.end(at);
    });
    res.on('error', (err: NodeJS.ErrnoException) => {
      sink.drain();
      sink.closedEarly(err);
    });
    // 'close' without 'end': the server dropped the connection mid-response.
    res.on('close', () => {
      sink.drain();
      sink.closedEarly(undefined);
    });
  });
  request.on('error', (err: NodeJS.ErrnoException) => {
    sink.drain();
    sink.closedEarly(err);
  });
  request.end(payload);
  return {
    decode: (bytes, at) => sink.body(bytes, at),
    abort: () => request.destroy(),
  };
};
