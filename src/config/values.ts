import { z } from 'zod';

/**
 * The kinds of value a setting holds, each parsed by one function whatever its source: llm-gate.yml, a CLI
 * flag or an Action input. A flag's or an input's text is first read into the form the file holds
 * (`"1, 4"` into `[1, 4]`), then checked by the same zod schema as the file, so every source gets the same
 * message; only the prefix naming the source differs (`llm-gate.yml:4: field "bench.concurrency[1]"`,
 * `--concurrency`, `input "concurrency"`).
 */

/** A value as a message shows it: text and numbers quoted as written (`"lots"`, `"0"`), containers by kind. */
export function shown(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'object') return 'a mapping';
  return `"${String(value)}"`;
}

/** A whole number of at least `min` (and at most `max`): `expected a whole number from 1 to 65535, found "70000"`. */
export function wholeNumber(min: number, max?: number) {
  const expected = max === undefined ? `expected a whole number of at least ${min}` : `expected a whole number from ${min} to ${max}`;
  const error = (issue: { input?: unknown }) => `${expected}, found ${shown(issue.input)}`;
  const n = z.number({ error }).int({ error }).min(min, { error });
  return max === undefined ? n : n.max(max, { error });
}

/** A malformed text form (a flag's or an input's); the caller prefixes the source. */
export class TextFormError extends Error {
  override name = 'TextFormError';
}

/**
 * Reads a flag's or an input's text into the value llm-gate.yml would hold, before the setting's schema checks
 * it. `source` names where the text came from (`--accept`), for values that record it. Throws TextFormError.
 */
export type TextReader = (text: string, source: string) => unknown;

/** Text as it is: the schema decides (URLs, engine names, store kinds). */
export const asText: TextReader = (text) => text;

/** A number written in decimal becomes a number; anything else stays text, so the schema names it as found. */
export const asNumber: TextReader = (text) => (/^[+-]?\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : text);

/** Items separated by commas or newlines (`1, 4` or one a line, as workflow YAML writes lists), each read by `item`. */
export function asList(item: TextReader): TextReader {
  return (text, source) =>
    text
      .split('\n')
      .map((line) => line.trim())
      // Blank lines separate nothing (a YAML block scalar ends with one); an empty item between commas is a typo.
      .filter((line) => line !== '')
      .flatMap((line) =>
        line.split(',').map((part) => {
          if (part.trim() === '') throw new TextFormError(`expected a list of values separated by commas or lines, found an empty item in "${line}"`);
          return item(part.trim(), source);
        }),
      );
}
