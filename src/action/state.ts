import * as core from '@actions/core';

/**
 * What the post step needs to clean up when the main step did not get to (a cancelled job, a crash).
 * Cleared once the gate has stopped its target, so the post step never signals a recycled pid.
 */
export const STATE = { container: 'container', pid: 'pid', k8s: 'k8s', checkRun: 'checkRun' } as const;

export function saveTarget(kind: keyof typeof STATE, value: string): void {
  core.saveState(STATE[kind], value);
}

/** The check run left in progress; the post step marks it cancelled if the main step never completed it. */
export function saveCheckRun(id: number | undefined): void {
  core.saveState(STATE.checkRun, id === undefined ? '' : String(id));
}

export function savedCheckRun(): number | undefined {
  const id = Number(core.getState(STATE.checkRun));
  return Number.isInteger(id) && id > 0 ? id : undefined;
}

export function clearTargets(): void {
  core.saveState(STATE.container, '');
  core.saveState(STATE.pid, '');
  core.saveState(STATE.k8s, '');
}

export function savedTargets(): { container: string | undefined; pid: number | undefined; k8s: string | undefined } {
  const container = core.getState(STATE.container);
  const pid = Number(core.getState(STATE.pid));
  const k8s = core.getState(STATE.k8s);
  return { container: container === '' ? undefined : container, pid: Number.isInteger(pid) && pid > 1 ? pid : undefined, k8s: k8s === '' ? undefined : k8s };
}
