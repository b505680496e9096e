import { z } from 'zod';
import { cleanUpContainer, containerCleanupFailure, containerCleanupSchema, type ContainerCleanup } from './docker/cleanup.ts';
import { kubernetesCleanupFailure, kubernetesCleanupSchema, type KubernetesCleanup } from './kubernetes/cleanup-state.ts';
import { cleanUpProcessGroup, processCleanupFailure, processCleanupSchema, type ProcessCleanup } from './process/cleanup.ts';
import { errorText } from '../log.ts';

/**
 * What a cut-short run left that must be stopped, one shape per kind of target that starts something
 * (a url target starts nothing). Saved by the Action for its post step, held by the guard for signals.
 */
export const cleanupStateSchema = z.discriminatedUnion('kind', [containerCleanupSchema, processCleanupSchema, kubernetesCleanupSchema]);
export type CleanupState = z.infer<typeof cleanupStateSchema>;

interface Cleaner<S> {
  /** Stops what `state` names, waiting up to `waitS` where deletion takes time; says what it did (undefined: nothing was left). Throws when it cannot. */
  clean(state: S, waitS: number): Promise<string | undefined>;
  /** The warning's words when `clean` threw. */
  failure(state: S): string;
}

const CLEANERS: { [K in CleanupState['kind']]: Cleaner<Extract<CleanupState, { kind: K }>> } = {
  image: { clean: (s: ContainerCleanup) => cleanUpContainer(s), failure: containerCleanupFailure },
  command: { clean: (s: ProcessCleanup) => cleanUpProcessGroup(s), failure: processCleanupFailure },
  kubernetes: {
    clean: async (s: KubernetesCleanup, waitS: number) => {
      // Loaded on use: the Kubernetes client is most of the bundle's size, and most runs never need it.
      const { deleteSavedRun } = await import('./kubernetes/cleanup.ts');
      return deleteSavedRun(s, waitS);
    },
    failure: kubernetesCleanupFailure,
  },
};

/** What cleaning up `state` did, in words (`done`, absent when nothing was left), or why it failed (`failed`). Never throws. */
export type CleanupOutcome = { done?: string } | { failed: string };

/**
 * Stops what a cut-short run left, by kind: removes the container, kills the process group, or
 * deletes the Kubernetes run (waiting up to `waitS` for it to be gone).
 */
export async function cleanUpTarget<K extends CleanupState['kind']>(state: Extract<CleanupState, { kind: K }>, waitS: number): Promise<CleanupOutcome> {
  const cleaner = CLEANERS[state.kind as K] as Cleaner<Extract<CleanupState, { kind: K }>>;
  try {
    const done = await cleaner.clean(state, waitS);
    return done === undefined ? {} : { done };
  } catch (err) {
    return { failed: `${cleaner.failure(state)}: ${errorText(err)}` };
  }
}
