import type { z } from 'zod';
import { knownKeysAt, nearest } from '../suggest.ts';

/**
 * Turns zod issues into `field "a.0.b": expected …, found …` lines a dataset author can act on; with the
 * schema that raised it, an unknown field names the nearest one the schema accepts there.
 */
export function describeIssue(issue: z.core.$ZodIssue, prefix: PropertyKey[] = [], schema?: z.ZodType): string {
  const path = [...prefix, ...issue.path].map(String).join('.');
  const field = path === '' ? '' : `field "${path}": `;
  return `${field}${describeProblem(issue, schema)}`;
}

function found(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'an object';
  const text = JSON.stringify(input);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

function describeProblem(issue: z.core.$ZodIssue, schema: z.ZodType | undefined): string {
  switch (issue.code) {
    case 'invalid_value':
      return `expected one of ${issue.values.map(String).join('|')}, found ${found(issue.input)}`;
    case 'invalid_type':
      return issue.input === undefined ? `required (${issue.expected})` : `expected ${issue.expected}, found ${found(issue.input)}`;
    case 'unrecognized_keys': {
      const known = schema ? knownKeysAt(schema, issue.path) : [];
      const named = issue.keys.map((k) => {
        const near = nearest(k, known);
        return near === undefined ? `"${k}"` : `"${k}" (did you mean "${near}"?)`;
      });
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${named.join(', ')}`;
    }
    default:
      return issue.message;
  }
}
