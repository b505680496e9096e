import { z } from 'zod';

/** What deleting one gate run takes; saved for the post step before anything is created. Light: no Kubernetes client here. */
export const runStateSchema = z.object({
  kubeconfig: z.string().optional(),
  context: z.string().optional(),
  namespace: z.string().min(1),
  /** True: the gate created the namespace and deletes it whole. False: it deletes `objects` only. */
  ephemeral: z.boolean(),
  objects: z.array(z.object({ apiVersion: z.string(), kind: z.string(), name: z.string(), namespace: z.string() })),
});
export type RunState = z.infer<typeof runStateSchema>;

/** What a cut-short Kubernetes run leaves: its namespace, or the objects it created in a given one. */
export const kubernetesCleanupSchema = z.object({ kind: z.literal('kubernetes'), run: runStateSchema });
export type KubernetesCleanup = z.infer<typeof kubernetesCleanupSchema>;

/** What the warning says when the run could not be deleted. */
export const kubernetesCleanupFailure = (): string => 'could not delete the Kubernetes run';
