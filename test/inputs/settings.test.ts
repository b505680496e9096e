import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { ACTION_YML, declaredInputs, settingsDoc, SETTINGS_DOC, withGeneratedInputs } from '../../scripts/gen-settings.ts';
import { getInputs, loadActionConfig } from '../../src/action/inputs.ts';
import { gateFlagHelp, gateFlagOptions, overridesFromFlags } from '../../src/cli/gate-flags.ts';
import { ConfigError, loadGateConfig } from '../../src/config/load.ts';
import { gateConfigSchema } from '../../src/config/schema.ts';
import { SETTING_NAMES, SETTINGS, settingFlagSchema, type SettingName } from '../../src/config/settings.ts';
import { packageRoot } from '../../src/package-root.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'llm-gate-settings-'));

const inputsSet: string[] = [];
function input(name: string, value: string): void {
  const key = `INPUT_${name.toUpperCase()}`;
  process.env[key] = value;
  inputsSet.push(key);
}
afterEach(() => {
  for (const key of inputsSet.splice(0)) Reflect.deleteProperty(process.env, key);
});

/** The schema llm-gate.yml's key at `keyPath` is checked by, through the sections' defaults and optionals. */
function fieldSchema(keyPath: readonly string[]): z.ZodType | undefined {
  let node: z.ZodType = gateConfigSchema;
  for (const key of keyPath) {
    while (node instanceof z.ZodDefault || node instanceof z.ZodOptional) node = node.unwrap() as z.ZodType;
    if (!(node instanceof z.ZodObject)) return undefined;
    node = (node.shape as Record<string, z.ZodType>)[key]!;
  }
  return node;
}

/** The message of the error `load` throws or rejects with. */
async function message(load: () => unknown): Promise<string> {
  try {
    await load();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected an error');
}

describe('one declaration per setting', () => {
  it.each(SETTING_NAMES)('llm-gate.yml checks %s with the very schema its flag and input are checked by', (name) => {
    expect(fieldSchema(SETTINGS[name].path)).toBe(SETTINGS[name].value);
  });

  it("action.yml's inputs are the ones the declarations make (run npm run gen:settings after changing one)", () => {
    const text = readFileSync(ACTION_YML, 'utf8');
    expect(text).toBe(withGeneratedInputs(text));
    const inputs = (parse(text) as { inputs: Record<string, { description: string; required: boolean; default: string }> }).inputs;
    expect(Object.keys(inputs)).toEqual(declaredInputs().map((i) => i.name));
    for (const declared of declaredInputs()) {
      expect(inputs[declared.name], declared.name).toEqual({ description: declared.description, required: false, default: declared.default });
    }
  });

  it('docs/settings.md is the table the declarations make (run npm run gen:settings after changing one)', () => {
    expect(readFileSync(SETTINGS_DOC, 'utf8')).toBe(settingsDoc());
  });

  it('the help, the flags and the table name every setting, with its default', () => {
    for (const name of SETTING_NAMES) {
      expect(gateFlagOptions).toHaveProperty([name]);
      expect(gateFlagHelp).toContain(`--${name} ${SETTINGS[name].flag.arg}`);
    }
    expect(gateFlagHelp).toMatch(/--concurrency LIST +load steps, e\.g\. 1,8,32 \(default: 4\)/);
    expect(settingsDoc()).toContain('| `bench.concurrency` | `--concurrency LIST` | `concurrency` | 4 |');
    expect(settingsDoc()).toContain('| `compare.store` | `--store KIND` | `store` | local; the Action: git |');
  });
});

describe('one parser per kind of value, the same message from every front end', () => {
  const expected = 'expected a whole number of at least 1, found "lots"';

  it.each<[SettingName, string, string, string]>([
    ['concurrency', '4, lots', 'bench:\n  concurrency: [4, lots]\n', 'field "bench.concurrency[1]"'],
    ['requests', 'lots', 'bench:\n  requests: lots\n', 'field "bench.requests"'],
  ])('%s: the flag, the input and the file name their source, then say the same', async (name, text, yml, field) => {
    expect(await message(() => overridesFromFlags({ [name]: text }))).toBe(`--${name}: ${expected}`);
    // llm-gate bench parses its flags with zod and prefixes the flag itself.
    expect(settingFlagSchema(name).safeParse(text).error?.issues.map((i) => i.message)).toEqual([expected]);
    input(name, text);
    expect(await message(() => getInputs())).toBe(`input "${name}": ${expected}`);
    const dir = tmp();
    writeFileSync(path.join(dir, 'llm-gate.yml'), `target:\n  url: http://127.0.0.1:9/v1\n${yml}`);
    expect(await message(() => loadGateConfig({ env: process.env, overrides: {}, cwd: dir }))).toBe(`llm-gate.yml:4: ${field}: ${expected}`);
  });

  it('reads a list one a line or comma-separated, and refuses an empty item between commas from a flag and an input alike', async () => {
    expect(overridesFromFlags({ concurrency: '1, 4\n\n16\n' })).toMatchObject({ concurrency: [1, 4, 16] });
    const empty = 'expected a list of values separated by commas or lines, found an empty item in "1,,2"';
    expect(await message(() => overridesFromFlags({ concurrency: '1,,2' }))).toBe(`--concurrency: ${empty}`);
    input('concurrency', '1,,2');
    expect(await message(() => getInputs())).toBe(`input "concurrency": ${empty}`);
  });

  it('names a port out of range the same way everywhere', async () => {
    const range = 'expected a whole number from 1 to 65535, found "70000"';
    expect(await message(() => overridesFromFlags({ port: '70000' }))).toBe(`--port: ${range}`);
    input('port', '70000');
    expect(await message(() => getInputs())).toBe(`input "port": ${range}`);
    const dir = tmp();
    writeFileSync(path.join(dir, 'llm-gate.yml'), 'target:\n  url: http://127.0.0.1:9/v1\n  port: 70000\n');
    expect(await message(() => loadGateConfig({ env: process.env, overrides: {}, cwd: dir }))).toBe(`llm-gate.yml:3: field "target.port": ${range}`);
  });

  it('reads DIMENSIONS: reason lines, each recording its flag or input', () => {
    input('accept', 'tpot.p50, json_format: larger model; slower decode accepted\nttft.*: RFC-12');
    expect(getInputs().overrides.accept).toEqual([
      { dimensions: ['tpot.p50', 'json_format'], reason: 'larger model; slower decode accepted', source: 'input "accept"' },
      { dimensions: ['ttft.*'], reason: 'RFC-12', source: 'input "accept"' },
    ]);
    expect(overridesFromFlags({ accept: ['tpot.p50: a', 'ttft.*: b'] }).accept?.map((e) => e.source)).toEqual(['--accept', '--accept']);
    expect(() => overridesFromFlags({ accept: ['tpot.p50:   '] })).toThrow('--accept: "tpot.p50:": expected');
  });

  it('refuses an acceptance without a reason as a usage error, naming the flag or the input once', () => {
    const bad = 'expected "DIMENSION[,DIMENSION…]: reason"';
    expect(() => overridesFromFlags({ accept: ['tpot.p50'] })).toThrow(ConfigError);
    expect(() => overridesFromFlags({ accept: ['tpot.p50'] })).toThrow(`--accept: "tpot.p50": ${bad}`);
    input('accept', 'tpot.p50');
    expect(() => getInputs()).toThrow(ConfigError);
    expect(() => getInputs()).toThrow(`input "accept": "tpot.p50": ${bad}`);
  });

  it('reads a list the same from a flag and from an input written one a line', () => {
    input('concurrency', '1, 4\n16\n');
    expect(getInputs().overrides.concurrency).toEqual([1, 4, 16]);
    expect(overridesFromFlags({ concurrency: '1,4,16' }).concurrency).toEqual([1, 4, 16]);
  });
});

describe('the CLI and the Action normalise the config the same way', () => {
  it('resolve a shipped suite beside the package when the working directory has none, and keep a local one', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'llm-gate.yml'), 'target:\n  url: http://127.0.0.1:9/v1\nbench:\n  prompts: mine\n');
    mkdirSync(path.join(dir, 'mine'));
    const cli = await loadGateConfig({ env: process.env, overrides: overridesFromFlags({}), cwd: dir });
    const action = await loadActionConfig(getInputs(), dir);
    expect(cli.eval.dataset).toBe(path.join(packageRoot(), 'datasets/starter/v1'));
    expect(cli.bench.prompts).toBe('mine');
    // The one difference is the Action's own fallback: baselines on the git branch.
    expect(action).toEqual({ ...cli, compare: { ...cli.compare, store: 'git' } });
  });
});
