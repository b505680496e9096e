import { z } from 'zod';
import { removeContainer } from './cli.ts';

/** What a cut-short image (or build) run leaves: its container. */
export const containerCleanupSchema = z.object({ kind: z.literal('image'), container: z.string().min(1) });
export type ContainerCleanup = z.infer<typeof containerCleanupSchema>;

/** Removes the container a cut-short run left; says what it did. Throws when docker fails (a container already gone is fine). */
export async function cleanUpContainer(state: ContainerCleanup): Promise<string> {
  await removeContainer(state.container);
  return `removed container ${state.container}`;
}

/** What the warning says when the container could not be removed. */
export const containerCleanupFailure = (state: ContainerCleanup): string => `could not remove container ${state.container}`;
