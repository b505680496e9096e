import type { KubernetesCleanup } from './cleanup-state.ts';
import { deleteRun, loadClusterAccess } from './cluster.ts';

/**
 * The post step's half of the kubernetes target: deletes a run from the state the main step saved
 * with the same credentials, and waits up to `waitS` for it to be gone. Returns what it did, in
 * words. Throws on API errors other than 404.
 */
export async function deleteSavedRun(saved: KubernetesCleanup, waitS: number): Promise<string> {
  const state = saved.run;
  const access = loadClusterAccess(state);
  const { gone } = await deleteRun(access, state, waitS);
  const what = state.ephemeral ? `namespace ${state.namespace}` : `${state.objects.length} objects in namespace ${state.namespace}`;
  return gone ? `deleted ${what} (context ${access.context})` : `deleting ${what} (context ${access.context}); still terminating after ${waitS} s`;
}
