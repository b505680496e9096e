import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ACTION_INPUTS } from '../../src/action/inputs.ts';
import { gateConfigSchema } from '../../src/config/schema.ts';
import { actionEntries, runAction } from '../action/runner.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'src/cli/main.ts');

function cli(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'llm-gate-strict-'));

/** Every object schema reachable from `schema`, with its key path, through wrappers, arrays and records. */
function objectSchemas(schema: z.ZodType, at: string): { at: string; schema: z.ZodObject }[] {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault || schema instanceof z.ZodNullable) return objectSchemas(schema.unwrap() as z.ZodType, at);
  if (schema instanceof z.ZodArray) return objectSchemas(schema.element as z.ZodType, `${at}[]`);
  if (schema instanceof z.ZodRecord) return objectSchemas(schema.valueType as z.ZodType, `${at}.*`);
  if (!(schema instanceof z.ZodObject)) return [];
  const shape = schema.shape as Record<string, z.ZodType>;
  return [{ at, schema }, ...Object.entries(shape).flatMap(([k, v]) => objectSchemas(v, at === '' ? k : `${at}.${k}`))];
}

describe('llm-gate.yml is strict at every depth', () => {
  it('rejects unknown keys in every object of the config schema, nested ones included', () => {
    const objects = objectSchemas(gateConfigSchema, '');
    expect(objects.map((o) => o.at)).toEqual(expect.arrayContaining(['', 'target', 'target.build', 'target.volumes[]', 'bench.slo', 'bench.sequential', 'eval.judge']));
    const loose = objects.filter((o) => !(o.schema._zod.def.catchall instanceof z.ZodNever)).map((o) => o.at || '(top level)');
    expect(loose).toEqual([]);
  });

  const url = 'target:\n  url: http://127.0.0.1:9/v1\n';
  it.each([
    [`${url}tresholds:\n  factual: 0.99\n`, 3, 'tresholds', '"thresholds"'],
    [`${url}bench:\n  concurency: [8]\n`, 4, 'bench.concurency', '"concurrency"'],
    ['target:\n  imagee: x\n', 2, 'target.imagee', '"image"'],
    [`${url}bench:\n  sequential:\n    maxRequest: 8\n`, 5, 'bench.sequential.maxRequest', '"maxRequests"'],
    ['target:\n  image: x\n  volumes:\n    - {host: /m, container: /c, readonly: true}\n', 4, 'target.volumes[0].readonly', '"readOnly"'],
  ])('exits 2 on a misspelt key, naming file, line, key path and the nearest valid key (%#)', (yml, line, key, near) => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'llm-gate.yml'), yml);
    const r = cli(['run', '--out', path.join(dir, 'out')], dir);
    expect(r.code, r.out).toBe(2);
    expect(r.out).toContain(`llm-gate.yml:${line}: field "${key}": unknown key: did you mean ${near}?`);
    // Refused before anything ran: no report of a run that never happened.
    expect(existsSync(path.join(dir, 'out', 'report.json'))).toBe(false);
  });

  it('exits 2 before booting the target when a threshold names no dimension of the dataset, naming its line', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'llm-gate.yml'), 'thresholds:\n  factal: 0.99\n');
    const r = cli(['run', '--command', 'touch started; exit 9', '--baseline', 'none', '--out', 'out'], dir);
    expect(r.code, r.out).toBe(2);
    expect(r.out).toContain('llm-gate.yml:2: field "thresholds.factal": no dimension "factal" in the dataset');
    expect(r.out).toContain('did you mean "factual"?');
    expect(existsSync(path.join(dir, 'started'))).toBe(false);
    // A config error, like an unknown key: no report of a run that never happened.
    expect(existsSync(path.join(dir, 'out', 'report.json'))).toBe(false);
  });

  it('exits 2 when thresholds are set but the eval, the only thing they could apply to, is off', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'llm-gate.yml'), 'eval: {enabled: false}\nthresholds: {factual: 0.9}\n');
    const r = cli(['run', '--command', 'touch started; exit 9', '--baseline', 'none', '--out', 'out'], dir);
    expect(r.code, r.out).toBe(2);
    expect(r.out).toContain('llm-gate.yml:2: field "thresholds.factual": the eval is disabled');
    expect(existsSync(path.join(dir, 'started'))).toBe(false);
  });
});

describe('CLI flags are strict on every command', () => {
  it.each(['run', 'eval', 'bench', 'compare', 'simulate', 'demo'])('%s exits 2 naming an unknown flag', (command) => {
    const r = cli([command, '--imagee', 'x'], tmp());
    expect(r.code, r.out).toBe(2);
    expect(r.out).toMatch(/^error: unknown flag --imagee: (did you mean|expected one of)/m);
  });

  it('names the nearest flag of the command', () => {
    expect(cli(['run', '--imagee', 'x'], tmp()).out).toContain('unknown flag --imagee: did you mean --image?');
    expect(cli(['bench', '--url', 'http://127.0.0.1:9', '--concurency', '4'], tmp()).out).toContain('unknown flag --concurency: did you mean --concurrency?');
    expect(cli(['simulate', '--tpotms', '3'], tmp()).out).toContain('unknown flag --tpotms: did you mean --tpot-ms?');
  });

  it('names the flags that would supply a missing required input', () => {
    const evalRun = cli(['eval'], tmp());
    expect(evalRun.code).toBe(2);
    expect(evalRun.out).toContain('missing --url');
    const run = cli(['run', '--out', 'out'], tmp());
    expect(run.code).toBe(2);
    expect(run.out).toContain('give --image, --build, --command or --url');
  });
});

describe('dataset manifests and items are strict', () => {
  function dataset(edit: (manifest: string, items: string[]) => [string, string[]]): string {
    const dir = tmp();
    const ds = path.join(dir, 'suite');
    cpSync(path.join(ROOT, 'datasets/starter/v1'), ds, { recursive: true });
    const manifest = readFileSync(path.join(ds, 'dataset.yaml'), 'utf8');
    const items = readFileSync(path.join(ds, 'items.jsonl'), 'utf8').split('\n');
    const [m, i] = edit(manifest, items);
    writeFileSync(path.join(ds, 'dataset.yaml'), m);
    writeFileSync(path.join(ds, 'items.jsonl'), i.join('\n'));
    return ds;
  }

  it('exits 2 on an unknown manifest key, naming dataset.yaml:LINE and the nearest key', () => {
    const ds = dataset((m, items) => [m.replace(/^version:/m, 'descripton: x\nversion:'), items]);
    const line = readFileSync(path.join(ds, 'dataset.yaml'), 'utf8').split('\n').findIndex((l) => l.startsWith('descripton')) + 1;
    const r = cli(['run', '--command', 'exit 9', '--dataset', ds, '--baseline', 'none', '--out', 'out'], path.dirname(ds));
    expect(r.code, r.out).toBe(2);
    expect(r.out).toContain(`dataset.yaml:${line}: unknown field "descripton" (did you mean "description"?)`);
  });

  it('exits 2 on an unknown item field, naming items.jsonl:LINE and the nearest field', () => {
    const ds = dataset((m, items) => [m, items.map((l, i) => (i === 1 ? l.replace('"reference"', '"refrence"') : l))]);
    const r = cli(['run', '--command', 'exit 9', '--dataset', ds, '--baseline', 'none', '--out', 'out'], path.dirname(ds));
    expect(r.code, r.out).toBe(2);
    expect(r.out).toContain('items.jsonl:2: unknown field "refrence" (did you mean "reference"?)');
  });
});

describe('Action inputs are strict', () => {
  it('declares in code exactly the inputs of action.yml', () => {
    const declared = Object.keys((parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as { inputs: object }).inputs);
    expect([...ACTION_INPUTS].sort()).toEqual(declared.sort());
  });

  it.each(actionEntries('main'))('%s fails with exit-code 2 naming an unknown with: input and the nearest one', async (entry) => {
    const dir = tmp();
    const run = await runAction(entry, { imagee: 'x', url: 'http://127.0.0.1:9/v1', out: path.join(dir, 'out') });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('unknown input "imagee": did you mean "image"?');
    expect(run.outputs).toMatchObject({ verdict: 'error', 'exit-code': '2' });
  });
});
