import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32, deflateRawSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { ArtifactStore, artifactNameFor } from '../../src/store/artifacts.ts';
import { makeReport } from '../compare/fixtures.ts';

/** A zip archive as upload-artifact makes them: deflated entries, central directory, end record. */
function zip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const packed = deflateRawSync(data);
    const nameBuf = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, packed);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + packed.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

interface Artifact {
  id: number;
  name: string;
  expired: boolean;
  created_at: string;
  zip: Buffer;
}

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** Stands in for api.github.com: the artifact listing, and the zip download's redirect to blob storage. */
async function fakeGitHub(artifacts: Artifact[], pageSize = 100): Promise<{ apiUrl: string; requests: string[] }> {
  const requests: string[] = [];
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (url.pathname.startsWith('/blob/')) {
      const a = artifacts.find((x) => x.id === Number(url.pathname.slice(6)));
      res.writeHead(200, { 'content-type': 'application/zip' }).end(a?.zip);
      return;
    }
    if (req.headers.authorization !== 'Bearer t0ken') {
      res.writeHead(401).end('{"message":"Bad credentials"}');
      return;
    }
    const zipMatch = /^\/repos\/o\/r\/actions\/artifacts\/(\d+)\/zip$/.exec(url.pathname);
    if (zipMatch) {
      res.writeHead(302, { location: `/blob/${zipMatch[1]}` }).end();
      return;
    }
    if (url.pathname === '/repos/o/r/actions/artifacts') {
      const page = Number(url.searchParams.get('page') ?? 1);
      const slice = artifacts.slice((page - 1) * pageSize, page * pageSize);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ total_count: artifacts.length, artifacts: slice.map(({ zip: _zip, ...a }) => a) }));
      return;
    }
    res.writeHead(404).end('{"message":"Not Found"}');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { apiUrl: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, requests };
}

const report = (tag: string) => zip({ 'report.json': JSON.stringify(makeReport({ tag })), 'summary.md': '# ok' });

describe('workflow artifacts store', () => {
  it('lists the newest unexpired artifact per key and reads its report.json', async () => {
    const { apiUrl } = await fakeGitHub([
      { id: 1, name: 'llm-gate-report-tag-v1.0.0', expired: false, created_at: '2026-11-01T00:00:00Z', zip: report('old') },
      { id: 2, name: 'llm-gate-report-tag-v1.0.0', expired: false, created_at: '2026-11-02T00:00:00Z', zip: report('v1.0.0') },
      { id: 3, name: 'llm-gate-report-tag-v0.9.0', expired: true, created_at: '2026-10-01T00:00:00Z', zip: report('x') },
      { id: 4, name: 'coverage', expired: false, created_at: '2026-11-03T00:00:00Z', zip: report('x') },
      { id: 5, name: artifactNameFor({ kind: 'branch', name: 'release/2' }), expired: false, created_at: '2026-11-03T00:00:00Z', zip: report('b') },
    ]);
    const store = new ArtifactStore({ repository: 'o/r', token: 't0ken', apiUrl });
    const refs = await store.list();
    expect(refs.map((r) => [r.kind, r.name, r.location])).toEqual([
      ['tag', 'v1.0.0', '2'],
      ['branch', 'release/2', '5'],
    ]);
    expect((await store.read(refs[0]!)).subject.tag).toBe('v1.0.0');
  });

  it('follows the listing across pages', async () => {
    const many = Array.from({ length: 5 }, (_, i) => ({
      id: i + 1,
      name: `llm-gate-report-tag-v1.0.${i}`,
      expired: false,
      created_at: '2026-11-01T00:00:00Z',
      zip: report(`v1.0.${i}`),
    }));
    const { apiUrl, requests } = await fakeGitHub(many, 2);
    // The store asks for 100 a page; the fake serves 2, so the store must stop only on a short page.
    const store = new ArtifactStore({ repository: 'o/r', token: 't0ken', apiUrl });
    const refs = await store.list();
    expect(refs.length).toBe(2);
    expect(requests).toEqual(['GET /repos/o/r/actions/artifacts?per_page=100&page=1']);
  });

  it('names the artifact when its archive holds no report', async () => {
    const { apiUrl } = await fakeGitHub([
      { id: 7, name: 'llm-gate-report-tag-v1.0.0', expired: false, created_at: '2026-11-01T00:00:00Z', zip: zip({ 'a.txt': 'x' }) },
    ]);
    const store = new ArtifactStore({ repository: 'o/r', token: 't0ken', apiUrl });
    const [ref] = await store.list();
    await expect(store.read(ref!)).rejects.toThrow('artifact llm-gate-report-tag-v1.0.0 (id 7): holds no report.json (found a.txt)');
  });

  it('names the artifact when its report is corrupt or its archive truncated', async () => {
    const truncated = report('v1').subarray(0, 40);
    const { apiUrl } = await fakeGitHub([
      { id: 8, name: 'llm-gate-report-tag-v1.0.0', expired: false, created_at: '2026-11-01T00:00:00Z', zip: zip({ 'report.json': '{"tool":{"name":"llm-gate"},"schemaVersion":1}' }) },
      { id: 9, name: 'llm-gate-report-tag-v1.0.1', expired: false, created_at: '2026-11-01T00:00:00Z', zip: truncated },
    ]);
    const store = new ArtifactStore({ repository: 'o/r', token: 't0ken', apiUrl });
    const refs = await store.list();
    await expect(store.read(refs[0]!)).rejects.toThrow(/artifact llm-gate-report-tag-v1\.0\.0 \(id 8\): does not match the report schema: tool\.version: .*subject/);
    await expect(store.read(refs[1]!)).rejects.toThrow(/artifact llm-gate-report-tag-v1\.0\.1 \(id 9\): not a zip archive/);
  });

  it('says which permission is missing when the API refuses', async () => {
    const { apiUrl } = await fakeGitHub([]);
    const store = new ArtifactStore({ repository: 'o/r', token: 'wrong', apiUrl });
    await expect(store.list()).rejects.toThrow(/answered 401/);
    const unknown = new ArtifactStore({ repository: 'o/missing', token: 't0ken', apiUrl });
    await expect(unknown.list()).rejects.toThrow(/answered 404 \(does the token have actions: read\?\)/);
  });

  it('refuses to write and names the artifact to upload instead', async () => {
    const store = new ArtifactStore({ repository: 'o/r', token: 't0ken', apiUrl: 'http://127.0.0.1:9' });
    await expect(store.write(makeReport({}), { kind: 'tag', name: 'v1.2.0' })).rejects.toThrow(
      /upload report\.json with actions\/upload-artifact under the name llm-gate-report-tag-v1\.2\.0/,
    );
  });
});
