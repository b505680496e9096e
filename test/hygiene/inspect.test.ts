import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.ts';
import { inspectImage } from '../../src/hygiene/inspect.ts';
import { dockerAvailable, describeDocker } from '../helpers/docker.ts';

const run = promisify(execFile);
const BUSYBOX = '/bin/busybox';
const prefix = `llm-gate-test-hygiene-${process.pid}`;
const hf = 'hf' + '_' + 'QwErTyUiOpAsDfGhJkLzXcVbNm12345678';

// Every image starts from scratch with a static busybox: nothing is pulled, builds take about a second.
const base = ['FROM scratch', 'COPY busybox /bin/busybox', 'RUN ["/bin/busybox", "ln", "-s", "/bin/busybox", "/bin/sh"]'];
const images = {
  root: { lines: [...base, 'EXPOSE 8000'], buildArgs: [] },
  envToken: { lines: [...base, `ENV HF_TOKEN=${hf}`, 'USER 1000', 'EXPOSE 8000'], buildArgs: [] },
  buildArg: {
    lines: [...base, 'ARG HF_TOKEN', 'RUN test -n "$HF_TOKEN" && echo fetched > /weights.txt', 'USER 1000', 'EXPOSE 8000'],
    buildArgs: ['--build-arg', `HF_TOKEN=${hf}`],
  },
  clean: { lines: [...base, 'USER 1000', 'EXPOSE 8000'], buildArgs: [] },
} satisfies Record<string, { lines: string[]; buildArgs: string[] }>;
type Name = keyof typeof images;
const tag = (name: Name | 'unpinned') => `${prefix}-${name.toLowerCase()}`;

let dir = '';

async function build(name: Name | 'unpinned', lines: string[], buildArgs: string[]): Promise<void> {
  const context = join(dir, name);
  await rm(context, { recursive: true, force: true });
  await run('mkdir', ['-p', context]);
  await copyFile(BUSYBOX, join(context, 'busybox'));
  await writeFile(join(context, 'Dockerfile'), lines.join('\n') + '\n');
  // The legacy builder: the docker CLI here has no buildx (see PITFALLS.md), and it is what records build args.
  const env = { ...process.env };
  delete env.DOCKER_BUILDKIT;
  await run('docker', ['build', '-q', '-t', tag(name), ...buildArgs, context], { env, timeout: 120_000 });
}

describeDocker(
  'inspectImage against images built from local files',
  () => {
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'llm-gate-hygiene-'));
      for (const [name, spec] of Object.entries(images) as [Name, (typeof images)[Name]][]) {
        await build(name, spec.lines, spec.buildArgs);
      }
      // A base referenced by tag: a local image, so the build needs no registry.
      await build('unpinned', [`FROM ${tag('clean')}`, 'USER 1000'], []);
    });

    afterAll(async () => {
      const tags = [...(Object.keys(images) as Name[]), 'unpinned' as const].map(tag);
      await run('docker', ['rmi', '-f', ...tags]).catch(() => undefined);
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('reports an image without USER as running as root', async () => {
      const report = await inspectImage(tag('root'), { expectedPort: 8000 }, silentLogger);
      expect(report.user).toBe('');
      expect(report.findings.map((f) => f.id)).toEqual(['runs-as-root']);
    });

    it('reports a token in ENV as critical and never writes the token', async () => {
      const report = await inspectImage(tag('envToken'), { expectedPort: 8000 }, silentLogger);
      expect(report.findings.map((f) => [f.id, f.severity])).toEqual([['secret-in-env', 'critical']]);
      expect(JSON.stringify(report)).not.toContain(hf);
    });

    it('reports a build-arg secret left in the build history', async () => {
      const report = await inspectImage(tag('buildArg'), { expectedPort: 8000 }, silentLogger);
      const f = report.findings.find((x) => x.id === 'secret-in-history');
      expect(f?.severity).toBe('critical');
      expect(f?.evidence).toContain('HF_TOKEN=hf_Q…');
      expect(JSON.stringify(report)).not.toContain(hf);
      expect(report.findings.map((x) => x.id)).toEqual(['secret-in-history']);
    });

    it('finds nothing in a clean image and reads its size, layers and user', async () => {
      const report = await inspectImage(tag('clean'), { expectedPort: 8000, buildContext: join(dir, 'clean') }, silentLogger);
      expect(report.findings).toEqual([]);
      expect(report.user).toBe('1000');
      expect(report.layers).toBe(2);
      expect(report.sizeBytes).toBeGreaterThan(500_000);
    });

    it('reports a base image referenced by tag when the build context is given', async () => {
      const report = await inspectImage(tag('unpinned'), { buildContext: join(dir, 'unpinned') }, silentLogger);
      expect(report.findings.map((f) => [f.id, f.evidence])).toEqual([['base-not-pinned', `${join(dir, 'unpinned', 'Dockerfile')}:1: FROM ${tag('clean')}`]]);
    });

    it('reports a configured port the image does not expose', async () => {
      const report = await inspectImage(tag('clean'), { expectedPort: 9000 }, silentLogger);
      expect(report.findings.map((f) => f.id)).toEqual(['port-mismatch']);
    });

    it('fails with the image name when the image is not present locally', async () => {
      await expect(inspectImage(`${prefix}-absent:none`, {}, silentLogger)).rejects.toThrow(`${prefix}-absent:none`);
    });
  },
  existsSync(BUSYBOX) ? null : `no static ${BUSYBOX} to copy into test images (apt-get install busybox-static)`,
);

/** A BuildKit build command: buildx where installed (GitHub runners), else a docker CLI with BuildKit built in. */
function buildkit(): { file: string; args: string[]; env: NodeJS.ProcessEnv } | null {
  const works = (file: string, args: string[], env: NodeJS.ProcessEnv) => {
    try {
      return execFileSync(file, args, { env, stdio: 'pipe', timeout: 20_000 }).toString().includes('--secret');
    } catch {
      return false;
    }
  };
  if (works('docker', ['buildx', 'build', '--help'], process.env)) return { file: 'docker', args: ['buildx', 'build', '--load'], env: process.env };
  const env = { ...process.env, DOCKER_BUILDKIT: '1' };
  if (existsSync('/usr/bin/docker') && works('/usr/bin/docker', ['build', '--help'], env)) return { file: '/usr/bin/docker', args: ['build'], env };
  return null;
}

const bk = dockerAvailable() ? buildkit() : null;

describeDocker(
  'inspectImage on images built with BuildKit',
  () => {
    const bkTag = (name: string) => `${prefix}-bk-${name}`;
    let bkDir = '';

    async function bkBuild(name: string, lines: string[], extra: string[]): Promise<void> {
      const context = join(bkDir, name);
      await run('mkdir', ['-p', context]);
      await copyFile(BUSYBOX, join(context, 'busybox'));
      await writeFile(join(context, 'Dockerfile'), lines.join('\n') + '\n');
      await run(bk!.file, [...bk!.args, '-q', '-t', bkTag(name), ...extra, context], { env: bk!.env, timeout: 180_000 });
    }

    beforeAll(async () => {
      bkDir = await mkdtemp(join(tmpdir(), 'llm-gate-hygiene-bk-'));
      await writeFile(join(bkDir, 'hf-token'), hf);
      await bkBuild('arg', [...base, 'ARG HF_TOKEN', 'RUN test -n "$HF_TOKEN"', 'USER 1000'], ['--build-arg', `HF_TOKEN=${hf}`]);
      await bkBuild('mount', [...base, 'RUN --mount=type=secret,id=hf test -s /run/secrets/hf', 'USER 1000'], ['--secret', `id=hf,src=${join(bkDir, 'hf-token')}`]);
    });

    afterAll(async () => {
      await run('docker', ['rmi', '-f', bkTag('arg'), bkTag('mount')]).catch(() => undefined);
      if (bkDir) await rm(bkDir, { recursive: true, force: true });
    });

    it('reports a build arg that BuildKit wrote into the history as RUN |1 NAME=value', async () => {
      const report = await inspectImage(bkTag('arg'), {}, silentLogger);
      expect(report.findings.map((f) => [f.id, f.severity])).toEqual([['secret-in-history', 'critical']]);
      expect(report.findings[0]?.evidence).toMatch(/^RUN \|1 HF_TOKEN=hf_Q… \(37 chars, masked\)/);
      expect(JSON.stringify(report)).not.toContain(hf);
    });

    it('finds nothing when the token came through a secret mount, as the finding advises', async () => {
      const report = await inspectImage(bkTag('mount'), {}, silentLogger);
      expect(report.findings).toEqual([]);
    });
  },
  existsSync(BUSYBOX) ? (bk ? null : 'no BuildKit builder (neither docker buildx nor a docker CLI with BuildKit built in)') : `no static ${BUSYBOX}`,
);
