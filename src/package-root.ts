import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding llm-gate's package.json, from source (src/...) or from the bundle
 * (dist/...), so shipped datasets are found wherever the tool runs from.
 */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const name: unknown = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
      if (name === 'llm-gate') return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

/**
 * A dataset path as given when it exists (relative to `cwd`, default the working directory), else the shipped
 * suite of that name under `root` (default packageRoot(): datasets/starter/v1).
 */
export function resolveDatasetPath(given: string, where: { cwd?: string; root?: string } = {}): string {
  if (existsSync(path.resolve(where.cwd ?? process.cwd(), given))) return given;
  const shipped = path.join(where.root ?? packageRoot(), given);
  return existsSync(shipped) ? shipped : given;
}
