import type { Extras } from '../report/schema.ts';

export interface ExitInfo {
  code: number | null;
  signal?: string;
  oomKilled: boolean;
  /** How it ended, in words, where the target knows more than an exit code (a Kubernetes rollout that failed). */
  reason?: string;
}

/** A server the gate can talk to, whatever started it. */
export interface RunningTarget {
  kind: 'image' | 'command' | 'url' | 'kubernetes';
  /** Root URL of the server, without /v1. */
  rootURL: string;
  /** Resolves when the container or process exits; never resolves for a url target. */
  exited: Promise<ExitInfo>;
  exitInfo(): ExitInfo | null;
  /** Last lines the server printed, for the report when it dies. */
  logTail(): string[];
  /** Stops and removes what the gate started; safe to call twice. */
  stop(): Promise<void>;
  subject: { image?: string; digest?: string; command?: string; url?: string; kubernetes?: { context: string; namespace: string; workload: string } };
  /** Image targets: the container port the server was expected on (configured, or the image's EXPOSE). */
  containerPort?: number;
  /** Something about the port a person waiting should know (the image exposes another one). */
  portNote?: string;
  /** Report sections the target measured itself (a cluster's rollout timeline), keyed by section name. */
  extras?(): Pick<Extras, 'kubernetes'>;
}

export interface TargetHooks {
  onContainerStarted?(id: string): void;
  onProcessStarted?(pid: number): void;
  /** What the post step needs to delete a Kubernetes run (JSON of src/target/kubernetes/cleanup.ts), saved before anything is created. */
  onKubernetesRun?(state: string): void;
}

/** The target could not be started (build failed, docker missing, port taken). */
export class TargetError extends Error {
  override name = 'TargetError';
}
