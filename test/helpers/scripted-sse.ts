import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One write of a scripted stream: raw SSE text, sent `afterMs` after the previous write. */
export interface Step {
  afterMs: number;
  text: string;
}

/** A chat chunk's SSE frame with the given delta (and finish_reason, usage or extra top-level fields). */
export function frame(delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}): string {
  return `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
}

export const usageFrame = (completion: number, prompt = 10): string =>
  `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } })}\n\n`;

/** What the server knew when a chat request arrived: its number (0-based) and the streams open, itself included. */
export interface Arrival {
  index: number;
  inFlight: number;
}

/**
 * A real HTTP server that answers every chat completion with a scripted event stream, each write on its
 * own timer (so chunks arrive as separate reads), and routes other paths to `other` (404 without it).
 */
export async function scriptedServer(
  script: (body: Record<string, unknown>, arrival: Arrival) => Step[],
  other?: (req: IncomingMessage, body: string) => { status: number; body: string } | undefined,
): Promise<{ url: string; close: () => Promise<void> }> {
  let index = 0;
  let inFlight = 0;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (b: Buffer) => (raw += b.toString('utf8')));
    req.on('end', () => {
      if (req.url !== '/v1/chat/completions') {
        const a = other?.(req, raw);
        res.writeHead(a?.status ?? 404, { 'content-type': 'application/json' }).end(a?.body ?? '{"detail":"Not Found"}');
        return;
      }
      inFlight++;
      res.on('close', () => inFlight--);
      const steps = script(JSON.parse(raw) as Record<string, unknown>, { index: index++, inFlight });
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders();
      let i = 0;
      const next = (): void => {
        const s = steps[i++];
        if (!s) {
          res.end();
          return;
        }
        setTimeout(() => {
          if (res.destroyed) return;
          res.write(s.text);
          next();
        }, s.afterMs);
      };
      next();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
