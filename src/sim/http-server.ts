import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { sendError, type SimContext } from './context.ts';
import type { Route } from './router.ts';

const MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * The simulator's HTTP server, not yet listening: reads each request's body (refused past
 * MAX_BODY_BYTES in the engine's error shape) and hands it to `route`. A request on a socket the
 * engine closes after a stream, or after a crash, is never answered. `sockets` are the open
 * connections, for close and crash to cut.
 */
export function createHttpServer(ctx: SimContext, route: Route): { server: Server; sockets: Set<Socket> } {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    if (ctx.closingSockets.has(req.socket)) {
      req.socket.destroy();
      return;
    }
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (b: Buffer) => {
      size += b.length;
      if (size <= MAX_BODY_BYTES) parts.push(b);
    });
    req.on('end', () => {
      if (ctx.crashed) return;
      if (size > MAX_BODY_BYTES) return sendError(ctx, res, ctx.persona.errors.badRequest, `The request body exceeds ${MAX_BODY_BYTES} bytes.`);
      route(req, res, Buffer.concat(parts).toString('utf8'));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return { server, sockets };
}
