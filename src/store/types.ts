import type { Report } from '../report/schema.ts';

/** What a stored report is filed under: a release tag, or the latest report of a branch. */
export interface StoreKey {
  kind: 'tag' | 'branch';
  name: string;
  /** The identity line (model and GPU, src/report/identity.ts); absent in stores written before lines. */
  line?: string;
}

export interface StoredRef extends StoreKey {
  /** Where it lives, in the store's own terms (a file path, `branch:path`, an artifact id); shown to users. */
  location: string;
  /** ISO time it was stored, where the store knows it. */
  storedAt?: string;
}

/** Where baselines live. Reads are validated against the report schema; a bad report names itself. */
export interface BaselineStore {
  /** Human-readable, for notes and errors: `local directory .llm-gate/baselines`. */
  readonly name: string;
  list(): Promise<StoredRef[]>;
  read(ref: StoredRef): Promise<Report>;
  write(report: Report, key: StoreKey): Promise<StoredRef>;
}

/**
 * File name of a key inside a store: `lines/<line>/tags/v1.2.0.json` (one folder per identity line, so a
 * matrix's cells never overwrite one another), `tags/v1.2.0.json` for keys without a line; names may hold
 * slashes (`release/1.2`).
 */
export function keyPath(key: StoreKey): string {
  const file = `${key.kind === 'tag' ? 'tags' : 'branches'}/${encodeURIComponent(key.name)}.json`;
  return key.line !== undefined ? `lines/${encodeURIComponent(key.line)}/${file}` : file;
}

/** The inverse of keyPath; undefined for files that are not ours. */
export function keyFromPath(path: string): StoreKey | undefined {
  const m = /^(?:lines\/([^/]+)\/)?(tags|branches)\/([^/]+)\.json$/.exec(path);
  if (!m) return undefined;
  return { kind: m[2] === 'tags' ? 'tag' : 'branch', name: decodeURIComponent(m[3]!), ...(m[1] !== undefined ? { line: decodeURIComponent(m[1]) } : {}) };
}
