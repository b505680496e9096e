import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { GpuMetrics, GpuReading } from '../report/schema.ts';

export const NVIDIA_SMI_ARGS = ['--query-gpu=utilization.gpu,memory.used,memory.total', '--format=csv,noheader,nounits'];

/** `[N/A]` and `[Not Supported]` (MIG, some vGPUs) become null rather than failing the reading. */
function field(text: string | undefined): number | null {
  if (text === undefined) return null;
  const n = Number(text.trim());
  return text.trim() !== '' && Number.isFinite(n) ? n : null;
}

/** Parses `nvidia-smi --query-gpu=utilization.gpu,memory.used,memory.total --format=csv,noheader,nounits` (pure). */
export function parseNvidiaSmi(text: string): GpuReading[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((line, index) => {
      const [util, used, total] = line.split(',');
      return { index, utilizationPct: field(util), memoryUsedMiB: field(used), memoryTotalMiB: field(total) };
    });
}

export function summarizeGpu(series: GpuMetrics['series']): GpuMetrics['summary'] {
  const count = Math.max(0, ...series.map((p) => p.gpus.length));
  return Array.from({ length: count }, (_, index) => {
    const readings = series.flatMap((p) => (p.gpus[index] ? [p.gpus[index]] : []));
    const util = readings.flatMap((r) => (r.utilizationPct === null ? [] : [r.utilizationPct]));
    const used = readings.flatMap((r) => (r.memoryUsedMiB === null ? [] : [r.memoryUsedMiB]));
    const total = readings.find((r) => r.memoryTotalMiB !== null)?.memoryTotalMiB ?? null;
    return {
      index,
      utilizationPct: util.length === 0 ? null : { mean: util.reduce((a, b) => a + b, 0) / util.length, max: Math.max(...util) },
      memoryUsedMiB: used.length === 0 ? null : { max: Math.max(...used) },
      memoryTotalMiB: total,
    };
  });
}

function runSmi(command: string): Promise<{ ok: true; text: string } | { ok: false; error: string; missing: boolean }> {
  return new Promise((resolve) => {
    execFile(command, NVIDIA_SMI_ARGS, { timeout: 5000 }, (err, stdout) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        resolve({ ok: false, error: code === 'ENOENT' ? `${command} not found` : err.message.split('\n')[0]!, missing: code === 'ENOENT' });
      } else {
        resolve({ ok: true, text: stdout });
      }
    });
  });
}

export interface GpuSampler {
  stop(): Promise<GpuMetrics>;
}

/**
 * Samples nvidia-smi every `intervalMs` while the bench runs. Where the binary is missing (no GPU,
 * or a CPU runner) nothing fails: the result says why there is no GPU data. One query first (is it
 * there, how many GPUs), then one long-running `--loop-ms` process: spawning a process every second
 * would block the event loop that timestamps the streams.
 */
export function startGpuSampler(o: { intervalMs: number; origin: number; command?: string }): GpuSampler {
  const command = o.command ?? 'nvidia-smi';
  const series: GpuMetrics['series'] = [];
  let reason: string | undefined;
  let stopped = false;
  let child: ChildProcess | undefined;

  const started = runSmi(command).then((r) => {
    if (!r.ok) {
      reason = r.missing ? `${command} is not installed here: no GPU metrics` : `${command} failed: ${r.error}`;
      return;
    }
    const first = parseNvidiaSmi(r.text);
    series.push({ tMs: performance.now() - o.origin, gpus: first });
    if (stopped || first.length === 0) return;
    const loop = spawn(command, [...NVIDIA_SMI_ARGS, `--loop-ms=${Math.max(100, Math.round(o.intervalMs))}`], { stdio: ['ignore', 'pipe', 'ignore'] });
    child = loop;
    loop.on('error', () => undefined);
    let partial = '';
    let lines: string[] = [];
    loop.stdout.setEncoding('utf8').on('data', (text: string) => {
      const all = (partial + text).split('\n');
      partial = all.pop() ?? '';
      for (const line of all) {
        if (line.trim() === '') continue;
        lines.push(line);
        // One reading per GPU makes a sample.
        if (lines.length === first.length) {
          series.push({ tMs: performance.now() - o.origin, gpus: parseNvidiaSmi(lines.join('\n')) });
          lines = [];
        }
      }
    });
  });

  return {
    async stop() {
      stopped = true;
      await started;
      if (child && child.exitCode === null) {
        const exited = new Promise((resolve) => child?.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      return {
        available: series.length > 0,
        ...(series.length === 0 ? { reason: reason ?? 'the bench ended before the first nvidia-smi sample' } : {}),
        intervalMs: o.intervalMs,
        series,
        summary: summarizeGpu(series),
      };
    },
  };
}
