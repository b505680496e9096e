import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { nearest } from '../suggest.ts';
import { describeIssue } from './issues.ts';
import { JUDGE_SCORER, scorers } from './scorers/index.ts';
import type { ChatMessage } from './scorers/types.ts';

/** A dataset that cannot be used as written; the CLI maps it to exit code 2. */
export class DatasetError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.length === 1 ? problems[0]! : `${problems.length} problems:\n  ${problems.join('\n  ')}`);
    this.name = 'DatasetError';
    this.problems = problems;
  }
}

const MANIFEST_FILE = 'dataset.yaml';
const ITEMS_FILE = 'items.jsonl';
/** Stop collecting after this many problems: a systematically broken file would otherwise flood the log. */
const MAX_PROBLEMS = 20;

const dimensionSchema = z.looseObject({
  scorer: z.string().min(1),
  /** Absolute floor for the dimension's score (0..1). */
  threshold: z.number().min(0).max(1).optional(),
  /** Score points (0..1) the comparison may lose against the baseline before it counts as a regression. */
  tolerance: z.number().min(0).max(1).optional(),
  description: z.string().optional(),
});

export const judgeManifestSchema = z.strictObject({
  /** Defaults for the judge endpoint; the CLI and the gate config override them. */
  baseURL: z.url().optional(),
  model: z.string().min(1).optional(),
  /** Calibration floors: below either, a judge dimension is reported but not trusted to gate. */
  minKappa: z.number().min(-1).max(1).default(0.6),
  minAccuracy: z.number().min(0).max(1).optional(),
});

const manifestSchema = z.strictObject({
  name: z.string().regex(/^[\w.-]+$/, 'expected letters, digits, "-", "_" or "."'),
  version: z.string().regex(/^[\w.-]+$/, 'expected letters, digits, "-", "_" or "."'),
  description: z.string().default(''),
  /** A system prompt for every item that has none of its own (the deployment's usual one, say). */
  system: z.string().min(1).optional(),
  dimensions: z.record(z.string().regex(/^[\w.-]+$/, 'expected a dimension name of letters, digits, "-", "_" or "."'), dimensionSchema).refine(
    (d) => Object.keys(d).length > 0,
    'expected at least one dimension',
  ),
  judge: judgeManifestSchema.optional(),
});

const messageSchema = z.strictObject({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
});

const scorerSpecSchema = z.looseObject({ type: z.string().min(1) });

const humanLabelSchema = z.strictObject({
  /** A fixed answer a person graded; the judge grades the same text, so agreement does not depend on the model under test. */
  output: z.string(),
  pass: z.boolean(),
  note: z.string().optional(),
});

const itemSchema = z
  .strictObject({
    id: z.string().min(1),
    messages: z.array(messageSchema).min(1).optional(),
    prompt: z.string().min(1).optional(),
    reference: z.string().optional(),
    dimension: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    /** Merged over the settings of each of the item's dimensions' scorers. */
    settings: z.record(z.string(), z.unknown()).optional(),
    /** Replaces the dimension's scorer for this item: score is the mean, pass needs every one. */
    scorers: z.array(scorerSpecSchema).min(1).optional(),
    tags: z.array(z.string()).default([]),
    humanLabels: z.array(humanLabelSchema).min(1).optional(),
  })
  .superRefine((item, ctx) => {
    if ((item.messages === undefined) === (item.prompt === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['messages'], message: 'expected exactly one of "messages" or "prompt"' });
    }
    const last = item.messages?.at(-1);
    if (last && last.role !== 'user') {
      ctx.addIssue({
        code: 'custom',
        path: ['messages', item.messages!.length - 1, 'role'],
        message: `the last message must be the user's turn, found "${last.role}"`,
      });
    }
  });

export type Manifest = z.infer<typeof manifestSchema>;
export type JudgeManifest = z.infer<typeof judgeManifestSchema>;
export type HumanLabel = z.infer<typeof humanLabelSchema>;

export interface DimensionSpec {
  scorer: string;
  threshold?: number;
  tolerance?: number;
  description?: string;
  /** The scorer's settings as written in the manifest (unparsed, merged with item settings per item). */
  settings: Record<string, unknown>;
}

/** One scorer with validated settings, ready to run. */
export interface ScorerPlan {
  type: string;
  settings: unknown;
}

export interface DatasetItem {
  id: string;
  /** 1-based line in items.jsonl. */
  line: number;
  /** sha256 of the item as canonical JSON: tells a changed item from an unchanged one with the same id. */
  sha256: string;
  messages: ChatMessage[];
  reference?: string;
  tags: string[];
  humanLabels?: HumanLabel[];
  /** Dimension name to the scorers that grade this item in it. */
  scoring: Record<string, ScorerPlan[]>;
}

export interface Dataset {
  manifest: {
    name: string;
    version: string;
    description: string;
    system?: string;
    dimensions: Record<string, DimensionSpec>;
    judge?: JudgeManifest;
  };
  items: DatasetItem[];
  /**
   * sha256 of the content, not the bytes: "llm-gate-dataset/1", the manifest as canonical JSON (keys sorted),
   * then each item as canonical JSON, one per line, in file order. Comments, key order, whitespace, blank lines
   * and line endings do not change it; any change of a value, an item or the item order does.
   */
  sha256: string;
  dir: string;
  manifestFile: string;
  itemsFile: string;
}

/** JSON with object keys sorted at every depth, so the hash does not depend on how a file orders keys. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function datasetHash(manifest: unknown, items: unknown[]): string {
  const hash = createHash('sha256');
  hash.update('llm-gate-dataset/1\n');
  hash.update(`${canonicalJson(manifest)}\n`);
  for (const item of items) hash.update(`${canonicalJson(item)}\n`);
  return hash.digest('hex');
}

/** A path relative to the working directory when inside it (messages, reports), else absolute. */
export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

async function resolveFiles(input: string): Promise<{ dir: string; manifestFile: string; itemsFile: string }> {
  const abs = path.resolve(input);
  let info;
  try {
    info = await stat(abs);
  } catch {
    throw new DatasetError([`${displayPath(abs)}: no such dataset (expected a directory holding ${MANIFEST_FILE}, or the ${MANIFEST_FILE} itself)`]);
  }
  const dir = info.isDirectory() ? abs : path.dirname(abs);
  return { dir, manifestFile: info.isDirectory() ? path.join(dir, MANIFEST_FILE) : abs, itemsFile: path.join(dir, ITEMS_FILE) };
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new DatasetError([`${displayPath(file)}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`]);
  }
}

/** Parses dataset.yaml; problems carry the YAML line of the offending field where it can be found. */
function parseManifest(file: string, text: string): { raw: unknown; manifest: Dataset['manifest'] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const where = (p: PropertyKey[]): string => {
    const node = p.length === 0 ? doc.contents : doc.getIn(p as unknown[], true);
    const offset = isNode(node) ? node.range?.[0] : undefined;
    return offset === undefined ? displayPath(file) : `${displayPath(file)}:${lineCounter.linePos(offset).line}`;
  };
  if (doc.errors.length > 0) {
    throw new DatasetError(
      doc.errors.slice(0, MAX_PROBLEMS).map((e) => `${displayPath(file)}:${e.linePos?.[0].line ?? '?'}: not valid YAML: ${e.message.split('\n')[0]}`),
    );
  }
  const raw: unknown = doc.toJS();
  const parsed = manifestSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    throw new DatasetError(
      parsed.error.issues.slice(0, MAX_PROBLEMS).map((i) => {
        // An unknown key is found at its own line, not its parent's.
        const at = i.code === 'unrecognized_keys' ? [...i.path, i.keys[0]!] : i.path;
        return `${where(at)}: ${describeIssue(i, [], manifestSchema)}`;
      }),
    );
  }
  const problems: string[] = [];
  const dimensions: Record<string, DimensionSpec> = {};
  for (const [name, d] of Object.entries(parsed.data.dimensions)) {
    const { scorer, threshold, tolerance, description, ...settings } = d;
    const impl = scorers[scorer];
    if (!impl) {
      problems.push(`${where(['dimensions', name, 'scorer'])}: field "dimensions.${name}.scorer": expected one of ${Object.keys(scorers).join('|')}, found "${scorer}"`);
      continue;
    }
    problems.push(...checkDimensionSettings(impl.settings, settings).map((i) => {
      const at = ['dimensions', name, ...i.path];
      return `${where(at)}: field "${at.map(String).join('.')}": ${i.message} (settings of scorer "${scorer}")`;
    }));
    dimensions[name] = { scorer, threshold, tolerance, description, settings };
  }
  if (problems.length > 0) throw new DatasetError(problems);
  return { raw, manifest: { ...parsed.data, dimensions } };
}

type ItemIssue = { path: PropertyKey[]; message: string };

/**
 * Checks a dimension's settings on their own, so a typo is reported at its line in dataset.yaml rather than on
 * every item. Only unknown keys and the type of each key given: required settings may come from the items.
 */
function checkDimensionSettings(schema: z.ZodType, settings: Record<string, unknown>): ItemIssue[] {
  if (!(schema instanceof z.ZodObject)) return [];
  const shape = schema.shape as Record<string, z.ZodType>;
  const known = Object.keys(shape);
  return Object.entries(settings).flatMap(([key, value]): ItemIssue[] => {
    const field = shape[key];
    if (!field) {
      const near = nearest(key, [...known, 'scorer', 'threshold', 'tolerance', 'description']);
      const hint = near === undefined ? `expected one of ${known.join('|')} (or scorer, threshold, tolerance, description)` : `did you mean "${near}"?`;
      return [{ path: [key], message: `unknown setting: ${hint}` }];
    }
    const parsed = field.safeParse(value, { reportInput: true });
    return parsed.success ? [] : parsed.error.issues.map((i) => ({ path: [key, ...i.path], message: describeIssue({ ...i, path: [] }) }));
  });
}

/** Validates scorer settings (dimension's merged with the item's), returning the plan or the problems. */
function planScorer(
  type: string,
  settings: Record<string, unknown>,
  reference: string | undefined,
  at: PropertyKey[],
  dimension: string,
): ScorerPlan | ItemIssue[] {
  const impl = scorers[type];
  if (!impl) return [{ path: [...at, 'type'], message: `expected one of ${Object.keys(scorers).join('|')}, found "${type}"` }];
  const parsed = impl.settings.safeParse(settings, { reportInput: true });
  if (!parsed.success) {
    return parsed.error.issues.map((i) => ({
      path: [],
      message: `${describeIssue(i, at)} (settings of scorer "${type}" in dimension "${dimension}")`,
    }));
  }
  if (reference === undefined && impl.needsReference(parsed.data)) {
    return [{ path: ['reference'], message: `required by scorer "${type}" of dimension "${dimension}" (or give it a "value" setting)` }];
  }
  return { type, settings: parsed.data };
}

function toItem(raw: unknown, line: number, manifest: Dataset['manifest']): DatasetItem | ItemIssue[] {
  const parsed = itemSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) return parsed.error.issues.map((i) => ({ path: [], message: describeIssue(i, [], itemSchema) }));
  const item = parsed.data;
  const dims = [item.dimension].flat();
  const issues: ItemIssue[] = [];
  if (item.scorers && dims.length > 1) {
    issues.push({ path: ['scorers'], message: `per-item scorers apply to one dimension; found ${dims.length} (${dims.join(', ')})` });
  }
  const scoring: Record<string, ScorerPlan[]> = {};
  for (const [di, name] of dims.entries()) {
    const spec = manifest.dimensions[name];
    if (!spec) {
      const at = Array.isArray(item.dimension) ? ['dimension', di] : ['dimension'];
      issues.push({ path: at, message: `expected one of the manifest's dimensions ${Object.keys(manifest.dimensions).join('|')}, found "${name}"` });
      continue;
    }
    const specs = item.scorers
      ? item.scorers.map(({ type, ...settings }, si) => ({ type, settings, at: ['scorers', si] as PropertyKey[] }))
      : [{ type: spec.scorer, settings: { ...spec.settings, ...item.settings }, at: item.settings ? ['settings'] : [] }];
    const plans: ScorerPlan[] = [];
    for (const s of specs) {
      const plan = planScorer(s.type, s.settings, item.reference, s.at, name);
      if (Array.isArray(plan)) issues.push(...plan);
      else plans.push(plan);
    }
    scoring[name] = plans;
  }
  if (item.humanLabels && !Object.values(scoring).some((plans) => plans.some((p) => p.type === JUDGE_SCORER))) {
    issues.push({ path: ['humanLabels'], message: `human labels calibrate an ${JUDGE_SCORER} scorer; none of this item's dimensions uses one` });
  }
  if (issues.length > 0) return issues;
  const messages: ChatMessage[] = item.messages ?? [{ role: 'user', content: item.prompt! }];
  const hasSystem = messages.some((m) => m.role === 'system');
  return {
    id: item.id,
    line,
    sha256: createHash('sha256').update(canonicalJson(raw)).digest('hex'),
    messages: manifest.system && !hasSystem ? [{ role: 'system', content: manifest.system }, ...messages] : messages,
    reference: item.reference,
    tags: item.tags,
    humanLabels: item.humanLabels,
    scoring,
  };
}

function formatItemIssue(file: string, line: number, issue: ItemIssue): string {
  const field = issue.path.length > 0 ? `field "${issue.path.map(String).join('.')}": ` : '';
  return `${displayPath(file)}:${line}: ${field}${issue.message}`;
}

/**
 * Loads and validates a dataset version: `path` is its directory or its dataset.yaml. Every line of items.jsonl
 * is checked (shape, dimensions, scorer settings, references the scorers need); problems name file:line and field.
 */
export async function loadDataset(input: string): Promise<Dataset> {
  const { dir, manifestFile, itemsFile } = await resolveFiles(input);
  const { raw: rawManifest, manifest } = parseManifest(manifestFile, await readText(manifestFile));
  const text = await readText(itemsFile);

  const problems: string[] = [];
  const items: DatasetItem[] = [];
  const rawItems: unknown[] = [];
  const firstLine = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  for (const [i, content] of lines.entries()) {
    if (problems.length >= MAX_PROBLEMS) break;
    const line = i + 1;
    if (content.trim() === '') continue;
    let raw: unknown;
    try {
      raw = JSON.parse(content);
    } catch (e) {
      problems.push(`${displayPath(itemsFile)}:${line}: not valid JSON: ${(e as Error).message}`);
      continue;
    }
    rawItems.push(raw);
    const item = toItem(raw, line, manifest);
    if (Array.isArray(item)) {
      problems.push(...item.map((issue) => formatItemIssue(itemsFile, line, issue)));
      continue;
    }
    const seen = firstLine.get(item.id);
    if (seen !== undefined) {
      problems.push(`${displayPath(itemsFile)}:${line}: field "id": duplicate id "${item.id}", first used on line ${seen}`);
      continue;
    }
    firstLine.set(item.id, line);
    items.push(item);
  }
  if (problems.length === 0 && items.length === 0) problems.push(`${displayPath(itemsFile)}: no items`);
  if (problems.length === 0) {
    for (const name of Object.keys(manifest.dimensions)) {
      if (!items.some((it) => it.scoring[name])) problems.push(`${displayPath(manifestFile)}: dimension "${name}" has no items in ${ITEMS_FILE}`);
    }
  }
  if (problems.length > 0) throw new DatasetError(problems.slice(0, MAX_PROBLEMS));

  return { manifest, items, sha256: datasetHash(rawManifest, rawItems), dir, manifestFile, itemsFile };
}

/** The dimension names of a dataset directory, for the config loader's `thresholds:` check. Throws as loadDataset. */
export async function datasetDimensionNames(dir: string): Promise<string[]> {
  return Object.keys((await loadDataset(dir)).manifest.dimensions);
}
