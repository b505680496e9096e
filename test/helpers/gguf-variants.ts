import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A model made worse (or not) from a shipped one: llama.cpp's quantizer, or seeded noise on some tensors. */
export type VariantSpec =
  | { name: string; kind: 'quantize'; type: string }
  | { name: string; kind: 'noise'; tensors: string; scale: number; seed: number };

const SCRIPT = path.join(import.meta.dirname, 'gguf_variant.py');

/** /var/cache/llm-gate/gguf-variants where writable (CI keeps it between runs), else a temp folder. */
function cacheDir(): string {
  const shared = '/var/cache/llm-gate/gguf-variants';
  try {
    mkdirSync(shared, { recursive: true });
    accessSync(shared, constants.W_OK);
    return shared;
  } catch {
    const local = path.join(os.tmpdir(), 'llm-gate-gguf-variants');
    mkdirSync(local, { recursive: true });
    return local;
  }
}

/**
 * The variant's GGUF file, made once and cached by content: the source's size and mtime, the spec and
 * the script that makes it. Written to a temporary name first, so an interrupted run leaves no half file.
 *
 * @param python a python with llama_cpp (quantize) and gguf (noise) importable
 * @throws when the script fails (its stderr in the message)
 */
export function makeVariant(python: string, source: string, spec: VariantSpec): string {
  const s = statSync(source);
  const key = createHash('sha256')
    .update(JSON.stringify({ source: path.basename(source), size: s.size, mtime: s.mtimeMs, spec }))
    .update(readFileSync(SCRIPT))
    .digest('hex')
    .slice(0, 12);
  const file = path.join(cacheDir(), `${spec.name}-${key}.gguf`);
  if (existsSync(file)) return file;
  const partial = `${file}.${process.pid}.partial`;
  const args = spec.kind === 'quantize' ? ['quantize', source, partial, spec.type] : ['noise', source, partial, spec.tensors, String(spec.scale), String(spec.seed)];
  try {
    execFileSync(python, [SCRIPT, ...args], { stdio: 'pipe', timeout: 300_000 });
    renameSync(partial, file);
  } catch (err) {
    rmSync(partial, { force: true });
    throw new Error(`making ${spec.name} from ${source} failed: ${String((err as { stderr?: unknown }).stderr ?? err).slice(-1500)}`, { cause: err });
  }
  return file;
}
