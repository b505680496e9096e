import { z } from 'zod';

/** Levenshtein distance: insertions, deletions and substitutions each cost 1. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The candidate nearest to `word` when it is close enough to be a likely typo: at most a third of the
 * longer name's letters apart (at least 2), or the same letters in another case or with `-`/`_` swapped.
 */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  const fold = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = fold(name) === fold(word) ? 0 : editDistance(word.toLowerCase(), name.toLowerCase());
    if (distance <= Math.max(2, Math.floor(Math.max(word.length, name.length) / 3)) && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** `: did you mean X?` for the nearest candidate, else the valid names (`: expected one of a, b, c`). */
export function suggestion(word: string, candidates: readonly string[], show: (name: string) => string = (n) => n): string {
  const near = nearest(word, candidates);
  if (near !== undefined) return `: did you mean ${show(near)}?`;
  return candidates.length > 0 ? `: expected one of ${candidates.map(show).join(', ')}` : '';
}

/** Strips wrappers (optional, default, nullable, pipe, ...) to the schema that checks the value itself. */
function unwrap(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault || schema instanceof z.ZodNullable || schema instanceof z.ZodPrefault) {
    return unwrap(schema.unwrap() as z.ZodType);
  }
  if (schema instanceof z.ZodPipe) return unwrap(schema.in as z.ZodType);
  return schema;
}

/**
 * The keys an object schema accepts at `path` inside `schema` (through optional, default, arrays and
 * records), for naming the nearest valid key of an unknown one; empty where no object schema is found.
 */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node = unwrap(schema);
  for (const segment of path) {
    if (node instanceof z.ZodObject) {
      const child = (node.shape as Record<string, z.ZodType>)[String(segment)];
      if (!child) return [];
      node = unwrap(child);
    } else if (node instanceof z.ZodArray) {
      node = unwrap(node.element as z.ZodType);
    } else if (node instanceof z.ZodRecord) {
      node = unwrap(node.valueType as z.ZodType);
    } else {
      return [];
    }
  }
  return node instanceof z.ZodObject ? Object.keys(node.shape as Record<string, z.ZodType>) : [];
}

/**
 * The message of a zod enum of `names`, naming the value found and, for a likely typo, the nearest name:
 * `expected one of "vllm", "tgi", …, found "vlm": did you mean "vllm"?`.
 */
export function choiceError(names: readonly string[]): (issue: { input?: unknown }) => string {
  return (issue) => {
    const found = typeof issue.input === 'string' ? `"${issue.input}"` : issue.input === undefined ? 'nothing' : JSON.stringify(issue.input);
    const near = typeof issue.input === 'string' ? nearest(issue.input, names) : undefined;
    return `expected one of ${names.map((n) => `"${n}"`).join(', ')}, found ${found}${near === undefined ? '' : `: did you mean "${near}"?`}`;
  };
}
