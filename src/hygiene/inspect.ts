import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import type { Logger } from '../log.ts';
import { hygieneReportSchema, type Finding, type HygieneReport } from '../report/schema.ts';
import { hygieneFindings, type DockerfileText, type ImageFacts } from './checks.ts';

const run = promisify(execFile);

/** The part of `docker image inspect` the checks read; docker writes null for empty lists and maps. */
const imageInspectSchema = z.object({
  Id: z.string(),
  Size: z.number(),
  Config: z.object({
    User: z.string().nullish(),
    Env: z.array(z.string()).nullish(),
    Labels: z.record(z.string(), z.string()).nullish(),
    ExposedPorts: z.record(z.string(), z.unknown()).nullish(),
  }),
  RootFS: z.object({ Layers: z.array(z.string()).nullish() }).optional(),
});

const historyLineSchema = z.object({ CreatedBy: z.string() });

export interface InspectOptions {
  /** The port the gate will probe; a different EXPOSE is reported. */
  expectedPort?: number;
  /** Build context directory; its Dockerfile is read for base-image pinning. */
  buildContext?: string;
  /** Dockerfile path (relative to the working directory, as `docker build -f`, or else to the context). */
  dockerfile?: string;
}

async function docker(args: string[], logger: Logger): Promise<string> {
  logger.debug(`docker ${args.join(' ')}`);
  try {
    const { stdout } = await run('docker', args, { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`docker ${args.slice(0, 2).join(' ')} failed: ${stderr || (err as Error).message}`, { cause: err });
  }
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${what}: expected JSON, found ${JSON.stringify(text.slice(0, 120))}`);
  }
}

/** The Dockerfile to check, or a finding that says why base pinning was not checked. */
async function readDockerfile(options: InspectOptions): Promise<DockerfileText | Finding | undefined> {
  if (options.dockerfile === undefined && options.buildContext === undefined) return undefined;
  const candidates = options.dockerfile
    ? isAbsolute(options.dockerfile) || !options.buildContext
      ? [options.dockerfile]
      : [options.dockerfile, join(options.buildContext, options.dockerfile)]
    : [join(options.buildContext!, 'Dockerfile')];
  for (const path of candidates) {
    try {
      const text = await readFile(path, 'utf8');
      const shown = relative(process.cwd(), path);
      return { path: shown.startsWith('..') ? path : shown, text };
    } catch {
      // try the next candidate
    }
  }
  return {
    id: 'dockerfile-unreadable',
    severity: 'info',
    message: `No Dockerfile could be read at ${candidates.join(' or ')}, so base-image pinning was not checked.`,
  };
}

/** Image facts from the docker CLI; throws when the image is not present locally or docker fails. */
export async function readImageFacts(image: string, logger: Logger): Promise<ImageFacts> {
  const inspected = z
    .array(imageInspectSchema)
    .min(1)
    .safeParse(parseJson(await docker(['image', 'inspect', image], logger), `docker image inspect ${image}`));
  if (!inspected.success) {
    throw new Error(`docker image inspect ${image}: unexpected output: ${z.prettifyError(inspected.error)}`);
  }
  const info = inspected.data[0]!;
  const historyText = await docker(['history', '--no-trunc', '--format', '{{json .}}', image], logger);
  const history = historyText
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      const parsed = historyLineSchema.safeParse(parseJson(l, `docker history ${image}, line ${i + 1}`));
      if (!parsed.success) throw new Error(`docker history ${image}, line ${i + 1}: no CreatedBy field`);
      return parsed.data.CreatedBy;
    });
  return {
    user: info.Config.User ?? '',
    env: info.Config.Env ?? [],
    labels: info.Config.Labels ?? {},
    exposedPorts: Object.keys(info.Config.ExposedPorts ?? {}),
    sizeBytes: info.Size,
    layers: info.RootFS?.Layers?.length ?? 0,
    history,
  };
}

/** Inspects a local image (no pull) and checks it: user, secrets, base pinning, size, exposed port. */
export async function inspectImage(image: string, options: InspectOptions, logger: Logger): Promise<HygieneReport> {
  const facts = await readImageFacts(image, logger);
  const dockerfile = await readDockerfile(options);
  const isText = dockerfile !== undefined && 'text' in dockerfile;
  const findings = hygieneFindings(facts, {
    ...(options.expectedPort !== undefined ? { expectedPort: options.expectedPort } : {}),
    ...(isText ? { dockerfile } : {}),
  });
  if (dockerfile !== undefined && !isText) findings.push(dockerfile);
  const report = hygieneReportSchema.parse({
    image,
    sizeBytes: facts.sizeBytes,
    layers: facts.layers,
    user: facts.user,
    findings,
  });
  logger.info(
    `hygiene: ${image}: ${(facts.sizeBytes / 1024 ** 2).toFixed(0)} MiB, ${facts.layers} layers, user ${facts.user || 'root (unset)'}, ${findings.length} finding(s)`,
  );
  return report;
}
