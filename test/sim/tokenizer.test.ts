import { describe, expect, it } from 'vitest';
import { countTokens, tokenize } from '../../src/sim/tokenizer.ts';
import { fillerText, wrongAnswer } from '../../src/sim/answers.ts';

describe('simulator tokenizer', () => {
  it('splits words and punctuation, each with the whitespace before it', () => {
    expect(tokenize('Hello, world!')).toEqual(['Hello', ',', ' world', '!']);
  });

  it('joins back to the exact text, trailing whitespace and unicode included', () => {
    for (const text of ['  Paris\n', 'naïve café — 42.5%', '', '   ', 'x']) expect(tokenize(text).join('')).toBe(text);
  });

  it('makes filler of exactly the asked number of tokens', () => {
    for (const n of [1, 11, 12, 13, 100]) expect(countTokens(fillerText('p', n, 1))).toBe(n);
  });

  it('gives wrong answers that do not contain the reference', () => {
    expect(wrongAnswer('41')).toBe('42');
    expect(wrongAnswer('Paris')).not.toContain('Paris');
    expect(wrongAnswer('sure').toLowerCase()).not.toContain('sure');
  });
});
