import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { commands } from '../../src/cli/commands/index.ts';
import { ENGINE_NAMES, ENGINES, engineDefinition, isEngineName, officialImageEngine, officialModelArgs } from '../../src/engines/registry.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The first list of three or more names in `text`: `a | b | c`, `a|b|c` or `a, b, c`. */
function listIn(text: string): string[] | undefined {
  return /\b[a-z]+(?:\s*[|,]\s*[a-z]+){2,}/.exec(text)?.[0].split(/\s*[|,]\s*/);
}

/** What `llm-gate COMMAND --help` prints. */
async function helpOf(command: string): Promise<string> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  await commands[command]!.run(['--help']);
  return out;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the engine registry', () => {
  it('names each engine once, after its file', () => {
    expect(new Set(ENGINE_NAMES).size).toBe(ENGINES.length);
    for (const name of ENGINE_NAMES) {
      expect(engineDefinition(name).name).toBe(name);
      expect(existsSync(path.join(ROOT, 'src/engines', `${name}.ts`)), `src/engines/${name}.ts`).toBe(true);
    }
    expect(isEngineName('vllm')).toBe(true);
    expect(isEngineName('simulator')).toBe(false);
  });

  it('gives each /v1/models owned_by value to one engine at most', () => {
    const owners = ENGINES.flatMap((e) => e.detection.ownedBy.map((o) => o.value));
    expect(new Set(owners).size).toBe(owners.length);
  });

  it('lets an engine wrap only an engine it knows', () => {
    for (const e of ENGINES) if (e.detection.wraps !== undefined) expect(ENGINE_NAMES).toContain(e.detection.wraps);
  });

  it('recognises each official image by its own engine only', () => {
    expect(officialImageEngine('vllm/vllm-openai:v0.11.0')).toBe('vllm');
    expect(officialImageEngine('ghcr.io/huggingface/text-generation-inference:3.3.6')).toBe('tgi');
    expect(officialImageEngine('lmsysorg/sglang:latest')).toBe('sglang');
    expect(officialImageEngine('ghcr.io/ggml-org/llama.cpp:server-cuda')).toBe('llamacpp');
    expect(officialImageEngine('ollama/ollama')).toBe('ollama');
    expect(officialImageEngine('nvcr.io/nim/meta/llama-3.1-8b-instruct:1.8')).toBe('nim');
    expect(officialImageEngine('registry.example/my-vllm:1')).toBeUndefined();
    expect(officialModelArgs('vllm/vllm-openai:v0.11.0', 'org/m', 8000)).toEqual(['--model', 'org/m']);
    expect(officialModelArgs('ollama/ollama', 'llama3', 11434)).toBeUndefined();
  });

  it('has a recipe page per engine that links the engine’s own documentation', () => {
    for (const e of ENGINES) {
      const page = path.join(ROOT, 'docs/engines', `${e.name}.md`);
      expect(readFileSync(page, 'utf8'), page).toContain(e.docs);
    }
  });
});

describe('help texts name exactly the registry’s engines', () => {
  it("in action.yml's engine input", () => {
    const action = parseYaml(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { description: string }> };
    expect(listIn(action.inputs.engine!.description), 'action.yml is generated from the registry: `npm run gen:settings`').toEqual([...ENGINE_NAMES]);
  });

  it.each(['run', 'bench', 'simulate'])('in llm-gate %s --help', async (command) => {
    const help = await helpOf(command);
    const line = /--engine NAME\s+(.*)/.exec(help)?.[1];
    expect(line, help).toBeDefined();
    expect(listIn(line!)).toEqual([...ENGINE_NAMES]);
  });
});
