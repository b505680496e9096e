import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGateConfig } from '../../../src/config/load.ts';
import { loadClusterAccess } from '../../../src/target/kubernetes/cluster.ts';

const kubernetes = { manifests: ['deploy.yaml'], container: 'server' };

describe('a kubernetes target in llm-gate.yml', () => {
  it('takes the candidate image with the manifests, with port-forward chosen automatically and cleanup bounded', () => {
    const c = parseGateConfig({ target: { image: 'ghcr.io/acme/llm:1', kubernetes } }, 'test');
    expect(c.target.kubernetes).toMatchObject({ manifests: ['deploy.yaml'], container: 'server', access: 'auto', logLines: 40, cleanupTimeoutS: 60 });
  });

  it.each([
    ['no image', { kubernetes }],
    ['a build', { image: 'x:1', build: { context: '.' }, kubernetes }],
    ['a command as well', { image: 'x:1', command: 'serve', kubernetes }],
  ])('refuses %s', (_what, target) => {
    expect(() => parseGateConfig({ target }, 'test')).toThrow(/kubernetes target needs image/);
  });

  it('refuses unknown keys (a typo must not silently change where the gate runs)', () => {
    expect(() => parseGateConfig({ target: { image: 'x:1', kubernetes: { ...kubernetes, namespce: 'prod' } } }, 'test')).toThrow(/namespce/);
  });
});

describe('loadClusterAccess', () => {
  const kubeconfig = `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: 'https://127.0.0.1:6443' } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: staging, context: { cluster: c, user: u } }, { name: prod, context: { cluster: c, user: u } }]
current-context: staging
`;

  it('uses the given kubeconfig and context', async () => {
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'llm-gate-kc-')), 'config');
    await writeFile(file, kubeconfig);
    expect(loadClusterAccess({ kubeconfig: file }, {}).context).toBe('staging');
    expect(loadClusterAccess({ kubeconfig: file, context: 'prod' }, {})).toMatchObject({ context: 'prod', inCluster: false });
    expect(() => loadClusterAccess({ kubeconfig: file, context: 'dev' }, {})).toThrow(/no context named dev/);
  });

  it('reads $KUBECONFIG when no file is configured', async () => {
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'llm-gate-kc-')), 'config');
    await writeFile(file, kubeconfig);
    expect(loadClusterAccess({}, { KUBECONFIG: file, HOME: '/nonexistent' }).context).toBe('staging');
  });

  it('never falls back to an unauthenticated localhost when there are no credentials at all', () => {
    expect(() => loadClusterAccess({ kubeconfig: '/nonexistent/kubeconfig' }, {})).toThrow(/does not exist/);
  });
});
