import { describe, expect, it } from 'vitest';
import { colourEnabled, verdictWord } from '../../src/cli/colour.ts';
import { reasonLines } from '../../src/cli/reason-lines.ts';

describe('verdict colour', () => {
  it('colours a terminal, never a pipe, and honours NO_COLOR', () => {
    expect(colourEnabled({ isTTY: true }, {})).toBe(true);
    expect(colourEnabled({ isTTY: false }, {})).toBe(false);
    expect(colourEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourEnabled({ isTTY: true }, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false);
    expect(colourEnabled({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colourEnabled({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(verdictWord('fail', true)).toBe('\u001b[1;31mFAIL\u001b[0m');
    expect(verdictWord('pass', false)).toBe('PASS');
  });
});

describe('reason lines for the terminal', () => {
  it('says each dimension once, a floor failure and a regression of it on one line', () => {
    expect(
      reasonLines([
        { dimension: 'quality.factual', message: 'score 0.500 is below the floor 0.8 (8 items)' },
        { dimension: 'perf.c4.ttft.p50', message: 'perf.c4.ttft.p50 regressed: 51 ms -> 72 ms' },
        { dimension: 'quality.factual', message: 'regressed: 1.000 -> 0.500' },
      ]),
    ).toEqual(['quality.factual: score 0.500 is below the floor 0.8 (8 items); regressed: 1.000 -> 0.500', 'perf.c4.ttft.p50: regressed: 51 ms -> 72 ms']);
  });
});
