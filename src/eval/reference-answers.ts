import { loadDataset } from '../eval/dataset.ts';
import type { SimulatedAnswer } from './options.ts';

/** The simulator's answer book from a dataset version: each item with a reference, keyed by its last user turn. */
export async function answersFromDataset(path: string): Promise<SimulatedAnswer[]> {
  const dataset = await loadDataset(path);
  const answers: SimulatedAnswer[] = [];
  for (const item of dataset.items) {
    const prompt = item.messages.findLast((m) => m.role === 'user')?.content;
    if (item.reference !== undefined && prompt) answers.push({ prompt, reference: item.reference });
  }
  return answers;
}
