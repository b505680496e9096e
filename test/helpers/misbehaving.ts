import http from 'node:http';
import net from 'node:net';
import { afterEach } from 'vitest';

/** Servers and sockets opened by a test file; closed after each test. */
const open = new Set<net.Server>();
afterEach(async () => {
  await Promise.all(
    [...open].map(
      (s) =>
        new Promise<void>((resolve) => {
          if ('closeAllConnections' in s) (s as http.Server).closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
  open.clear();
});

/** Listens on 127.0.0.1 (port 0 unless given) and resolves with the port; closed after the test. */
export function listen(server: net.Server, port = 0): Promise<number> {
  open.add(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : 0);
    });
  });
}

/** A server that accepts connections and reads requests but never answers (a wedged engine). */
export function silentServer(): net.Server {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('close', () => {
    for (const s of sockets) s.destroy();
  });
  const close = server.close.bind(server);
  server.close = (cb?: (err?: Error) => void) => {
    for (const s of sockets) s.destroy();
    return close(cb);
  };
  return server;
}

/** A port nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const s = net.createServer();
  const port = await new Promise<number>((resolve) =>
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      resolve(typeof a === 'object' && a ? a.port : 0);
    }),
  );
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** Ports WHATWG fetch refuses (the fetch standard's "bad ports"), commonly free on a CI machine. */
export const FETCH_BAD_PORTS = [6000, 6665, 6666, 6667, 6668, 6669, 10080, 6679, 6697, 4190, 5060, 5061];

/**
 * Runs `server` on the first free port of FETCH_BAD_PORTS; null when every one is taken (the caller
 * skips with that reason in the test name).
 */
export async function listenOnBadPort(server: net.Server): Promise<number | null> {
  for (const port of FETCH_BAD_PORTS) {
    try {
      return await listen(server, port);
    } catch {
      open.delete(server);
      server.removeAllListeners('error');
    }
  }
  return null;
}
