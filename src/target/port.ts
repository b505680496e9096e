import { connect } from 'node:net';

/** The port assumed when neither the config nor the image names one (vLLM's and most engines' default). */
export const DEFAULT_PORT = 8000;

/**
 * The container port to publish and wait on, and what a person waiting should know about it.
 * `exposed` are the image's EXPOSE entries (`8080/tcp`). Pure.
 * - configured: used as is; when the image exposes TCP ports and not this one, the note says so;
 * - unset, one TCP port exposed: that port;
 * - unset otherwise: DEFAULT_PORT, with a note naming what the image exposes.
 */
export function containerPort(configured: number | undefined, exposed: readonly string[]): { port: number; source: 'config' | 'image' | 'default'; note?: string } {
  const tcp = exposed.flatMap((e) => {
    const m = /^(\d+)(?:\/tcp)?$/.exec(e);
    return m ? [Number(m[1])] : [];
  });
  const list = tcp.join(', ');
  if (configured !== undefined) {
    if (tcp.length > 0 && !tcp.includes(configured)) {
      return { port: configured, source: 'config', note: `the image exposes ${list}, not the configured port ${configured}: check --port / target.port` };
    }
    return { port: configured, source: 'config' };
  }
  if (tcp.length === 1) return { port: tcp[0]!, source: 'image' };
  if (tcp.length === 0) return { port: DEFAULT_PORT, source: 'default', note: `no port configured and the image exposes none: assumed ${DEFAULT_PORT}; set --port / target.port` };
  if (tcp.includes(DEFAULT_PORT)) return { port: DEFAULT_PORT, source: 'default' };
  return { port: DEFAULT_PORT, source: 'default', note: `no port configured and the image exposes several (${list}): assumed ${DEFAULT_PORT}; set --port / target.port` };
}

/**
 * Whether something accepts TCP connections on host:port now. A refusal (or no answer within
 * `timeoutMs`) counts as free. Connecting, not binding: a server on 0.0.0.0 or 127.0.0.1 answers
 * the gate's requests either way, and that is what would be measured.
 */
export function portAnswers(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
