// Bundles the Action (dist/index.js, dist/post.js) and the CLI (dist/cli.js) into committed,
// dependency-free ESM files with linked source maps, and writes dist/licenses.txt: the licence text of
// every third-party package inside them (a bundle drops the files those licences require to ship along).
// The createRequire banner lets CommonJS dependencies call require() inside an ESM bundle (see PITFALLS.md).
import { build, type Metafile } from 'esbuild';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

const banner = "import { createRequire as __llmGateCreateRequire } from 'node:module'; const require = __llmGateCreateRequire(import.meta.url);";

const entries: { in: string; out: string }[] = [
  { in: 'src/cli/main.ts', out: 'cli' },
  { in: 'src/action/index.ts', out: 'index' },
  { in: 'src/action/post-entry.ts', out: 'post' },
].filter((e) => existsSync(e.in));

/** `node_modules/@scope/name/lib/x.js` → `node_modules/@scope/name`; the innermost package wins. */
function packageDir(input: string): string | null {
  const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  return m ? m[1]! : null;
}

const LICENCE_FILE = /^(licen[cs]e|copying|unlicense)(\.(md|txt|markdown))?$/i;

/** Every bundled package once, with its licence text; a package without a licence file fails the build. */
function licences(metafile: Metafile): string {
  const dirs = [...new Set(Object.keys(metafile.inputs).flatMap((input) => packageDir(input) ?? []))];
  const sections = dirs.map((dir) => {
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name: string; version: string; license?: string };
    const file = readdirSync(dir).find((f) => LICENCE_FILE.test(f));
    if (!file) throw new Error(`${pkg.name}@${pkg.version} (${dir}) is bundled but ships no licence file: add its text by hand or drop it`);
    return { name: pkg.name, text: `${pkg.name}@${pkg.version} (${pkg.license ?? 'see below'})\n\n${readFileSync(path.join(dir, file), 'utf8').trim()}\n` };
  });
  sections.sort((a, b) => a.name.localeCompare(b.name));
  const head = `Third-party software bundled into dist/*.js by scripts/bundle.ts, with each package's licence.\nllm-gate itself: see LICENSE (MIT).\n`;
  return [head, ...sections.map((s) => s.text)].join(`\n${'-'.repeat(78)}\n\n`);
}

await rm('dist', { recursive: true, force: true });
const result = await build({
  entryPoints: entries,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  // Shared code in chunks: the Kubernetes client, imported on use, is loaded only by runs that need it.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  // Linked maps: a stack trace from the Action maps back to src/ with `node --enable-source-maps`.
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'none',
  metafile: true,
  banner: { js: banner },
  logLevel: 'warning',
});
await writeFile('dist/licenses.txt', licences(result.metafile));
if (existsSync('dist/cli.js')) await chmod('dist/cli.js', 0o755);
