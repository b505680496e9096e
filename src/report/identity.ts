import { createHash } from 'node:crypto';
import { z } from 'zod';
import { choiceError } from '../suggest.ts';
import type { Identity, Report } from './schema.ts';

/** Fields whose difference makes a baseline another thing; `--allow-change FIELD` compares anyway. */
export const IDENTITY_FIELDS = ['model', 'engine', 'gpu', 'dataset'] as const;
export type IdentityField = (typeof IDENTITY_FIELDS)[number];
export const identityFieldSchema = z.enum(IDENTITY_FIELDS, { error: choiceError(IDENTITY_FIELDS) });

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48) || 'x';
}

/**
 * The line name: readable (`qwen2.5-0.5b-instruct.nvidia-h100-80gb-hbm3x2`) plus a short hash of the exact
 * values, so two models that slug alike still get two lines. `cpu` where no GPU was seen.
 */
export function lineOf(i: Pick<Identity, 'model' | 'gpu'>): string {
  const model = i.model ?? 'unknown-model';
  const gpu = i.gpu && i.gpu.count > 0 ? `${i.gpu.name}x${i.gpu.count}` : 'cpu';
  const hash = createHash('sha256').update(JSON.stringify([model, gpu])).digest('hex').slice(0, 8);
  return `${slug(model).toLowerCase()}.${slug(gpu).toLowerCase()}.${hash}`;
}

/** The leading number of a version (`v0.9.2` -> `0`, `3.0.1` -> `3`); undefined when there is none. */
export function majorVersion(version: string | undefined): string | undefined {
  return version ? /(\d+)/.exec(version)?.[1] : undefined;
}

/**
 * A report's identity: its own section when it has one, else what older reports already said (subject
 * model, engine and image, the dataset's hash).
 */
export function identityOfReport(report: Report): Identity {
  if (report.identity) return report.identity;
  const s = report.subject;
  const d = report.quality?.dataset;
  const partial = {
    ...(s.model ? { model: s.model } : {}),
    ...(s.engine && s.engine !== 'openai' ? { engine: s.engine } : {}),
    ...(s.image ? { image: s.image } : {}),
    ...(s.digest ? { imageDigest: s.digest } : {}),
    ...(d ? { dataset: `${d.name}@${d.version}`, datasetSha256: d.sha256 } : {}),
  };
  return { ...partial, line: lineOf(partial) };
}

export interface IdentityDifference {
  field: IdentityField;
  baseline: string;
  candidate: string;
}

function gpuText(gpu: Identity['gpu']): string | undefined {
  if (!gpu) return undefined;
  return gpu.count > 0 ? `${gpu.count}x ${gpu.name}` : 'no GPU';
}

/**
 * What makes the baseline another thing than the candidate: another model (or weights), another engine or
 * engine major version, another GPU type or count, another dataset content. Fields in `allowed` and fields
 * one side does not know are not compared. Pure.
 */
export function identityDifferences(baseline: Identity, candidate: Identity, allowed: readonly IdentityField[] = []): IdentityDifference[] {
  const out: IdentityDifference[] = [];
  const check = (field: IdentityField, b: string | undefined, c: string | undefined): void => {
    if (allowed.includes(field) || b === undefined || c === undefined || b === c) return;
    out.push({ field, baseline: b, candidate: c });
  };
  check('model', baseline.model, candidate.model);
  if (!out.some((d) => d.field === 'model')) check('model', baseline.weightsDigest, candidate.weightsDigest);
  const engine = (i: Identity): string | undefined => {
    if (!i.engine) return undefined;
    const major = majorVersion(i.engineVersion);
    return major !== undefined ? `${i.engine} ${major}.x` : i.engine;
  };
  // An engine version is compared only when both sides know it; an unknown version is not a difference.
  if (baseline.engine && candidate.engine && baseline.engine !== candidate.engine) check('engine', baseline.engine, candidate.engine);
  else if (baseline.engineVersion && candidate.engineVersion) check('engine', engine(baseline), engine(candidate));
  check('gpu', gpuText(baseline.gpu), gpuText(candidate.gpu));
  check('dataset', baseline.datasetSha256 && `${baseline.dataset ?? 'dataset'} sha256 ${baseline.datasetSha256.slice(0, 12)}`, candidate.datasetSha256 && `${candidate.dataset ?? 'dataset'} sha256 ${candidate.datasetSha256.slice(0, 12)}`);
  return out;
}

/** One sentence per difference, and how to compare anyway. */
export function describeDifferences(ref: string, diffs: IdentityDifference[]): string {
  const what = diffs.map((d) => `${d.field}: baseline ${d.baseline}, candidate ${d.candidate}`).join('; ');
  const fields = diffs.map((d) => d.field).join(',');
  return (
    `baseline ${ref} measured something else (${what}); refusing to compare unlike with unlike. ` +
    `To compare anyway pass --allow-change ${fields} (Action input allow-change: ${fields}, llm-gate.yml compare.allowChange), ` +
    `or --baseline none for a first run of this identity`
  );
}
