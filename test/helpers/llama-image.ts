import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where the image's server listens: llama-cpp-python's own default port. */
export const LLAMA_IMAGE_PORT = 8000;

/** Shared libraries each file loads, as absolute paths (from ldd); files that are not ELF objects give none. */
function sharedLibraries(files: string[]): Set<string> {
  const libs = new Set<string>();
  for (const f of files) {
    let out: string;
    try {
      out = execFileSync('ldd', [f], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      continue;
    }
    for (const m of out.matchAll(/(\/\S+\.so[.\d]*)/g)) libs.add(m[1]!);
  }
  return libs;
}

function filesUnder(dir: string, keep: (p: string) => boolean = () => true): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).map((f) => path.join(dir, f)).filter((f) => keep(f) && statSync(f).isFile());
}

/** The standard library parts a server never loads (tests, GUI, build files): left out of the image. */
const STDLIB_SKIP = /\/python3\.\d+\/(?:site-packages|test|idlelib|tkinter|turtledemo|ensurepip|lib2to3|config-[^/]*)(?:\/|$)/;

function imageExists(tag: string): boolean {
  try {
    execFileSync('docker', ['image', 'inspect', tag], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * An image of llama-cpp-python's server made from local files only (no registry, no base image):
 * FROM scratch with the venv, the Python it was made from (standard library without tests and GUI),
 * and every shared library those load (ldd), each at its own absolute path so the venv's links hold.
 * The model is not inside: mount it and pass `--model`. Tagged by content (venv files, Python, Dockerfile),
 * so it is built once and reused while the venv is unchanged.
 *
 * @param venv a venv where llama-cpp-python[server] is installed (its pyvenv.cfg names the base Python)
 * @returns the image tag
 * @throws when docker build fails (its output in the message)
 */
export function buildLlamaCppPythonImage(venv: string): string {
  const cfg = readFileSync(path.join(venv, 'pyvenv.cfg'), 'utf8');
  const home = /^home\s*=\s*(.+)$/m.exec(cfg)?.[1]?.trim();
  if (!home) throw new Error(`${venv}/pyvenv.cfg names no base Python (home = …)`);
  const base = path.dirname(home);
  const python = realpathSync(path.join(venv, 'bin/python'));
  const version = /^version(?:_info)?\s*=\s*(\d+\.\d+)/m.exec(cfg)?.[1];
  if (!version) throw new Error(`${venv}/pyvenv.cfg names no Python version`);
  const stdlib = path.join(base, 'lib', `python${version}`);

  const venvFiles = filesUnder(venv);
  const baseFiles = [python, ...filesUnder(path.join(base, 'lib'), (f) => !STDLIB_SKIP.test(f) && (f.startsWith(stdlib) || /\/lib\/libpython[^/]*\.so[.\d]*$/.test(f)))];
  const dockerfile = [
    'FROM scratch',
    'COPY rootfs/ /',
    'USER 1000:1000',
    'ENV HOME=/tmp PYTHONDONTWRITEBYTECODE=1',
    `EXPOSE ${LLAMA_IMAGE_PORT}`,
    // As the tests run it on 2 shared cores: concurrent streams are not cut short, a small context, no per-request logging.
    `ENTRYPOINT ${JSON.stringify([path.join(venv, 'bin/python'), '-m', 'llama_cpp.server', '--host', '0.0.0.0', '--port', String(LLAMA_IMAGE_PORT), '--interrupt_requests', 'False', '--n_ctx', '512', '--n_threads', '2', '--n_threads_batch', '2', '--verbose', 'False'])}`,
    '',
  ].join('\n');
  const hash = createHash('sha256').update(dockerfile);
  for (const f of [...venvFiles, ...baseFiles]) {
    const s = statSync(f);
    hash.update(`${f}\0${s.size}\0${s.mtimeMs}\n`);
  }
  const tag = `llm-gate-test-llama-cpp-python:${hash.digest('hex').slice(0, 12)}`;
  if (imageExists(tag)) return tag;

  const ctx = mkdtempSync(path.join(os.tmpdir(), 'llm-gate-llama-image-'));
  try {
    const rootfs = path.join(ctx, 'rootfs');
    const copy = (f: string) => {
      mkdirSync(path.join(rootfs, path.dirname(f)), { recursive: true });
      copyFileSync(f, path.join(rootfs, f));
      chmodSync(path.join(rootfs, f), statSync(f).mode & 0o777);
    };
    // The venv keeps its links (bin/python -> the base interpreter), which exist in the image too.
    cpSync(venv, path.join(rootfs, venv), { recursive: true, verbatimSymlinks: true });
    for (const f of baseFiles) copy(f);
    // The venv's bin/python links to the base interpreter by one of these names.
    for (const name of ['python', 'python3']) execFileSync('ln', ['-sf', python, path.join(rootfs, home, name)]);
    const elf = [...venvFiles, ...baseFiles].filter((f) => /\.so[.\d]*$/.test(f) || f === python);
    const copied = new Set([...venvFiles, ...baseFiles]);
    for (const lib of sharedLibraries(elf)) if (!copied.has(lib)) copy(lib);
    mkdirSync(path.join(rootfs, 'tmp'), { recursive: true });
    chmodSync(path.join(rootfs, 'tmp'), 0o1777);
    writeFileSync(path.join(ctx, 'Dockerfile'), dockerfile);
    try {
      execFileSync('docker', ['build', '--quiet', '--tag', tag, ctx], { stdio: 'pipe', env: { ...process.env, DOCKER_BUILDKIT: '0' } });
    } catch (err) {
      throw new Error(`docker build of ${tag} failed: ${String((err as { stderr?: unknown }).stderr ?? err).slice(-2000)}`, { cause: err });
    }
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
  return tag;
}
