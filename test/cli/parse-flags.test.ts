import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { parseCommandFlags } from '../../src/cli/parse-flags.ts';

const options = { concurrency: { type: 'string' }, timeout: { type: 'string' }, 'error-rate': { type: 'string' } } as const;
const schema = z.object({
  concurrency: z.coerce.number().int().min(1).default(4),
  timeout: z.coerce.number().positive().default(60),
  'error-rate': z.coerce.number().min(0).max(1).default(0),
});

/** The first line written to stderr for these flags, and the exit code. */
function firstError(argv: string[]): { line: string; exitCode: number } {
  let text = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  });
  const parsed = parseCommandFlags(argv, options, schema, 'Usage: test');
  vi.restoreAllMocks();
  expect(parsed.ok).toBe(false);
  return { line: text.split('\n')[0]!, exitCode: parsed.ok ? 0 : parsed.exitCode };
}

afterEach(() => vi.restoreAllMocks());

describe('numeric flags parsed by a command schema', () => {
  it('name the flag and the text found, not the coercion', () => {
    expect(firstError(['--concurrency', 'lots'])).toEqual({ line: 'error: --concurrency: expected a number, found "lots"', exitCode: 2 });
    expect(firstError(['--concurrency', '1.5']).line).toBe('error: --concurrency: expected a whole number, found "1.5"');
  });

  it('say the bound a value is outside of', () => {
    expect(firstError(['--concurrency', '0']).line).toBe('error: --concurrency: expected a number of at least 1, found "0"');
    expect(firstError(['--timeout', '0']).line).toBe('error: --timeout: expected a number greater than 0, found "0"');
    expect(firstError(['--error-rate', '2']).line).toBe('error: --error-rate: expected a number of at most 1, found "2"');
  });
});

describe('a numeric flag whose schema words its own message', () => {
  it('keeps that message', async () => {
    const { settingFlagSchema } = await import('../../src/config/settings.ts');
    let text = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      text += String(chunk);
      return true;
    });
    parseCommandFlags(['--concurrency', 'lots'], { concurrency: { type: 'string' } }, z.object({ concurrency: settingFlagSchema('concurrency') }), 'Usage: test');
    vi.restoreAllMocks();
    expect(text.split('\n')[0]).toBe('error: --concurrency: expected a whole number of at least 1, found "lots"');
  });
});
