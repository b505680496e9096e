import { loadDataset } from './dataset.ts';

/** A prompt and the answer a dataset expects for it. */
export interface ReferenceAnswer {
  prompt: string;
  reference: string;
}

/**
 * A dataset version's answer book (the simulator answers from it): each item with a reference, keyed
 * by its last user turn. Throws DatasetError as loadDataset does.
 */
export async function referenceAnswers(path: string): Promise<ReferenceAnswer[]> {
  const dataset = await loadDataset(path);
  const answers: ReferenceAnswer[] = [];
  for (const item of dataset.items) {
    const prompt = item.messages.findLast((m) => m.role === 'user')?.content;
    if (item.reference !== undefined && prompt) answers.push({ prompt, reference: item.reference });
  }
  return answers;
}
