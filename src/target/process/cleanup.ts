import { z } from 'zod';
import { groupAlive, killProcessGroup } from './group.ts';

/** What a cut-short command run leaves: the process group of the command it spawned (pgid = the leader's pid). */
export const processCleanupSchema = z.object({ kind: z.literal('command'), pgid: z.number().int().gt(1) });
export type ProcessCleanup = z.infer<typeof processCleanupSchema>;

/** Stops the process group a cut-short run left; says what it did, or undefined when no process of it was left. */
export async function cleanUpProcessGroup(state: ProcessCleanup): Promise<string | undefined> {
  if (!groupAlive(state.pgid)) return undefined;
  await killProcessGroup(state.pgid);
  return `stopped process group ${state.pgid}`;
}

/** What the warning says when the group could not be stopped. */
export const processCleanupFailure = (state: ProcessCleanup): string => `could not stop process group ${state.pgid}`;
