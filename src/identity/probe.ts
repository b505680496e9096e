import { execFile } from 'node:child_process';
import { z } from 'zod';
import { engineDefinition, isEngineName } from '../engines/registry.ts';
import type { Identity } from '../report/schema.ts';

export const NVIDIA_SMI_IDENTITY_ARGS = ['--query-gpu=name,driver_version', '--format=csv,noheader'];

/** `NVIDIA H100 80GB HBM3, 550.54.15` lines (pure). Empty text: no GPU. */
export function parseGpuList(text: string): { name: string; driver?: string }[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [name, driver] = l.split(',').map((p) => p.trim());
      return { name: name!, ...(driver ? { driver } : {}) };
    });
}

/** How many GPUs a docker `--gpus` value hands the target: `all` or absent -> every one listed. Pure. */
export function gpuCount(spec: string | undefined, listed: number): number {
  if (!spec || spec === 'all') return listed;
  const device = /device=([^"]+)/.exec(spec)?.[1];
  if (device) return device.split(',').filter(Boolean).length;
  const n = Number(/^(?:count=)?(\d+)$/.exec(spec)?.[1]);
  return Number.isInteger(n) ? Math.min(n, listed) : listed;
}

/**
 * The GPUs the target runs on, from nvidia-smi (LLM_GATE_NVIDIA_SMI names another binary). An image target
 * without `gpus` runs on the CPU whatever the host has. Count 0 where nvidia-smi is not installed; undefined
 * when it is installed but fails (not known, so never a difference).
 */
export async function probeGpu(opts: { imageTarget: boolean; gpus: string | undefined }, env: NodeJS.ProcessEnv = process.env): Promise<Identity['gpu']> {
  if (opts.imageTarget && !opts.gpus) return { name: 'none', count: 0 };
  const command = env.LLM_GATE_NVIDIA_SMI || 'nvidia-smi';
  const result = await new Promise<{ text?: string; missing: boolean }>((resolve) => {
    execFile(command, NVIDIA_SMI_IDENTITY_ARGS, { timeout: 10_000 }, (err, stdout) => {
      if (err) resolve({ missing: (err as NodeJS.ErrnoException).code === 'ENOENT' });
      else resolve({ text: stdout, missing: false });
    });
  });
  if (result.text === undefined) return result.missing ? { name: 'none', count: 0 } : undefined;
  const gpus = parseGpuList(result.text);
  if (gpus.length === 0) return { name: 'none', count: 0 };
  const first = gpus[0]!;
  return { name: first.name, count: gpuCount(opts.gpus, gpus.length), ...(first.driver ? { driver: first.driver } : {}) };
}

/** The runner the gate ran on, from the Actions runner's environment; undefined outside a runner. */
export function runnerIdentity(env: NodeJS.ProcessEnv = process.env): Identity['runner'] {
  if (!env.RUNNER_OS && !env.RUNNER_NAME) return undefined;
  const labels = (env.LLM_GATE_RUNNER_LABELS ?? '').split(',').map((l) => l.trim()).filter(Boolean);
  return {
    ...(env.RUNNER_OS ? { os: env.RUNNER_OS } : {}),
    ...(env.RUNNER_ARCH ? { arch: env.RUNNER_ARCH } : {}),
    ...(env.RUNNER_NAME ? { name: env.RUNNER_NAME } : {}),
    ...(labels.length > 0 ? { labels } : {}),
  };
}

const versionSchema = z.object({ version: z.string() }).passthrough();
const tgiInfoSchema = z.object({ version: z.string().optional(), model_sha: z.string().nullable().optional() }).passthrough();
const ollamaTagsSchema = z.object({ models: z.array(z.object({ name: z.string(), model: z.string().optional(), digest: z.string() })) });

async function getJson(url: string, apiKey: string | undefined): Promise<unknown> {
  try {
    const res = await fetch(url, { headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {}, signal: AbortSignal.timeout(5_000) });
    return res.ok ? await res.json() : undefined;
  } catch {
    // An engine that does not answer here simply does not tell: the field stays unknown.
    return undefined;
  }
}

/** The engine's version and the weights' digest where the engine tells them; {} where it does not. */
export async function probeEngine(rootURL: string, engine: string, model: string, apiKey?: string): Promise<Pick<Identity, 'engineVersion' | 'weightsDigest'>> {
  const root = rootURL.replace(/\/+$/, '').replace(/\/v1$/, '');
  const out: Pick<Identity, 'engineVersion' | 'weightsDigest'> = {};
  const path = isEngineName(engine) ? engineDefinition(engine).versionPath : undefined;
  if (path) {
    const body = await getJson(`${root}${path}`, apiKey);
    const v = versionSchema.safeParse(body);
    if (v.success) out.engineVersion = v.data.version;
    const tgi = engine === 'tgi' ? tgiInfoSchema.safeParse(body) : undefined;
    if (tgi?.success && tgi.data.model_sha) out.weightsDigest = tgi.data.model_sha;
  }
  if (engine === 'ollama') {
    const tags = ollamaTagsSchema.safeParse(await getJson(`${root}/api/tags`, apiKey));
    const found = tags.success ? tags.data.models.find((m) => m.name === model || m.model === model) : undefined;
    if (found?.digest) out.weightsDigest = found.digest;
  }
  return out;
}
