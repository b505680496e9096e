import { z } from 'zod';
import { deleteRun, loadClusterAccess } from './cluster.ts';

const runStateSchema = z.object({
  kubeconfig: z.string().optional(),
  context: z.string().optional(),
  namespace: z.string().min(1),
  ephemeral: z.boolean(),
  objects: z.array(z.object({ apiVersion: z.string(), kind: z.string(), name: z.string(), namespace: z.string() })),
});

/**
 * The post step's half of the kubernetes target: deletes a run from the state the main step saved
 * (JSON of RunState) with the same credentials, and waits up to `waitS` for it to be gone.
 * Returns what it did, in words. Throws on unreadable state or API errors other than 404.
 */
export async function deleteSavedRun(saved: string, waitS: number): Promise<string> {
  const state = runStateSchema.parse(JSON.parse(saved));
  const access = loadClusterAccess(state);
  const { gone } = await deleteRun(access, state, waitS);
  const what = state.ephemeral ? `namespace ${state.namespace}` : `${state.objects.length} objects in namespace ${state.namespace}`;
  return gone ? `deleted ${what} (context ${access.context})` : `deleting ${what} (context ${access.context}); still terminating after ${waitS} s`;
}
