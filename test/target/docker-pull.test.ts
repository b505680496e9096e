import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/log.ts';

// A docker CLI that has no image until it is pulled, and whose registry knows only `known/*` images.
const FAKE_DOCKER = `#!/bin/sh
dir="$(dirname "$0")"
case "$1" in
  image)
    if [ "$5" = "broken/daemon:1" ]; then echo "Cannot connect to the Docker daemon" >&2; exit 1; fi
    if [ -f "$dir/pulled-$(echo "$5" | tr '/:' '__')" ]; then echo '{"Id":"sha256:abc","RepoDigests":["known/server@sha256:def"],"Config":{"ExposedPorts":{"8080/tcp":{}}}}'; exit 0; fi
    echo "Error response from daemon: No such image: $5" >&2; exit 1;;
  pull)
    case "$2" in known/*) echo "Pulling from $2"; touch "$dir/pulled-$(echo "$2" | tr '/:' '__')"; echo "Status: Downloaded newer image for $2"; exit 0;; esac
    echo "Error response from daemon: pull access denied for $2" >&2; exit 1;;
esac
exit 2
`;

let dir: string;
let imageIdentity: typeof import('../../src/target/docker/cli.ts').imageIdentity;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'llm-gate-fake-docker-'));
  await writeFile(path.join(dir, 'docker'), FAKE_DOCKER);
  await chmod(path.join(dir, 'docker'), 0o755);
  // DOCKER is read when the module loads: this test file's own module graph gets the fake one.
  process.env.LLM_GATE_DOCKER = path.join(dir, 'docker');
  ({ imageIdentity } = await import('../../src/target/docker/cli.ts'));
});
afterAll(() => Reflect.deleteProperty(process.env, 'LLM_GATE_DOCKER'));

function recording(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const log = (m: string) => void lines.push(m);
  return { logger: { info: log, warn: log, error: log, debug: () => undefined, group: (_title, fn) => fn() }, lines };
}

describe('an image this docker does not have', () => {
  it('is pulled before it is inspected, as docker run would pull it, with the pull logged', async () => {
    const { logger, lines } = recording();
    expect(await imageIdentity('known/server:1', logger)).toEqual({ id: 'sha256:abc', digest: 'sha256:def', exposedPorts: ['8080/tcp'] });
    expect(existsSync(path.join(dir, 'pulled-known_server_1'))).toBe(true);
    expect(lines).toContain('pulling known/server:1: not on this machine');
    expect(lines).toContain('[pull] Status: Downloaded newer image for known/server:1');
  });

  it('that no registry gives is a target error naming the pull', async () => {
    await expect(imageIdentity('unknown/server:1', recording().logger)).rejects.toThrow(/docker pull unknown\/server:1 failed \(docker exit 1\): .*pull access denied/);
  });

  it('is not pulled when docker fails for another reason', async () => {
    const { logger, lines } = recording();
    await expect(imageIdentity('broken/daemon:1', logger)).rejects.toThrow(/docker image inspect broken\/daemon:1 failed \(docker exit 1\): Cannot connect/);
    expect(lines).toEqual([]);
  });
});
