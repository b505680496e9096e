import type { Extras } from '../report/schema.ts';
import type { CleanupState } from './cleanup.ts';

export interface ExitInfo {
  code: number | null;
  signal?: string;
  oomKilled: boolean;
  /** How it ended, in words, where the target knows more than an exit code (a Kubernetes rollout that failed). */
  reason?: string;
}

/**
 * The kinds of target, one folder each under src/target/: `image` (docker/: a container of an image,
 * built first when the config has `build`), `command` (process/: a process group on this machine),
 * `url` (url/: a server the gate did not start), `kubernetes` (kubernetes/: a workload in a cluster).
 */
export type TargetKind = 'image' | 'command' | 'url' | 'kubernetes';

/** A server the gate can talk to, whatever started it; `kind` says what did. */
export interface RunningTarget {
  kind: TargetKind;
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
  /**
   * What must be stopped if the run is cut short (a cancelled job, a signal): called as soon as it
   * exists, before anything of it is created where that can be known (a Kubernetes run's namespace),
   * and again as it grows.
   */
  onCleanupState?(state: CleanupState): void;
  /** The target deleted what `state` names itself: nothing of it is left to clean up. */
  onCleanedUp?(state: CleanupState): void;
}

/** The target could not be started (build failed, docker missing, port taken). */
export class TargetError extends Error {
  override name = 'TargetError';
}
