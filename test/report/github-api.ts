import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the code under test made to the stand-in GitHub API. */
export interface ApiCall {
  method: string;
  path: string;
  body: Record<string, unknown>;
}

interface Comment {
  id: number;
  body: string;
  html_url: string;
}

/**
 * A small stand-in for api.github.com on 127.0.0.1 with the endpoints the gate uses (check runs, statuses,
 * issue comments), holding comments across runs. `readOnly` answers every write like GitHub does for a
 * fork pull request's token.
 */
export class FakeGitHubApi {
  readonly calls: ApiCall[] = [];
  readonly comments: Comment[] = [];
  readOnly = false;
  /** Writes to these path prefixes answer 403, as with a token lacking one permission. */
  readonly denied: string[] = [];
  #server: Server | undefined;
  #nextId = 100;

  get url(): string {
    const address = this.#server?.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      void this.#handle(req).then(({ status, body }) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }

  reset(): void {
    this.calls.length = 0;
    this.readOnly = false;
    this.denied.length = 0;
  }

  async #handle(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const method = req.method ?? 'GET';
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    this.calls.push({ method, path, body });
    const write = method !== 'GET';
    if (write && (this.readOnly || this.denied.some((p) => path.includes(p)))) {
      return {
        status: 403,
        body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' },
      };
    }
    const id = this.#nextId++;
    let m: RegExpMatchArray | null;
    if (method === 'POST' && /\/check-runs$/.test(path)) {
      return { status: 201, body: { id, html_url: `https://github.example/checks/${id}` } };
    }
    if (method === 'PATCH' && (m = path.match(/\/check-runs\/(\d+)$/))) {
      return { status: 200, body: { id: Number(m[1]), html_url: `https://github.example/checks/${m[1]}` } };
    }
    if (method === 'POST' && /\/statuses\/\w+$/.test(path)) return { status: 201, body: { id } };
    if (method === 'GET' && /\/issues\/\d+\/comments$/.test(path)) return { status: 200, body: this.comments };
    if (method === 'POST' && /\/issues\/\d+\/comments$/.test(path)) {
      const comment = { id, body: String(body.body), html_url: `https://github.example/comments/${id}` };
      this.comments.push(comment);
      return { status: 201, body: comment };
    }
    if (method === 'PATCH' && (m = path.match(/\/issues\/comments\/(\d+)$/))) {
      const comment = this.comments.find((c) => c.id === Number(m![1]));
      if (!comment) return { status: 404, body: { message: 'Not Found' } };
      comment.body = String(body.body);
      return { status: 200, body: comment };
    }
    return { status: 404, body: { message: `Not Found: ${method} ${path}` } };
  }
}
