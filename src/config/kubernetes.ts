import { z } from 'zod';

/**
 * `target.kubernetes`: gate the candidate in a cluster with the team's own manifests. The image in
 * `target.image` replaces the image of `container` in the workload; `target.port` is that
 * container's serving port.
 */
export const kubernetesTargetSchema = z
  .object({
    /** Plain YAML files (Helm-rendered or kustomize-built output is plain YAML too): a Deployment, StatefulSet or LeaderWorkerSet, and optionally a Service. */
    manifests: z.array(z.string().min(1)).min(1),
    /** The container of the workload whose image is the candidate. */
    container: z.string().min(1),
    /** The workload's name, when the manifests hold more than one. */
    workload: z.string().min(1).optional(),
    /** A namespace that exists: only what the gate created in it is deleted. Absent: an ephemeral namespace, deleted whole. */
    namespace: z.string().min(1).optional(),
    /** A kubeconfig file; absent: $KUBECONFIG or ~/.kube/config, or the in-cluster service account. */
    kubeconfig: z.string().min(1).optional(),
    context: z.string().min(1).optional(),
    /**
     * How the gate reaches the server: `port-forward` through the API server, or `service` (the
     * Service's in-cluster DNS name, for a runner that runs in the cluster). `auto`: service when
     * running in the cluster without a kubeconfig, else port-forward.
     */
    access: z.enum(['auto', 'port-forward', 'service']).default('auto'),
    /** The Service to use with access `service`; default: the one Service of the manifests. */
    service: z.string().min(1).optional(),
    /** Container log lines kept for the report when the pod fails. */
    logLines: z.number().int().min(1).max(1000).default(40),
    /** Seconds allowed for deleting the namespace (or the created objects) at the end. */
    cleanupTimeoutS: z.number().positive().default(60),
  })
  .strict();
export type KubernetesTargetConfig = z.infer<typeof kubernetesTargetSchema>;
