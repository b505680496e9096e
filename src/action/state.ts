import * as core from '@actions/core';
import { cleanupStateSchema, type CleanupState } from '../target/cleanup.ts';
import { errorText } from '../log.ts';

/**
 * What the post step needs to clean up when the main step did not get to (a cancelled job, a crash):
 * one saved value per kind of target (STATE_container, STATE_pid, STATE_k8s) and the check run.
 * Cleared once the gate has stopped its target, so the post step never signals a recycled pid.
 */
const TARGET_KEYS = { kubernetes: 'k8s', image: 'container', command: 'pid' } as const satisfies Record<CleanupState['kind'], string>;
const CHECK_RUN = 'checkRun';

/** The saved value of a cleanup state: a container id, a process group id, or a Kubernetes run's JSON. */
function savedValue(state: CleanupState): string {
  switch (state.kind) {
    case 'image':
      return state.container;
    case 'command':
      return String(state.pgid);
    case 'kubernetes':
      return JSON.stringify(state.run);
  }
}

/** Saves what the post step must stop if the main step ends before its target is stopped; a later save of the same kind replaces it. */
export function saveTarget(state: CleanupState): void {
  core.saveState(TARGET_KEYS[state.kind], savedValue(state));
}

/** Forgets what the target stopped itself. */
export function clearTarget(kind: CleanupState['kind']): void {
  core.saveState(TARGET_KEYS[kind], '');
}

export function clearTargets(): void {
  for (const key of Object.values(TARGET_KEYS)) core.saveState(key, '');
}

/** The check run left in progress; the post step marks it cancelled if the main step never completed it. */
export function saveCheckRun(id: number | undefined): void {
  core.saveState(CHECK_RUN, id === undefined ? '' : String(id));
}

export function savedCheckRun(): number | undefined {
  const id = Number(core.getState(CHECK_RUN));
  return Number.isInteger(id) && id > 0 ? id : undefined;
}

/** Reads one saved value back into its cleanup state; throws on a value that is not one. */
function parseSaved(kind: CleanupState['kind'], value: string): CleanupState {
  switch (kind) {
    case 'image':
      return cleanupStateSchema.parse({ kind, container: value });
    case 'command':
      return cleanupStateSchema.parse({ kind, pgid: Number(value) });
    case 'kubernetes':
      return cleanupStateSchema.parse({ kind, run: JSON.parse(value) });
  }
}

/**
 * What the main step left to clean up, Kubernetes first, then the container, then the process group.
 * A saved value that is not a cleanup state is warned about and skipped.
 */
export function savedTargets(): CleanupState[] {
  const states: CleanupState[] = [];
  for (const [kind, key] of Object.entries(TARGET_KEYS) as [CleanupState['kind'], string][]) {
    const value = core.getState(key);
    if (value === '') continue;
    try {
      states.push(parseSaved(kind, value));
    } catch (err) {
      core.warning(`llm-gate cleanup: the saved ${key} state is unreadable (${errorText(err)}); nothing of it was cleaned up`);
    }
  }
  return states;
}
