import { mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Report } from '../report/schema.ts';
import { readReportFile } from './read-report.ts';
import { keyFromPath, keyPath, type BaselineStore, type StoredRef, type StoreKey } from './types.ts';

async function entries(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/**
 * Reports in a directory: `tags/<tag>.json` (one per release) and `branches/<branch>.json` (the latest), under
 * `lines/<line>/` per identity line.
 */
export class LocalDirStore implements BaselineStore {
  readonly name: string;
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
    this.name = `local directory ${dir}`;
  }

  async list(): Promise<StoredRef[]> {
    const refs: StoredRef[] = [];
    const lines = (await entries(join(this.dir, 'lines'))).map((l) => `lines/${l}/`);
    for (const prefix of ['', ...lines]) {
      for (const sub of ['tags', 'branches']) {
        for (const file of await entries(join(this.dir, prefix, sub))) {
          const key = keyFromPath(`${prefix}${sub}/${file}`);
          if (!key) continue;
          const location = join(this.dir, prefix, sub, file);
          refs.push({ ...key, location, storedAt: (await stat(location)).mtime.toISOString() });
        }
      }
    }
    return refs;
  }

  async read(ref: StoredRef): Promise<Report> {
    return (await readReportFile(join(this.dir, keyPath(ref)))).report;
  }

  async write(report: Report, key: StoreKey): Promise<StoredRef> {
    const location = join(this.dir, keyPath(key));
    await mkdir(join(location, '..'), { recursive: true });
    // Write then rename, so a reader never sees half a report.
    const tmp = `${location}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(report, null, 2)}\n`);
    await rename(tmp, location);
    return { ...key, location, storedAt: new Date().toISOString() };
  }
}
