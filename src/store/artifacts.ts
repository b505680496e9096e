import { z } from 'zod';
import type { Report } from '../report/schema.ts';
import { parseReport } from './read-report.ts';
import type { BaselineStore, StoredRef, StoreKey } from './types.ts';
import { readZipEntries } from './zip.ts';

export interface ArtifactStoreOptions {
  /** `owner/name`. */
  repository: string;
  /** A token with `actions: read`. */
  token: string;
  /** GITHUB_API_URL: https://api.github.com, or a GHES or test server's. */
  apiUrl?: string;
  prefix?: string;
  /** Pages of 100 artifacts to scan, newest first; bounds the listing on busy repositories. */
  maxPages?: number;
}

const artifactSchema = z.object({
  id: z.number(),
  name: z.string(),
  expired: z.boolean(),
  created_at: z.string().nullable().optional(),
  archive_download_url: z.string().optional(),
});
const listSchema = z.object({ total_count: z.number(), artifacts: z.array(artifactSchema) });

/**
 * The artifact name a report must be uploaded under to be found again: `llm-gate-report-tag-v1.2.0`, with
 * `@<line>` after it for a report of an identity line.
 */
export function artifactNameFor(key: StoreKey, prefix = 'llm-gate-report'): string {
  // Artifact names may not hold '/', ':' and a few others; percent-encoding keeps them reversible ('@' too).
  return `${prefix}-${key.kind}-${encodeURIComponent(key.name)}${key.line !== undefined ? `@${key.line}` : ''}`;
}

/**
 * Reports uploaded as workflow artifacts by earlier runs, found through the REST API. Read-only:
 * uploading goes through the Actions runtime (actions/upload-artifact), not the REST API.
 */
export class ArtifactStore implements BaselineStore {
  readonly name: string;
  private readonly apiUrl: string;
  private readonly prefix: string;
  private readonly opts: ArtifactStoreOptions;

  constructor(opts: ArtifactStoreOptions) {
    this.opts = opts;
    this.apiUrl = (opts.apiUrl ?? 'https://api.github.com').replace(/\/+$/, '');
    this.prefix = opts.prefix ?? 'llm-gate-report';
    this.name = `workflow artifacts of ${opts.repository}`;
  }

  private async get(path: string): Promise<Response> {
    const url = `${this.apiUrl}/repos/${this.opts.repository}${path}`;
    const res = await fetch(url, {
      headers: {
        authorization: `Bearer ${this.opts.token}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
      },
      signal: AbortSignal.timeout(60_000),
    });
    if (!res.ok) {
      const hint = res.status === 403 || res.status === 404 ? ' (does the token have actions: read?)' : '';
      throw new Error(`${this.name}: GET ${url} answered ${res.status}${hint}`);
    }
    return res;
  }

  async list(): Promise<StoredRef[]> {
    const newest = new Map<string, StoredRef>();
    const keyPrefix = `${this.prefix}-`;
    for (let page = 1; page <= (this.opts.maxPages ?? 10); page++) {
      const res = await this.get(`/actions/artifacts?per_page=100&page=${page}`);
      const parsed = listSchema.safeParse(await res.json());
      if (!parsed.success) throw new Error(`${this.name}: unexpected artifact listing: ${parsed.error.issues[0]?.message}`);
      for (const a of parsed.data.artifacts) {
        if (a.expired || !a.name.startsWith(keyPrefix)) continue;
        const m = /^(tag|branch)-([^@]+)(?:@(.+))?$/.exec(a.name.slice(keyPrefix.length));
        if (!m) continue;
        const ref: StoredRef = {
          kind: m[1] as StoreKey['kind'],
          name: decodeURIComponent(m[2]!),
          ...(m[3] !== undefined ? { line: m[3] } : {}),
          location: String(a.id),
          ...(a.created_at ? { storedAt: a.created_at } : {}),
        };
        const seen = newest.get(a.name);
        if (!seen || (ref.storedAt ?? '') > (seen.storedAt ?? '')) newest.set(a.name, ref);
      }
      if (parsed.data.artifacts.length < 100) break;
    }
    return [...newest.values()];
  }

  async read(ref: StoredRef): Promise<Report> {
    const source = `artifact ${artifactNameFor(ref, this.prefix)} (id ${ref.location})`;
    // The API answers with a redirect to blob storage; fetch drops the token on the cross-origin hop.
    const res = await this.get(`/actions/artifacts/${ref.location}/zip`);
    const entries = readZipEntries(Buffer.from(await res.arrayBuffer()), source);
    const json = entries.get('report.json') ?? [...entries].find(([n]) => n.endsWith('.json'))?.[1];
    if (!json) throw new Error(`${source}: holds no report.json (found ${[...entries.keys()].join(', ') || 'nothing'})`);
    return parseReport(json.toString('utf8'), source);
  }

  write(_report: Report, key: StoreKey): Promise<StoredRef> {
    return Promise.reject(
      new Error(
        `${this.name} is read-only from the gate: upload report.json with actions/upload-artifact under the name ${artifactNameFor(key, this.prefix)}`,
      ),
    );
  }
}
