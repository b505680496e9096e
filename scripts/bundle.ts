// Bundles the Action (dist/index.js, dist/post.js) and the CLI (dist/cli.js) into committed,
// dependency-free ESM files. The createRequire banner lets CommonJS dependencies call require()
// inside an ESM bundle (see PITFALLS.md).
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { chmod, rm } from 'node:fs/promises';

const banner = "import { createRequire as __llmGateCreateRequire } from 'node:module'; const require = __llmGateCreateRequire(import.meta.url);";

const entries: { in: string; out: string }[] = [
  { in: 'src/cli/main.ts', out: 'cli' },
  { in: 'src/action/index.ts', out: 'index' },
  { in: 'src/action/post-entry.ts', out: 'post' },
].filter((e) => existsSync(e.in));

await rm('dist', { recursive: true, force: true });
await build({
  entryPoints: entries,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  splitting: false,
  sourcemap: false,
  legalComments: 'none',
  banner: { js: banner },
  logLevel: 'warning',
});
if (existsSync('dist/cli.js')) await chmod('dist/cli.js', 0o755);
