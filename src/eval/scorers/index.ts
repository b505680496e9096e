import { contains } from './contains.ts';
import { embedding } from './embedding.ts';
import { exact } from './exact.ts';
import { jsonSchema } from './json-schema.ts';
import { jsonValid } from './json-valid.ts';
import { latency } from './latency.ts';
import { llmJudge } from './llm-judge.ts';
import { normalized } from './normalized.ts';
import { notContains } from './not-contains.ts';
import { numeric } from './numeric.ts';
import { refusal } from './refusal.ts';
import { regex } from './regex.ts';
import { rougeLScorer } from './rouge-l.ts';
import type { Scorer } from './types.ts';

/** Scorer type name, as written in dataset.yaml and items, to its module: adding a scorer adds one line. */
export const scorers: Record<string, Scorer> = {
  exact,
  normalized,
  contains,
  'not-contains': notContains,
  regex,
  'json-valid': jsonValid,
  'json-schema': jsonSchema,
  numeric,
  refusal,
  'rouge-l': rougeLScorer,
  embedding,
  latency,
  'llm-judge': llmJudge,
};

export const JUDGE_SCORER = 'llm-judge';
