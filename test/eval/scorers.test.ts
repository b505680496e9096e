import { describe, expect, it } from 'vitest';
import { cosine } from '../../src/eval/scorers/embedding.ts';
import { scorers } from '../../src/eval/scorers/index.ts';
import { extractNumbers } from '../../src/eval/scorers/numeric.ts';
import { looksLikeRefusal } from '../../src/eval/scorers/refusal.ts';
import { rougeL } from '../../src/eval/scorers/rouge-l.ts';
import { normalizeText, stripCodeFence } from '../../src/eval/scorers/text.ts';
import { score } from './helpers.ts';

describe('exact', () => {
  it('passes an answer equal to the reference, ignoring surrounding whitespace', async () => {
    expect(await score('exact', {}, { output: '  Paris\n', reference: 'Paris' })).toMatchObject({ score: 1, pass: true });
  });
  it('fails on any other difference and says what it expected and found', async () => {
    const r = await score('exact', {}, { output: 'paris', reference: 'Paris' });
    expect(r).toMatchObject({ score: 0, pass: false });
    expect(r.reason).toBe('expected "Paris", found "paris"');
  });
  it('keeps whitespace significant with trim: false, and takes value over the reference', async () => {
    expect((await score('exact', { trim: false }, { output: 'a ', reference: 'a' })).pass).toBe(false);
    expect((await score('exact', { value: 'b' }, { output: 'b', reference: 'a' })).pass).toBe(true);
  });
});

describe('normalized', () => {
  it('ignores case, punctuation and whitespace by default', async () => {
    expect((await score('normalized', {}, { output: ' The quick  brown fox. ', reference: 'the Quick brown fox' })).pass).toBe(true);
  });
  it('fails different words', async () => {
    expect((await score('normalized', {}, { output: 'a slow fox', reference: 'the quick brown fox' })).score).toBe(0);
  });
  it('keeps case significant with caseSensitive', async () => {
    expect((await score('normalized', { caseSensitive: true }, { output: 'banana', reference: 'BANANA' })).pass).toBe(false);
    expect((await score('normalized', { caseSensitive: true }, { output: 'BANANA.', reference: 'BANANA' })).pass).toBe(true);
  });
  it('normalizes full-width characters (NFKC)', () => {
    expect(normalizeText('ＡＢＣ')).toBe('abc');
  });
});

describe('contains', () => {
  it('finds the reference case-insensitively by default', async () => {
    expect((await score('contains', {}, { output: 'It is paris, of course.', reference: 'Paris' })).pass).toBe(true);
  });
  it('fails when the reference is missing, naming it', async () => {
    const r = await score('contains', {}, { output: 'It is Lyon.', reference: 'Paris' });
    expect(r).toMatchObject({ score: 0, pass: false });
    expect(r.reason).toContain('missing "Paris"');
  });
  it('scores the share of several values found, passing only when all are', async () => {
    const r = await score('contains', { value: ['red', 'green', 'blue'] }, { output: 'red and blue' });
    expect(r.score).toBeCloseTo(2 / 3);
    expect(r.pass).toBe(false);
  });
  it('passes on one of several values with any: true', async () => {
    expect((await score('contains', { value: ['1945', 'nineteen forty-five'], any: true }, { output: 'In 1945.' })).pass).toBe(true);
    expect((await score('contains', { value: ['x', 'y'], any: true }, { output: 'z' })).pass).toBe(false);
  });
  it('respects caseSensitive', async () => {
    expect((await score('contains', { caseSensitive: true }, { output: 'AU', reference: 'Au' })).pass).toBe(false);
  });
});

describe('not-contains', () => {
  it('passes when none of the values appear', async () => {
    expect((await score('not-contains', { value: ['SECRET', 'system prompt'] }, { output: 'Hello!' })).pass).toBe(true);
  });
  it('fails naming what appeared, case-insensitively', async () => {
    const r = await score('not-contains', { value: ['secret'] }, { output: 'The SECRET is 42' });
    expect(r).toMatchObject({ score: 0, pass: false });
    expect(r.reason).toContain('"secret"');
  });
});

describe('regex', () => {
  it('passes a matching output', async () => {
    expect((await score('regex', { pattern: '^\\s*\\d{5}\\s*$' }, { output: '90210' })).pass).toBe(true);
  });
  it('fails a non-matching output', async () => {
    expect((await score('regex', { pattern: '^\\d{5}$' }, { output: 'ZIP 90210' })).pass).toBe(false);
  });
  it('inverts with expect: no-match, and honours flags', async () => {
    expect((await score('regex', { pattern: 'sorry', flags: 'i', expect: 'no-match' }, { output: 'Sorry!' })).pass).toBe(false);
    expect((await score('regex', { pattern: 'sorry', expect: 'no-match' }, { output: 'Sure.' })).pass).toBe(true);
  });
  it('rejects an invalid pattern when settings are validated', () => {
    const r = scorers.regex!.settings.safeParse({ pattern: '(' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['pattern']);
  });
});

describe('json-valid', () => {
  it('passes output that is JSON as a whole', async () => {
    expect((await score('json-valid', {}, { output: ' {"a": [1, 2]} ' })).pass).toBe(true);
  });
  it('fails prose around JSON, and a code fence unless allowed', async () => {
    expect((await score('json-valid', {}, { output: 'Sure: {"a": 1}' })).pass).toBe(false);
    const fenced = '```json\n{"a": 1}\n```';
    expect((await score('json-valid', {}, { output: fenced })).pass).toBe(false);
    expect((await score('json-valid', { allowCodeFence: true }, { output: fenced })).pass).toBe(true);
  });
  it('strips exactly one surrounding fence', () => {
    expect(stripCodeFence('```\n[1]\n```')).toBe('[1]');
    expect(stripCodeFence('no fence')).toBe('no fence');
  });
});

describe('json-schema', () => {
  const schema = { type: 'object', required: ['name', 'age'], properties: { name: { type: 'string' }, age: { type: 'integer' } } };
  it('passes JSON that validates', async () => {
    expect((await score('json-schema', { schema }, { output: '{"name": "Ada", "age": 36}' })).pass).toBe(true);
  });
  it('fails JSON that violates the schema, listing the violations', async () => {
    const r = await score('json-schema', { schema }, { output: '{"name": "Ada", "age": "36"}' });
    expect(r.pass).toBe(false);
    expect(r.reason).toContain('/age must be integer');
  });
  it('fails output that is not JSON', async () => {
    expect((await score('json-schema', { schema }, { output: 'name: Ada' })).reason).toContain('not valid JSON');
  });
  it('rejects a schema ajv cannot compile when settings are validated', () => {
    const r = scorers['json-schema']!.settings.safeParse({ schema: { type: 'no-such-type' } });
    expect(r.success).toBe(false);
  });
});

describe('numeric', () => {
  it('takes the last number of a worked answer', async () => {
    expect((await score('numeric', {}, { output: '12 × 13 = 156', reference: '156' })).pass).toBe(true);
  });
  it('fails a wrong number and says both', async () => {
    const r = await score('numeric', {}, { output: 'The answer is 43.', reference: '42' });
    expect(r).toMatchObject({ pass: false, reason: 'expected 42, found 43' });
  });
  it('applies absolute and relative tolerances', async () => {
    expect((await score('numeric', { tolerance: 0.01 }, { output: '3.14', reference: '3.14159' })).pass).toBe(true);
    expect((await score('numeric', { relativeTolerance: 0.01 }, { output: '1005', reference: '1000' })).pass).toBe(true);
    expect((await score('numeric', { relativeTolerance: 0.01 }, { output: '1020', reference: '1000' })).pass).toBe(false);
  });
  it('fails an answer without a number, and several numbers with pick: only', async () => {
    expect((await score('numeric', {}, { output: 'forty-two', reference: '42' })).reason).toContain('no number');
    expect((await score('numeric', { pick: 'only' }, { output: '40 + 2 = 42', reference: '42' })).pass).toBe(false);
  });
  it('reads thousands separators, decimals, exponents and signs', () => {
    expect(extractNumbers('1,234.5 and -7 and 3e2 and −2')).toEqual([1234.5, -7, 300, -2]);
  });
  it('reads hyphens inside dates and names as hyphens, not minus signs', () => {
    expect(extractNumbers('On 2024-01-05 GPT-4 said 12')).toEqual([2024, 1, 5, 4, 12]);
  });
});

describe('refusal', () => {
  it('passes a refusal when one is expected', async () => {
    expect((await score('refusal', { expect: 'refuse' }, { output: "I'm sorry, but I can't help with that." })).pass).toBe(true);
  });
  it('fails compliance when a refusal is expected', async () => {
    const r = await score('refusal', { expect: 'refuse' }, { output: 'Sure! Step 1: ...' });
    expect(r.pass).toBe(false);
    expect(r.reason).toContain('expected to refuse, answered');
  });
  it('passes an answer when an answer is expected (no over-refusal)', async () => {
    expect((await score('refusal', { expect: 'answer' }, { output: 'Run kill -9 PID to stop it.' })).pass).toBe(true);
  });
  it('fails a refusal when an answer is expected', async () => {
    expect((await score('refusal', { expect: 'answer' }, { output: 'I cannot help with killing processes.' })).pass).toBe(false);
  });
  it('does not take sympathy for a refusal, and reads curly apostrophes', async () => {
    expect((await score('refusal', { expect: 'answer' }, { output: "I'm sorry to hear that. Run kill -9 PID to stop it." })).pass).toBe(true);
    expect((await score('refusal', { expect: 'refuse' }, { output: 'I’m sorry, but I can’t assist with that.' })).pass).toBe(true);
  });
  it('fails empty output either way', async () => {
    expect((await score('refusal', { expect: 'refuse' }, { output: '  ' })).pass).toBe(false);
    expect((await score('refusal', { expect: 'answer' }, { output: '' })).pass).toBe(false);
  });
  it('understands extra patterns, e.g. another language', async () => {
    expect((await score('refusal', { expect: 'refuse', patterns: ['je ne peux pas'] }, { output: 'Je ne peux pas vous aider.' })).pass).toBe(true);
  });
  it('looks only at the head, so a long answer that quotes a refusal later still counts as an answer', () => {
    expect(looksLikeRefusal(`${'Here is how. '.repeat(40)}Some bots say "I can't help with that".`)).toBe(false);
  });
});

describe('rouge-l', () => {
  it('is 1 for identical token sequences and 0 without overlap', () => {
    expect(rougeL('The cat sat.', 'the cat sat')).toBe(1);
    expect(rougeL('dogs bark', 'the cat sat')).toBe(0);
  });
  it('is the F1 of the longest common subsequence', () => {
    // LCS("the cat sat on the mat", "the cat lay on the mat") = 5 of 6 tokens each.
    expect(rougeL('the cat sat on the mat', 'the cat lay on the mat')).toBeCloseTo(5 / 6);
  });
  it('passes at the threshold and fails below it', async () => {
    expect((await score('rouge-l', { threshold: 0.8 }, { output: 'the cat sat on the mat', reference: 'the cat lay on the mat' })).pass).toBe(true);
    const r = await score('rouge-l', { threshold: 0.8 }, { output: 'a dog on a rug', reference: 'the cat lay on the mat' });
    expect(r.pass).toBe(false);
    expect(r.score).toBeLessThan(0.8);
  });
});

describe('latency', () => {
  it('passes an item within its budget', async () => {
    expect((await score('latency', { budgetMs: 500 }, { output: 'x', latencyMs: 120 })).pass).toBe(true);
  });
  it('fails an item over budget, saying by how much', async () => {
    const r = await score('latency', { budgetMs: 500 }, { output: 'x', latencyMs: 1200 });
    expect(r).toMatchObject({ score: 0, pass: false, reason: '1200 ms against a budget of 500 ms' });
  });
});

describe('embedding (pure part; the endpoint is exercised in runner.test.ts)', () => {
  it('computes cosine similarity', () => {
    expect(cosine([1, 0], [1, 0])).toBe(1);
    expect(cosine([1, 0], [0, 1])).toBe(0);
    expect(cosine([0, 0], [1, 1])).toBe(0);
  });
  it('refuses vectors of different sizes', () => {
    expect(() => cosine([1], [1, 2])).toThrow(/sizes differ/);
  });
});

describe('registry', () => {
  it('has one scorer per documented type', () => {
    expect(Object.keys(scorers).sort()).toEqual(
      ['contains', 'embedding', 'exact', 'json-schema', 'json-valid', 'latency', 'llm-judge', 'normalized', 'not-contains', 'numeric', 'refusal', 'regex', 'rouge-l'].sort(),
    );
  });
  it('rejects unknown settings for every scorer', () => {
    for (const [type, s] of Object.entries(scorers)) {
      expect(s.settings.safeParse({ noSuchSetting: 1 }).success, type).toBe(false);
    }
  });
});
