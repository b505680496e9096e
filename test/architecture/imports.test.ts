import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The import rules are written once, in docs/architecture.md's table; this test holds src/ to them.
const root = resolve(import.meta.dirname, '../..');
const src = join(root, 'src');

/** `| `unit` | layer | `a`, `b` |` rows of the "Which may import which" table: unit -> units it may import. */
function rules(): Map<string, Set<string>> {
  const doc = readFileSync(join(root, 'docs/architecture.md'), 'utf8');
  const section = doc.split(/^## /m).find((s) => s.startsWith('Which may import which'));
  if (!section) throw new Error('docs/architecture.md has no "Which may import which" section');
  const table = new Map<string, Set<string>>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const unit = /^`([\w.-]+)`$/.exec(cells[1] ?? '')?.[1];
    if (!unit) continue;
    const allowed = [...(cells[3] ?? '').matchAll(/`([\w.*-]+)`/g)].map((m) => m[1] as string);
    table.set(unit, new Set(allowed));
  }
  return table;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** A file's code without its comments, so a comment may still name what the code must not use. */
function code(file: string): string {
  return readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
}

/** The top-level folder or file of src/ a path belongs to, without `.ts`. */
function unitOf(path: string): string {
  return (relative(src, path).split(sep)[0] as string).replace(/\.ts$/, '');
}

/** Every relative import of a file (static, dynamic and type-only), as src/ units other than its own. */
function importedUnits(file: string): { unit: string; specifier: string }[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((s) => s.startsWith('.'))
    .map((specifier) => ({ specifier, target: resolve(dirname(file), specifier) }))
    .filter(({ target }) => target.startsWith(src + sep))
    .map(({ specifier, target }) => ({ specifier, unit: unitOf(target) }));
}

describe('src/ follows the import rules of docs/architecture.md', () => {
  const table = rules();
  const files = sources(src);

  it('names every folder and top-level file of src/ in the table', () => {
    const units = new Set(files.map(unitOf));
    expect([...units].filter((u) => !table.has(u)).sort()).toEqual([]);
    expect([...table.keys()].filter((u) => !units.has(u)).sort()).toEqual([]);
  });

  it('imports across units only where the table allows', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = unitOf(file);
      const allowed = table.get(from) ?? new Set<string>();
      for (const { unit, specifier } of importedUnits(file)) {
        if (unit !== from && !allowed.has(unit) && !allowed.has('*')) violations.push(`${relative(root, file)} imports ${specifier} (${from} may not import ${unit})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('keeps the judgement pure: compare/ does no I/O and reads no environment', () => {
    const impure: string[] = [];
    for (const file of files.filter((f) => unitOf(f) === 'compare')) {
      const text = code(file);
      const io = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName).filter((s) => /^(node:)?(fs|fs\/promises|child_process|http|https|net)$/.test(s));
      if (io.length > 0 || text.includes('process.env')) impure.push(relative(root, file));
    }
    expect(impure).toEqual([]);
  });

  it('keeps the junction, the facts and the settings free of the environment: the front ends hand over what a run needs', () => {
    const readers = files.filter((f) => ['gate', 'config', 'engines'].includes(unitOf(f)) && code(f).includes('process.env')).map((f) => relative(root, f));
    expect(readers).toEqual([]);
  });
});
