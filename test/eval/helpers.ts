import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { scorers } from '../../src/eval/scorers/index.ts';
import type { ScoreInput, ScoreResult, ScorerServices } from '../../src/eval/scorers/types.ts';

/** Services for scorers that must not touch the network: any call is a test failure. */
export const offlineServices: ScorerServices = {
  embed: () => Promise.reject(new Error('no embeddings in this test')),
  judge: () => Promise.reject(new Error('no judge in this test')),
};

/** Validates settings through the scorer's own schema (as dataset loading does), then scores. */
export async function score(
  type: string,
  settings: Record<string, unknown>,
  input: Partial<ScoreInput> & { output: string },
): Promise<ScoreResult> {
  const scorer = scorers[type];
  if (!scorer) throw new Error(`no scorer ${type}`);
  return scorer.score(
    { reference: undefined, messages: [{ role: 'user', content: 'q' }], latencyMs: 0, services: offlineServices, ...input },
    scorer.settings.parse(settings),
  );
}

/** Writes a dataset version into a fresh temp dir; returns the dir and a cleanup. */
export async function writeDataset(
  manifest: Record<string, unknown> | string,
  items: Array<Record<string, unknown> | string>,
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(path.join(tmpdir(), 'llm-gate-ds-'));
  const dir = path.join(root, 'suite', 'v1');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'dataset.yaml'), typeof manifest === 'string' ? manifest : stringify(manifest));
  await writeFile(path.join(dir, 'items.jsonl'), `${items.map((i) => (typeof i === 'string' ? i : JSON.stringify(i))).join('\n')}\n`);
  return { dir, cleanup: () => rm(root, { recursive: true, force: true }) };
}
