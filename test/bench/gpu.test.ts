import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNvidiaSmi, startGpuSampler, summarizeGpu } from '../../src/bench/gpu.ts';

// `nvidia-smi --query-gpu=utilization.gpu,memory.used,memory.total --format=csv,noheader,nounits` on a two-GPU host.
const CAPTURED = '87, 70123, 81559\n0, 1, 81559\n';

describe('nvidia-smi sampling', () => {
  it('parses one reading per GPU', () => {
    expect(parseNvidiaSmi(CAPTURED)).toEqual([
      { index: 0, utilizationPct: 87, memoryUsedMiB: 70123, memoryTotalMiB: 81559 },
      { index: 1, utilizationPct: 0, memoryUsedMiB: 1, memoryTotalMiB: 81559 },
    ]);
  });

  it('turns [N/A] and [Not Supported] fields (MIG) into null', () => {
    expect(parseNvidiaSmi('[N/A], 500, [Not Supported]\n')).toEqual([{ index: 0, utilizationPct: null, memoryUsedMiB: 500, memoryTotalMiB: null }]);
  });

  it('summarizes utilization and peak memory per GPU', () => {
    const s = summarizeGpu([
      { tMs: 0, gpus: parseNvidiaSmi('50, 100, 1000\n') },
      { tMs: 1000, gpus: parseNvidiaSmi('100, 300, 1000\n') },
    ]);
    expect(s).toEqual([{ index: 0, utilizationPct: { mean: 75, max: 100 }, memoryUsedMiB: { max: 300 }, memoryTotalMiB: 1000 }]);
  });

  it('says why there is no GPU data when nvidia-smi is missing', async () => {
    const sampler = startGpuSampler({ intervalMs: 50, origin: performance.now(), command: 'nvidia-smi-that-does-not-exist' });
    await new Promise((r) => setTimeout(r, 100));
    const m = await sampler.stop();
    expect(m.available).toBe(false);
    expect(m.reason).toMatch(/not installed/);
    expect(m.series).toEqual([]);
  });

  it('samples every interval while running, when nvidia-smi is there', async () => {
    // A stand-in binary that answers as nvidia-smi does on a two-GPU host.
    const dir = await mkdtemp(path.join(tmpdir(), 'llm-gate-smi-'));
    try {
      const smi = path.join(dir, 'nvidia-smi');
      // Without --loop-ms it answers once; with it, it repeats every 50 ms, as nvidia-smi's loop mode does.
      const once = `printf '${CAPTURED.replace(/\n/g, '\\n')}'`;
      await writeFile(smi, `#!/bin/sh\ncase "$*" in *--loop-ms*) while true; do ${once}; sleep 0.05; done;; *) ${once};; esac\n`);
      await chmod(smi, 0o755);
      const sampler = startGpuSampler({ intervalMs: 50, origin: performance.now(), command: smi });
      await new Promise((r) => setTimeout(r, 400));
      const m = await sampler.stop();
      expect(m.available).toBe(true);
      expect(m.series.length).toBeGreaterThanOrEqual(3);
      expect(m.series[0]!.gpus).toHaveLength(2);
      expect(m.summary[0]).toEqual({ index: 0, utilizationPct: { mean: 87, max: 87 }, memoryUsedMiB: { max: 70123 }, memoryTotalMiB: 81559 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
