import { Ajv, type ValidateFunction } from 'ajv';
import { z } from 'zod';
import { jsonSettings, parseJsonOutput } from './json-valid.ts';
import { defineScorer, verdict } from './types.ts';

const ajv = new Ajv({ allErrors: true, strict: false });
// Compiled once per distinct schema: the same dimension schema serves every item.
const compiled = new Map<string, ValidateFunction>();

function validator(schema: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(schema);
  let v = compiled.get(key);
  if (!v) {
    v = ajv.compile(schema);
    compiled.set(key, v);
  }
  return v;
}

export const jsonSchema = defineScorer({
  description: 'the output is JSON that validates against `schema` (JSON Schema, draft-07 via ajv)',
  settings: z
    .strictObject({ schema: z.record(z.string(), z.unknown()), ...jsonSettings })
    .superRefine((s, ctx) => {
      try {
        validator(s.schema);
      } catch (e) {
        ctx.addIssue({ code: 'custom', path: ['schema'], message: `not a valid JSON Schema: ${(e as Error).message}` });
      }
    }),
  needsReference: () => false,
  score({ output }, s) {
    const parsed = parseJsonOutput(output, s.allowCodeFence);
    if (!parsed.ok) return verdict(false, parsed.reason);
    const validate = validator(s.schema);
    if (validate(parsed.value)) return verdict(true, 'valid against the schema');
    const errors = (validate.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
    return verdict(false, `schema violations: ${errors.join('; ')}`);
  },
});
