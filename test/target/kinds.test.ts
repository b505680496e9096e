import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { targetSchema } from '../../src/config/schema.ts';
import { cleanupStateSchema, cleanUpTarget } from '../../src/target/cleanup.ts';
import { groupAlive } from '../../src/target/process/group.ts';
import { targetSpec } from '../../src/target/start.ts';

describe('targetSpec', () => {
  it('tells each kind of target from its config', () => {
    expect(targetSpec(targetSchema.parse({ url: 'http://127.0.0.1:8000/v1' })).kind).toBe('url');
    expect(targetSpec(targetSchema.parse({ command: 'python -m server' })).kind).toBe('command');
    expect(targetSpec(targetSchema.parse({ image: 'vllm/vllm-openai:v0.11.0' })).kind).toBe('image');
    expect(targetSpec(targetSchema.parse({ build: { context: '.' } })).kind).toBe('image');
    expect(targetSpec(targetSchema.parse({ image: 'vllm/vllm-openai:v0.11.0', kubernetes: { manifests: ['deploy.yaml'], container: 'server' } })).kind).toBe('kubernetes');
  });
});

describe('cleanup states', () => {
  it('are one union told apart by kind', () => {
    expect(cleanupStateSchema.parse({ kind: 'image', container: 'abc123' })).toEqual({ kind: 'image', container: 'abc123' });
    expect(cleanupStateSchema.parse({ kind: 'command', pgid: 4242 })).toEqual({ kind: 'command', pgid: 4242 });
    const run = { namespace: 'llm-gate-1234', ephemeral: true, objects: [] };
    expect(cleanupStateSchema.parse({ kind: 'kubernetes', run })).toEqual({ kind: 'kubernetes', run });
    expect(cleanupStateSchema.safeParse({ kind: 'command', pgid: 1 }).success).toBe(false);
    expect(cleanupStateSchema.safeParse({ kind: 'url' }).success).toBe(false);
  });

  it('stop a process group a cut-short run left, and say nothing when it is already gone', async () => {
    const group = spawn('sh', ['-c', 'sleep 300 & sleep 300'], { detached: true, stdio: 'ignore' });
    const pgid = group.pid!;
    try {
      expect(await cleanUpTarget({ kind: 'command', pgid }, 0)).toEqual({ done: `stopped process group ${pgid}` });
      expect(groupAlive(pgid)).toBe(false);
      expect(await cleanUpTarget({ kind: 'command', pgid }, 0)).toEqual({});
    } finally {
      if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
    }
  });

  it('turn a failure into a warning that names what was left', async () => {
    const outcome = await cleanUpTarget({ kind: 'kubernetes', run: { kubeconfig: '/nonexistent/kubeconfig', namespace: 'llm-gate-1234', ephemeral: true, objects: [] } }, 0);
    expect(outcome).toEqual({ failed: 'could not delete the Kubernetes run: kubeconfig /nonexistent/kubeconfig does not exist' });
  });
});
