import type { Report } from '../report/schema.ts';

/** What a stored report is filed under: a release tag, or the latest report of a branch. */
export interface StoreKey {
  kind: 'tag' | 'branch';
  name: string;
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

/** File name of a key inside a store: `tags/v1.2.0.json`; keys may hold slashes (`release/1.2`). */
export function keyPath(key: StoreKey): string {
  return `${key.kind === 'tag' ? 'tags' : 'branches'}/${encodeURIComponent(key.name)}.json`;
}

/** The inverse of keyPath; undefined for files that are not ours. */
export function keyFromPath(path: string): StoreKey | undefined {
  const m = /^(tags|branches)\/([^/]+)\.json$/.exec(path);
  if (!m) return undefined;
  return { kind: m[1] === 'tags' ? 'tag' : 'branch', name: decodeURIComponent(m[2]!) };
}
