import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import type { EngineName } from '../../src/engines/registry.ts';

/**
 * Real llama.cpp engines for the tests, serving the GGUF models of ../shared/models:
 * - llama-cpp-python's server (`python -m llama_cpp.server`), from the venv .ci/run installs
 *   (/var/cache/llm-gate/llama-venv) or the python named by LLAMA_CPP_PYTHON;
 * - llama.cpp's own llama-server, a hand-built binary named by LLAMA_SERVER_BIN (to check a newer engine).
 * Without one, tests that need it are skipped with the reason in their name, unless
 * LLM_GATE_REQUIRE_LLAMA=1 (CI), where a missing engine fails the run.
 */
export const ROOT = path.resolve(import.meta.dirname, '../..');
/** ../shared/models beside the clone, as CI lays it out; LLM_GATE_MODELS points elsewhere (a worktree, say). */
export const MODELS = process.env.LLM_GATE_MODELS ?? path.resolve(ROOT, '../shared/models');
export const DEFAULT_LLAMA_VENV = '/var/cache/llm-gate/llama-venv';

export interface LlamaEngine {
  /** `llama-cpp-python` or `llama-server`. */
  name: string;
  /** Why it cannot run here, or null. */
  unavailable: string | null;
  /** The engine the gate should name from what the server exposes. */
  detectedAs: EngineName;
  /** Argument vector that serves `model` on 127.0.0.1:`port`, ready for a `command` target. */
  argv(model: string, port: number): string[];
}

let pythonReason: string | null | undefined;
/** The python that has llama_cpp.server, or why there is none. Checked once per test file. */
export function llamaPython(): { python: string; reason: string | null } {
  const python = process.env.LLAMA_CPP_PYTHON ?? path.join(DEFAULT_LLAMA_VENV, 'bin/python');
  if (pythonReason === undefined) {
    if (!existsSync(python)) pythonReason = `${python} does not exist (set LLAMA_CPP_PYTHON, or run .ci/run's llama-cpp-python step)`;
    else {
      try {
        execFileSync(python, ['-c', 'import llama_cpp.server.app'], { stdio: 'pipe', timeout: 60_000 });
        pythonReason = null;
      } catch (err) {
        const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim().split('\n').at(-1);
        pythonReason = `${python} cannot import llama_cpp.server: ${stderr || (err as Error).message}`.slice(0, 200);
      }
    }
  }
  return { python, reason: pythonReason };
}

export function llamaCppPython(): LlamaEngine {
  const { python, reason } = llamaPython();
  return {
    name: 'llama-cpp-python',
    unavailable: reason,
    detectedAs: 'openai',
    argv: (model, port) => [
      python,
      ...['-m', 'llama_cpp.server', '--model', model, '--host', '127.0.0.1', '--port', String(port)],
      // A stream is cut short (a bare [DONE]) whenever another request waits, unless this is off: the bench runs streams concurrently.
      ...['--interrupt_requests', 'False'],
      // The models were trained on sequences under 64 tokens; a small context keeps the KV cache small.
      ...['--n_ctx', '512', '--n_threads', '2', '--n_threads_batch', '2', '--verbose', 'False'],
      // No --chat_format: the GGUF's own ChatML template is used, as llama-server does. llama-cpp-python's
      // built-in "chatml" format adds an empty system turn the tiny-skills models never saw.
    ],
  };
}

export function llamaServer(): LlamaEngine {
  const bin = process.env.LLAMA_SERVER_BIN;
  return {
    name: 'llama-server',
    unavailable: !bin ? 'LLAMA_SERVER_BIN is not set' : !existsSync(bin) ? `LLAMA_SERVER_BIN ${bin} does not exist` : null,
    detectedAs: 'llamacpp',
    argv: (model, port) => [bin!, '-m', model, '--host', '127.0.0.1', '--port', String(port), '--metrics', '-c', '512', '-t', '2'],
  };
}

/** Why a model file of ../shared/models cannot be used, or null. */
export function modelUnavailable(file: string): string | null {
  return existsSync(path.join(MODELS, file)) ? null : `${path.join(MODELS, file)} is missing`;
}

/**
 * `describe` for tests that need `engine` (and optionally more, e.g. a model file): skipped with the
 * reason in its name, or failing with it under LLM_GATE_REQUIRE_LLAMA=1 for engines CI installs.
 */
export function describeLlama(name: string, engine: LlamaEngine, fn: () => void, extraReason: string | null = null): void {
  const reason = engine.unavailable ?? extraReason;
  // CI installs llama-cpp-python only; a hand-built llama-server stays optional there.
  const required = process.env.LLM_GATE_REQUIRE_LLAMA === '1' && engine.name === 'llama-cpp-python';
  if (reason === null) describe(name, fn);
  else if (required) {
    describe(name, () => {
      it(`needs ${engine.name} (LLM_GATE_REQUIRE_LLAMA=1) but ${reason}`, () => {
        throw new Error(reason);
      });
    });
  } else describe.skip(`${name} (skipped: ${reason})`, fn);
}

/** Quotes argv for the `command` target's shell. */
export function shellCommand(argv: string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(' ');
}
