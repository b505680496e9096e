import type { CoreV1Event, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { classifyFailure, type Observation } from '../../../src/target/kubernetes/failures.ts';

function pod(status: Partial<V1ContainerStatus> | null, extra: Partial<NonNullable<V1Pod['status']>> = {}): V1Pod {
  return {
    metadata: { name: 'llm-1' },
    status: {
      phase: 'Running',
      startTime: new Date('2026-11-30T10:00:00Z'),
      conditions: [{ type: 'PodScheduled', status: 'True' }],
      ...(status ? { containerStatuses: [{ name: 'server', image: 'img', imageID: '', ready: false, restartCount: 0, ...status }] } : {}),
      ...extra,
    },
  };
}

function event(reason: string, message: string, at = '2026-11-30T10:00:30Z', type = 'Warning'): CoreV1Event {
  return { metadata: { name: `${reason}-${at}` }, involvedObject: { name: 'llm-1', kind: 'Pod' }, reason, message, type, lastTimestamp: new Date(at) };
}

function observe(o: Partial<Observation>): Observation {
  return { pods: [], events: [], workloadConditions: [], container: 'server', probes: {}, ...o };
}

const restartedAfterKill = {
  restartCount: 1,
  state: { running: { startedAt: new Date('2026-11-30T10:00:41Z') } },
  lastState: { terminated: { exitCode: 137, reason: 'Error', startedAt: new Date('2026-11-30T10:00:01Z'), finishedAt: new Date('2026-11-30T10:00:41Z') } },
};

describe('classifyFailure', () => {
  it('waits while a pod is pending without complaint and while its container runs', () => {
    expect(classifyFailure(observe({ pods: [pod(null, { phase: 'Pending', conditions: [] })] }))).toBeNull();
    expect(classifyFailure(observe({ pods: [pod({ state: { running: {} } })] }))).toBeNull();
  });

  it('names FailedScheduling with the scheduler message, such as insufficient nvidia.com/gpu', () => {
    const f = classifyFailure(
      observe({
        pods: [pod(null, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] })],
        events: [event('FailedScheduling', '0/1 nodes are available: 1 Insufficient nvidia.com/gpu.')],
      }),
    );
    expect(f?.reason).toBe('FailedScheduling');
    expect(f?.message).toBe('FailedScheduling: pod llm-1: 0/1 nodes are available: 1 Insufficient nvidia.com/gpu.');
  });

  it('ignores an old FailedScheduling event once the pod is scheduled', () => {
    expect(classifyFailure(observe({ pods: [pod({ state: { running: {} } })], events: [event('FailedScheduling', '0/1 nodes are available')] }))).toBeNull();
  });

  it.each(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName'])('ends an image pull that fails (%s) with the kubelet message', (reason) => {
    const f = classifyFailure(
      observe({
        pods: [pod({ state: { waiting: { reason, message: 'Back-off pulling image "registry.invalid/x:1"' } } })],
        events: [event('Failed', 'Failed to pull image "registry.invalid/x:1": not found')],
      }),
    );
    expect(f).toMatchObject({ reason: 'ImagePull', message: `${reason}: Failed to pull image "registry.invalid/x:1": not found`, previousLogs: false });
  });

  it('ends a CrashLoopBackOff with the restarts and last exit code, asking for the crashed instance logs', () => {
    const f = classifyFailure(
      observe({ pods: [pod({ restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error' } } })] }),
    );
    expect(f).toMatchObject({ reason: 'CrashLoopBackOff', restarts: 4, exitCode: 1, previousLogs: true });
    expect(f?.message).toBe('CrashLoopBackOff: container server of pod llm-1 keeps crashing (last exit code 1, Error); restarts: 4');
  });

  it('names OOMKilled whether the container is terminated now or was before a restart', () => {
    expect(classifyFailure(observe({ pods: [pod({ state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } })] }))?.reason).toBe('OOMKilled');
    expect(classifyFailure(observe({ pods: [pod({ restartCount: 1, state: { running: {} }, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } } })] }))).toMatchObject({
      reason: 'OOMKilled',
      previousLogs: true,
    });
  });

  it('names the liveness probe that killed a loading container, after how long, and the probe as configured', () => {
    const f = classifyFailure(
      observe({
        pods: [pod(restartedAfterKill)],
        events: [
          event('Unhealthy', 'Liveness probe failed: Get "http://10.0.0.5:8000/health": dial tcp 10.0.0.5:8000: connect: connection refused', '2026-11-30T10:00:40Z'),
          event('Killing', 'Container server failed liveness probe, will be restarted', '2026-11-30T10:00:41Z', 'Normal'),
        ],
        probes: { liveness: { httpGet: { path: '/health', port: 8000 }, initialDelaySeconds: 10, periodSeconds: 10 } },
      }),
    );
    expect(f?.reason).toBe('LivenessProbe');
    expect(f?.message).toContain('LivenessProbe: the liveness probe killed container server of pod llm-1 after 40 s while it was loading');
    expect(f?.message).toContain('probe: httpGet :8000/health, initialDelaySeconds 10, periodSeconds 10, failureThreshold 3 (gives up after about 40 s)');
    expect(f?.message).toContain('last failure: Liveness probe failed: Get');
    expect(f).toMatchObject({ restarts: 1, exitCode: 137, previousLogs: true });
  });

  it('tells a startup probe kill from a liveness kill', () => {
    const f = classifyFailure(observe({ pods: [pod(restartedAfterKill)], events: [event('Killing', 'Container server failed startup probe, will be restarted')] }));
    expect(f?.reason).toBe('StartupProbe');
  });

  it('does not blame a probe that failed without a restart (the readiness probe of a loading server fails too)', () => {
    const f = classifyFailure(observe({ pods: [pod({ state: { running: {} } })], events: [event('Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503')] }));
    expect(f).toBeNull();
  });

  it('ends on a container that exited and was restarted, before the kubelet backs off', () => {
    const f = classifyFailure(observe({ pods: [pod({ restartCount: 1, state: { running: {} }, lastState: { terminated: { exitCode: 2, reason: 'Error' } } })] }));
    expect(f).toMatchObject({ reason: 'ContainerExited', exitCode: 2, previousLogs: true });
  });

  it('ends on ProgressDeadlineExceeded from the Deployment', () => {
    const f = classifyFailure(
      observe({ workloadConditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "llm-5d9" has timed out progressing.' }] }),
    );
    expect(f).toMatchObject({ reason: 'ProgressDeadlineExceeded', message: 'ProgressDeadlineExceeded: ReplicaSet "llm-5d9" has timed out progressing.' });
  });

  it('ends on a pod the node evicted', () => {
    const f = classifyFailure(observe({ pods: [pod(null, { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' })] }));
    expect(f?.message).toBe('Evicted: pod llm-1 failed: The node was low on resource: memory.');
  });

  it('reads timestamps given as strings, as a watch delivers them', () => {
    const raw = JSON.parse(JSON.stringify({ pods: [pod(restartedAfterKill)], events: [event('Killing', 'Container server failed liveness probe, will be restarted')] })) as Pick<Observation, 'pods' | 'events'>;
    expect(classifyFailure(observe(raw))?.message).toContain('after 40 s');
  });
});
