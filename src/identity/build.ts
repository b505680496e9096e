import type { Identity, Report } from '../report/schema.ts';
import { lineOf } from '../report/identity.ts';

/** The candidate's identity from what the gate learnt on the way (pure). */
export function buildIdentity(i: {
  model: string;
  engine: string;
  engineVersion?: string;
  weightsDigest?: string;
  subject: Report['subject'];
  /** The eval dataset (its manifest's name and version, its content hash), when eval ran. */
  dataset: { manifest: { name: string; version: string }; sha256: string } | undefined;
  gpu: Identity['gpu'];
  runner: Identity['runner'];
}): Identity {
  const fields = {
    model: i.model,
    ...(i.weightsDigest ? { weightsDigest: i.weightsDigest } : {}),
    // A server nothing recognised (generic OpenAI) says nothing about its engine.
    ...(i.engine !== 'openai' ? { engine: i.engine } : {}),
    ...(i.engineVersion ? { engineVersion: i.engineVersion } : {}),
    ...(i.subject.image ? { image: i.subject.image } : {}),
    ...(i.subject.digest ? { imageDigest: i.subject.digest } : {}),
    ...(i.dataset ? { dataset: `${i.dataset.manifest.name}@${i.dataset.manifest.version}`, datasetSha256: i.dataset.sha256 } : {}),
    ...(i.gpu ? { gpu: i.gpu } : {}),
    ...(i.runner ? { runner: i.runner } : {}),
  };
  return { ...fields, line: lineOf(fields) };
}
