import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { describeProbe, type Probe } from './manifests.ts';

/** Why a rollout can never become ready: the wait ends at once on any of these. */
export type FailureReason =
  | 'FailedScheduling'
  | 'ImagePull'
  | 'CrashLoopBackOff'
  | 'OOMKilled'
  | 'LivenessProbe'
  | 'StartupProbe'
  | 'ContainerExited'
  | 'ContainerConfig'
  | 'PodFailed'
  | 'ProgressDeadlineExceeded';

export interface Failure {
  reason: FailureReason;
  /** One line for the report: the Kubernetes reason word first, then what it said. */
  message: string;
  pod?: string;
  restarts: number;
  exitCode?: number;
  /** The container ran and was restarted: its previous instance's logs say why. */
  previousLogs: boolean;
}

export interface Observation {
  pods: V1Pod[];
  /** Events of the run's objects (pods, the workload and its ReplicaSets), any order. */
  events: CoreV1Event[];
  /** The workload's status conditions (Deployments: Progressing, Available). */
  workloadConditions: { type: string; status: string; reason?: string; message?: string }[];
  container: string;
  probes: { liveness?: Probe; startup?: Probe };
}

const IMAGE_PULL = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);
const CONFIG = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

function seconds(from?: Date | string, to?: Date | string): number | null {
  if (!from || !to) return null;
  const s = (new Date(to).getTime() - new Date(from).getTime()) / 1000;
  return Number.isFinite(s) && s >= 0 ? s : null;
}

/** Objects from a watch carry timestamps as strings, objects from the typed client as Dates: both become a Date. */
function eventTime(e: CoreV1Event): Date | undefined {
  const t = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp;
  return t ? new Date(t) : undefined;
}

function eventsOf(events: CoreV1Event[], pod: string): CoreV1Event[] {
  return events.filter((e) => e.involvedObject.name === pod).sort((a, b) => (eventTime(a)?.getTime() ?? 0) - (eventTime(b)?.getTime() ?? 0));
}

/**
 * Decides from what the cluster reports whether the rollout has failed for good, and why.
 * Sources: pod status (container waiting/terminated reasons, restart counts), events (the
 * scheduler's FailedScheduling, the kubelet's Unhealthy/Killing for probes) and the workload's
 * conditions (ProgressDeadlineExceeded). Kubernetes' own words come first in the message, so a
 * person can search for them. A probe kill is told apart from a crash by the kubelet's events
 * ("Liveness probe failed", "failed liveness probe, will be restarted"): both end with exit 137.
 * Returns null while the rollout may still succeed.
 */
export function classifyFailure(o: Observation): Failure | null {
  for (const pod of o.pods) {
    const name = pod.metadata?.name ?? '?';
    const status = pod.status?.containerStatuses?.find((c) => c.name === o.container);
    const restarts = status?.restartCount ?? 0;
    const events = eventsOf(o.events, name);
    const last = status?.lastState?.terminated;
    const now = status?.state?.terminated;

    // A probe that killed the container: the kubelet says which one in its events.
    const kill = events.filter((e) => e.reason === 'Killing' && /failed (liveness|startup) probe/i.test(e.message ?? '')).at(-1);
    const unhealthy = events.filter((e) => e.reason === 'Unhealthy' && /^(Liveness|Startup) probe failed/i.test(e.message ?? '')).at(-1);
    if (kill || (unhealthy && (restarts > 0 || last))) {
      const which = /startup/i.test(kill?.message ?? unhealthy?.message ?? '') ? 'startup' : 'liveness';
      const probe = which === 'startup' ? o.probes.startup : o.probes.liveness;
      const ran = seconds(last?.startedAt, last?.finishedAt) ?? seconds(pod.status?.startTime, kill ? eventTime(kill) : unhealthy ? eventTime(unhealthy) : undefined);
      const parts = [
        `${which === 'startup' ? 'StartupProbe' : 'LivenessProbe'}: the ${which} probe killed container ${o.container} of pod ${name}${ran !== null ? ` after ${ran.toFixed(0)} s` : ''} while it was loading`,
        ...(probe ? [`probe: ${describeProbe(probe)}`] : []),
        ...(unhealthy?.message ? [`last failure: ${unhealthy.message}`] : []),
        `restarts: ${restarts}`,
      ];
      return { reason: which === 'startup' ? 'StartupProbe' : 'LivenessProbe', message: parts.join('; '), pod: name, restarts, previousLogs: true, ...(last?.exitCode !== undefined ? { exitCode: last.exitCode } : {}) };
    }

    const oom = [now, last].find((t) => t?.reason === 'OOMKilled');
    if (oom) {
      return { reason: 'OOMKilled', message: `OOMKilled: container ${o.container} of pod ${name} ran out of memory (exit ${oom.exitCode}); restarts: ${restarts}`, pod: name, restarts, exitCode: oom.exitCode, previousLogs: oom === last };
    }

    const waiting = status?.state?.waiting;
    if (waiting?.reason && IMAGE_PULL.has(waiting.reason)) {
      const failed = events.filter((e) => e.reason === 'Failed' && /pull/i.test(e.message ?? '')).at(-1);
      const detail = failed?.message ?? waiting.message ?? '';
      return { reason: 'ImagePull', message: `${waiting.reason}: ${detail || `cannot pull ${status?.image ?? 'the image'}`}`, pod: name, restarts, previousLogs: false };
    }
    if (waiting?.reason === 'CrashLoopBackOff') {
      const exit = last ? ` (last exit code ${last.exitCode}${last.reason ? `, ${last.reason}` : ''})` : '';
      return { reason: 'CrashLoopBackOff', message: `CrashLoopBackOff: container ${o.container} of pod ${name} keeps crashing${exit}; restarts: ${restarts}`, pod: name, restarts, previousLogs: true, ...(last ? { exitCode: last.exitCode } : {}) };
    }
    if (waiting?.reason && CONFIG.has(waiting.reason)) {
      return { reason: 'ContainerConfig', message: `${waiting.reason}: ${waiting.message ?? ''}`.trim(), pod: name, restarts, previousLogs: false };
    }
    // A server that exits while loading has failed, whether or not the kubelet has backed off yet.
    if (now || (last && restarts > 0)) {
      const t = (now ?? last)!;
      return {
        reason: 'ContainerExited',
        message: `container ${o.container} of pod ${name} exited with code ${t.exitCode}${t.reason ? ` (${t.reason})` : ''}${t.signal ? `, signal ${t.signal}` : ''}; restarts: ${restarts}`,
        pod: name,
        restarts,
        exitCode: t.exitCode,
        previousLogs: !now,
      };
    }
    if (pod.status?.phase === 'Failed') {
      return { reason: 'PodFailed', message: `${pod.status.reason ?? 'Failed'}: pod ${name} failed${pod.status.message ? `: ${pod.status.message}` : ''}`, pod: name, restarts, previousLogs: false };
    }
    const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (scheduled?.status !== 'True') {
      const failed = events.filter((e) => e.reason === 'FailedScheduling').at(-1);
      if (failed || scheduled?.reason === 'Unschedulable') {
        return { reason: 'FailedScheduling', message: `FailedScheduling: pod ${name}: ${failed?.message ?? scheduled?.message ?? 'unschedulable'}`, pod: name, restarts, previousLogs: false };
      }
    }
  }
  const deadline = o.workloadConditions.find((c) => c.type === 'Progressing' && c.status === 'False' && c.reason === 'ProgressDeadlineExceeded');
  if (deadline) return { reason: 'ProgressDeadlineExceeded', message: `ProgressDeadlineExceeded: ${deadline.message ?? 'the rollout made no progress within progressDeadlineSeconds'}`, restarts: 0, previousLogs: false };
  return null;
}
