import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { streamChatCompletion } from '../../src/client/stream.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';

const running: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hello' }], max_tokens: 4, stream: true });
const request = (port: number) =>
  `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

/** Sends a streamed request on one socket, then a second on the same socket; returns all it read and whether it closed. */
function twoOnOneSocket(port: number): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    let second = false;
    socket.setEncoding('utf8');
    socket.on('data', (t: string) => {
      text += t;
      // The first stream's terminating chunk: reuse the socket at once, as a keep-alive pool does.
      if (!second && text.includes('\r\n0\r\n\r\n')) {
        second = true;
        socket.write(request(port));
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ text, closed: true }));
    socket.write(request(port));
    setTimeout(() => {
      socket.destroy();
      resolve({ text, closed: false });
    }, 5000).unref();
  });
}

describe('llama.cpp closes the connection after every stream', () => {
  it('answers keep-alive but never serves a second request on a socket that carried a stream', async () => {
    const s = await startSimulator({ engine: 'llamacpp', model: 'm', ttftMs: 1, decodeMsPerToken: 1 });
    running.push(s);
    const r = await twoOnOneSocket(s.port);
    expect(r.text).toMatch(/keep-alive/i);
    expect(r.text.match(/HTTP\/1\.1 200/g)).toHaveLength(1);
    expect(r.closed).toBe(true);
  });

  it('keeps serving other engines on the same socket', async () => {
    const s = await startSimulator({ engine: 'vllm', model: 'm', ttftMs: 1, decodeMsPerToken: 1 });
    running.push(s);
    const r = await twoOnOneSocket(s.port);
    expect(r.text.match(/HTTP\/1\.1 200/g)).toHaveLength(2);
  });

  it('costs the gate no failed request: the client sends again on a fresh socket', async () => {
    const s = await startSimulator({ engine: 'llamacpp', model: 'm', ttftMs: 1, decodeMsPerToken: 1 });
    running.push(s);
    for (let i = 0; i < 10; i++) {
      const r = await streamChatCompletion({ baseURL: `${s.url}/v1`, body: JSON.parse(body) as Record<string, unknown>, totalTimeoutMs: 10_000, idleTimeoutMs: 5_000 });
      expect(r.error).toBeUndefined();
    }
  });
});
