import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseGateConfig } from '../../src/config/load.ts';
import { applyEnginePresetRaw } from '../../src/config/engine-preset.ts';
import { ENGINE_NAMES, engineDefinition } from '../../src/engines/registry.ts';
import { ENGINE_PRESETS } from '../../src/engines/presets.ts';

const DOCS = path.resolve(import.meta.dirname, '../../docs/engines');

/** Fenced blocks whose info string is exactly `info`, e.g. "yaml llm-gate.yml". */
function blocks(markdown: string, info: string): string[] {
  const out: string[] = [];
  const re = /^```([^\n]*)\n([\s\S]*?)^```$/gm;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) if (m[1]!.trim() === info) out.push(m[2]!);
  return out;
}

describe.each(ENGINE_NAMES)('docs/engines/%s.md', (engine) => {
  const file = path.join(DOCS, `${engine}.md`);
  const text = readFileSync(file, 'utf8');

  it('has an llm-gate.yml that the config schema accepts, for its engine', () => {
    const [yml, ...more] = blocks(text, 'yaml llm-gate.yml');
    expect(yml, `${file} needs one \`\`\`yaml llm-gate.yml block`).toBeDefined();
    expect(more).toEqual([]);
    const raw = parseYaml(yml!) as Record<string, unknown>;
    expect(raw.engine).toBe(engine);
    // As loadGateConfig reads it: the preset fills what the recipe leaves unset, then zod validates.
    const config = parseGateConfig(applyEnginePresetRaw(raw, engine), file);
    expect(config.engine).toBe(engine);
  });

  it('has a workflow that runs the action with a config file', () => {
    const [wf] = blocks(text, 'yaml workflow');
    expect(wf, `${file} needs a \`\`\`yaml workflow block`).toBeDefined();
    const doc = parseYaml(wf!) as { jobs: Record<string, { steps: { uses?: string; with?: Record<string, string> }[] }> };
    const steps = Object.values(doc.jobs).flatMap((j) => j.steps);
    const gate = steps.find((s) => s.uses?.startsWith('org/llm-gate@'));
    expect(gate?.with?.config).toMatch(/\.ya?ml$/);
  });

  it('states the default port of its preset', () => {
    expect(text).toMatch(new RegExp(`Port ${ENGINE_PRESETS[engine].defaultPort}\\b`));
  });
});

describe('docs/engines/README.md', () => {
  it("lists the registry's engines in its table, in order, each with its default port", () => {
    const rows = readFileSync(path.join(DOCS, 'README.md'), 'utf8')
      .split('\n')
      .map((line) => /^\| \[(\w+)\]\(\1\.md\) \| (\d+) \|/.exec(line))
      .filter((m) => m !== null)
      .map((m) => [m[1], Number(m[2])]);
    expect(rows).toEqual(ENGINE_NAMES.map((name) => [name, engineDefinition(name).personality.defaultPort]));
  });
});
