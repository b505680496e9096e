/**
 * One line naming why a request never got an answer, and what to check: a refused connection, a
 * name that does not resolve, a TLS failure, a port WHATWG fetch refuses. Never just "fetch failed".
 */
import { errorText } from '../log.ts';

const TLS_CODE = /^(?:ERR_SSL_|ERR_TLS_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_(?:VERIFY|GET)_|EPROTO$|ERR_OSSL_)/;

interface Cause {
  code?: string;
  message: string;
}

/** The innermost error with a code (fetch wraps the socket's error in `cause`, the SDK wraps fetch's). */
function rootCause(err: unknown): Cause {
  let e: unknown = err;
  let best: Cause = { message: errorText(err) };
  for (let depth = 0; e instanceof Error && depth < 5; depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    // One line: OpenSSL's messages span several.
    best = { ...(code ? { code } : {}), message: e.message.replace(/\s+/g, ' ').trim() };
    if (code) break;
    e = (e as { cause?: unknown }).cause;
  }
  return best;
}

/** Where the request went, as `host:port`. */
function endpoint(url: URL): string {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${url.hostname}:${port}`;
}

/**
 * Says why a request to `url` failed at the network level. `err` is what the client threw (a
 * node:net error, undici's `TypeError: fetch failed` with its cause, or an SDK error wrapping one).
 */
export function describeNetworkError(err: unknown, url: string | URL): string {
  const u = new URL(url);
  const where = endpoint(u);
  const { code, message } = rootCause(err);
  if (message === 'bad port' || /bad port/i.test(message)) {
    return `port ${u.port} is on the WHATWG fetch "bad ports" list (6000, 6665-6669, 10080, …), which fetch refuses to connect to: use another port, or a client without that list`;
  }
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused by ${where} (ECONNREFUSED): nothing listens there; check that the server is running and that the port is the one it listens on`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return `cannot resolve the host name ${u.hostname} (${code}): check the host in the URL and the machine's DNS`;
    case 'ECONNRESET':
      return `the connection to ${where} was reset (ECONNRESET): the server closed it before answering; check its log`;
    case 'EPIPE':
      return `the connection to ${where} was closed while sending (EPIPE): the server closed it; check its log`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
      return `cannot reach ${where} (${code}): check the address, the network path and any firewall`;
    case 'EADDRNOTAVAIL':
      return `cannot connect to ${where} (EADDRNOTAVAIL): the address is not valid on this machine; check the host in the URL`;
    default:
      break;
  }
  if (code && TLS_CODE.test(code)) {
    return `TLS with ${where} failed (${code}: ${message}): check that the URL's scheme matches the server (http:// or https://) and that its certificate is trusted (NODE_EXTRA_CA_CERTS)`;
  }
  if (/wrong version number|ssl|tls|certificate/i.test(message)) {
    return `TLS with ${where} failed (${message}): check that the URL's scheme matches the server (http:// or https://) and that its certificate is trusted (NODE_EXTRA_CA_CERTS)`;
  }
  return `request to ${where} failed (${code ? `${code}: ` : ''}${message})`;
}

/** A request that got no HTTP answer; the message says why and what to check. */
export class NetworkError extends Error {
  override name = 'NetworkError';
  readonly code: string | undefined;

  constructor(cause: unknown, url: string | URL) {
    super(describeNetworkError(cause, url), { cause });
    this.code = rootCause(cause).code;
  }
}
