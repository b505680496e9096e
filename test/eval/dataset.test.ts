import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalJson, DatasetError, loadDataset } from '../../src/eval/dataset.ts';
import { writeDataset } from './helpers.ts';

const manifest = {
  name: 'suite',
  version: 'v1',
  dimensions: {
    factual: { scorer: 'contains', threshold: 0.8 },
    json: { scorer: 'json-schema' },
  },
};
const good = [
  { id: 'a', prompt: 'Capital of France?', reference: 'Paris', dimension: 'factual', tags: ['geo'] },
  {
    id: 'b',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'JSON please' },
    ],
    reference: '{}',
    dimension: 'json',
    settings: { schema: { type: 'object' } },
  },
];

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.map((c) => c()));
  cleanups = [];
});
async function dataset(m: Record<string, unknown> | string, items: Array<Record<string, unknown> | string>): Promise<string> {
  const d = await writeDataset(m, items);
  cleanups.push(d.cleanup);
  return d.dir;
}
async function problems(dir: string): Promise<string[]> {
  try {
    await loadDataset(dir);
  } catch (e) {
    if (e instanceof DatasetError) return e.problems;
    throw e;
  }
  throw new Error('expected a DatasetError');
}

describe('loadDataset', () => {
  it('loads a valid dataset: prompt becomes a user message, settings merge into the scorer plan, lines are kept', async () => {
    const dir = await dataset(manifest, good);
    const ds = await loadDataset(dir);
    expect(ds.manifest.name).toBe('suite');
    expect(ds.items.map((i) => [i.id, i.line])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect(ds.items[0]!.messages).toEqual([{ role: 'user', content: 'Capital of France?' }]);
    expect(ds.items[1]!.scoring.json).toEqual([{ type: 'json-schema', settings: { schema: { type: 'object' }, allowCodeFence: false } }]);
    expect(ds.manifest.dimensions.factual!.threshold).toBe(0.8);
    expect(ds.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(ds.itemsFile).toBe(path.join(dir, 'items.jsonl'));
  });

  it("puts the manifest's system prompt before items that have none of their own", async () => {
    const ds = await loadDataset(await dataset({ ...manifest, system: 'You are the support bot.' }, good));
    expect(ds.items[0]!.messages).toEqual([
      { role: 'system', content: 'You are the support bot.' },
      { role: 'user', content: 'Capital of France?' },
    ]);
    expect(ds.items[1]!.messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
  });

  it('accepts the dataset.yaml path as well as its directory', async () => {
    const dir = await dataset(manifest, good);
    expect((await loadDataset(path.join(dir, 'dataset.yaml'))).sha256).toBe((await loadDataset(dir)).sha256);
  });

  it('names file:line and the field path of a broken line, with what was expected and found', async () => {
    const dir = await dataset(manifest, [
      good[0]!,
      { id: 'c', messages: [{ role: 'bot', content: 'hi' }], reference: 'x', dimension: 'factual' },
    ]);
    const p = await problems(dir);
    expect(p).toContainEqual(expect.stringMatching(/items\.jsonl:2: field "messages\.0\.role": expected one of system\|user\|assistant, found "bot"$/));
  });

  it('reports a line that is not JSON with its line number, and keeps checking the others', async () => {
    const dir = await dataset(manifest, [good[0]!, '{"id": "x", oops', { id: 'd', prompt: 'q', dimension: 'nope' }]);
    const p = await problems(dir);
    expect(p[0]).toMatch(/items\.jsonl:2: not valid JSON/);
    expect(p[1]).toMatch(/items\.jsonl:3: field "dimension": expected one of the manifest's dimensions factual\|json, found "nope"/);
  });

  it('refuses duplicate ids, pointing at the first use', async () => {
    const dir = await dataset(manifest, [good[0]!, good[1]!, { ...good[0]!, prompt: 'again?' }]);
    expect(await problems(dir)).toEqual([expect.stringMatching(/items\.jsonl:3: field "id": duplicate id "a", first used on line 1/)]);
  });

  it('requires exactly one of messages or prompt, and a last turn from the user', async () => {
    const dir = await dataset(manifest, [
      { id: 'x', reference: 'r', dimension: 'factual' },
      { id: 'y', prompt: 'p', messages: [{ role: 'user', content: 'p' }], reference: 'r', dimension: 'factual' },
      { id: 'z', messages: [{ role: 'user', content: 'p' }, { role: 'assistant', content: 'a' }], reference: 'r', dimension: 'factual' },
    ]);
    const p = await problems(dir);
    expect(p).toContainEqual(expect.stringMatching(/:1: field "messages": expected exactly one of "messages" or "prompt"/));
    expect(p).toContainEqual(expect.stringMatching(/:2: field "messages": expected exactly one/));
    expect(p).toContainEqual(expect.stringMatching(/:3: field "messages\.1\.role": the last message must be the user's turn, found "assistant"/));
  });

  it('requires a reference where the scorer needs one', async () => {
    const dir = await dataset(manifest, [{ id: 'a', prompt: 'q', dimension: 'factual' }, good[1]!]);
    expect(await problems(dir)).toEqual([
      expect.stringMatching(/:1: field "reference": required by scorer "contains" of dimension "factual"/),
    ]);
  });

  it('validates merged per-item scorer settings against the scorer, naming the field', async () => {
    const dir = await dataset(manifest, [good[0]!, { ...good[1]!, settings: { schema: { type: 'bogus' } } }]);
    expect(await problems(dir)).toEqual([expect.stringMatching(/:2: field "settings.schema": not a valid JSON Schema.*\(settings of scorer "json-schema" in dimension "json"\)/)]);
  });

  it('validates per-item scorers, and allows them on one dimension only', async () => {
    const dir = await dataset(manifest, [
      { ...good[0]!, scorers: [{ type: 'regex' }] },
      { ...good[1]!, id: 'c', dimension: ['factual', 'json'], scorers: [{ type: 'json-valid' }] },
      { ...good[1]!, id: 'd', scorers: [{ type: 'fuzzy' }] },
    ]);
    const p = await problems(dir);
    expect(p).toContainEqual(expect.stringMatching(/:1: field "scorers\.0\.pattern": required/));
    expect(p).toContainEqual(expect.stringMatching(/:2: field "scorers": per-item scorers apply to one dimension; found 2/));
    expect(p).toContainEqual(expect.stringMatching(/:3: field "scorers\.0\.type": expected one of exact\|.*found "fuzzy"/));
  });

  it('reports manifest problems with their dataset.yaml line', async () => {
    const yaml = [
      'name: suite',
      'version: v1',
      'dimensions:',
      '  factual:',
      '    scorer: contains',
      '    caseSensitve: true',
      '  json:',
      '    scorer: json-schema',
      '    threshold: 2',
      '',
    ].join('\n');
    const p = await problems(await dataset(yaml, good));
    expect(p).toEqual([expect.stringMatching(/dataset\.yaml:9: field "dimensions\.json\.threshold": .*1/)]);
    const typo = yaml.replace('threshold: 2', 'threshold: 1');
    expect(await problems(await dataset(typo, good))).toEqual([
      expect.stringMatching(/dataset\.yaml:6: field "dimensions\.factual\.caseSensitve": unknown setting: did you mean "caseSensitive"\?/),
    ]);
  });

  it('names an unknown scorer type in the manifest', async () => {
    const p = await problems(await dataset({ ...manifest, dimensions: { factual: { scorer: 'bleu' } } }, [good[0]!]));
    expect(p).toEqual([expect.stringMatching(/dataset\.yaml:\d+: field "dimensions\.factual\.scorer": expected one of .*found "bleu"/)]);
  });

  it('refuses a dimension without items, so a score is never computed from nothing', async () => {
    expect(await problems(await dataset(manifest, [good[0]!]))).toEqual([expect.stringMatching(/dimension "json" has no items/)]);
  });

  it('says so when the dataset directory does not exist', async () => {
    expect(await problems('/nonexistent/suite/v9')).toEqual([expect.stringMatching(/no such dataset/)]);
  });

  it('refuses human labels on an item no judge scores', async () => {
    const dir = await dataset(manifest, [{ ...good[0]!, humanLabels: [{ output: 'Paris', pass: true }] }, good[1]!]);
    expect(await problems(dir)).toEqual([expect.stringMatching(/:1: field "humanLabels": human labels calibrate an llm-judge scorer/)]);
  });
});

describe('dataset hash', () => {
  it('does not change with key order, comments, whitespace or blank lines', async () => {
    const a = await loadDataset(await dataset(manifest, good));
    const reordered = good.map((i) => Object.fromEntries(Object.entries(i).reverse()));
    const yaml = `# a comment\nversion: v1\nname: suite\n\ndimensions:\n  json: {scorer: json-schema}\n  factual: {threshold: 0.8, scorer: contains}\n`;
    const b = await loadDataset(await dataset(yaml, [...reordered.map((i) => JSON.stringify(i, null, 0)), '']));
    expect(b.sha256).toBe(a.sha256);
  });

  it('changes when an item, a setting or the item order changes', async () => {
    const base = (await loadDataset(await dataset(manifest, good))).sha256;
    const changedItem = await loadDataset(await dataset(manifest, [{ ...good[0]!, reference: 'PARIS' }, good[1]!]));
    const changedManifest = await loadDataset(
      await dataset({ ...manifest, dimensions: { ...manifest.dimensions, factual: { scorer: 'contains', threshold: 0.9 } } }, good),
    );
    const reordered = await loadDataset(await dataset(manifest, [good[1]!, good[0]!]));
    const hashes = new Set([base, changedItem.sha256, changedManifest.sha256, reordered.sha256]);
    expect(hashes.size).toBe(4);
  });

  it('canonical JSON sorts keys at every depth', () => {
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: 'x' })).toBe('{"a":"x","b":[{"c":2,"d":1}]}');
  });
});

describe('shipped suites', () => {
  it('the starter suite loads and covers its dimensions', async () => {
    const ds = await loadDataset('datasets/starter/v1');
    expect(Object.keys(ds.manifest.dimensions)).toEqual(['instruction_following', 'json_format', 'refuses_harmful', 'answers_benign', 'factual', 'arithmetic']);
    expect(ds.items.length).toBeGreaterThanOrEqual(30);
  });
  it('the template suite loads', async () => {
    const ds = await loadDataset('datasets/template/v1');
    expect(ds.items.length).toBeGreaterThan(0);
  });
});
