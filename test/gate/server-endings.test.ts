import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/cli/free-port.ts';
import { parseGateConfig } from '../../src/config/load.ts';
import { runGate } from '../../src/gate/gate.ts';
import { silentLogger } from '../../src/log.ts';
import { makeReport } from '../compare/fixtures.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

async function simCommand(flags: string[]): Promise<{ command: string; port: number }> {
  const port = await freePort();
  const parts = [process.execPath, path.join(ROOT, 'src/cli/main.ts'), 'simulate', '--port', String(port), ...flags];
  return { command: parts.map((p) => `'${p}'`).join(' '), port };
}

async function gate(target: Record<string, unknown>, extra: Record<string, unknown>) {
  const config = parseGateConfig(
    {
      target,
      readiness: { intervalS: 0.2, timeoutS: 20 },
      compare: { baseline: 'none' },
      out: await mkdtemp(path.join(os.tmpdir(), 'llm-gate-endings-')),
      ...extra,
    },
    'test',
  );
  return runGate(config, { logger: silentLogger, env: process.env });
}

describe('a server that dies after readiness', () => {
  it('is reported with its last log lines', async () => {
    const { command, port } = await simCommand(['--ttft-ms', '2', '--tpot-ms', '1', '--crash-after', '10']);
    const r = await gate({ command, port }, { eval: { enabled: false }, bench: { concurrency: [2], requests: 40, warmupRequests: 0 } });
    expect(r.exitCode).toBe(3);
    const reason = r.report.reasons.find((x) => x.dimension === 'target');
    expect(reason?.message).toMatch(/server exited with code \S+ during the run; its last lines: .*simulator: crash fault fired \(request 11 arrived\)/);
  }, 60_000);
});

describe('a baseline measured on another dataset', () => {
  it('is refused before anything boots, since both hashes are known then', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'llm-gate-hash-'));
    const baseline = path.join(dir, 'baseline.json');
    await writeFile(baseline, JSON.stringify(makeReport({ sha256: 'a'.repeat(64), quality: { factual: [1, 1, 0] } })));
    const marker = path.join(dir, 'spawned');
    const { command, port } = await simCommand([]);
    const r = await gate(
      { command: `touch '${marker}' && exec ${command}`, port },
      { eval: { dataset: path.join(ROOT, 'datasets/starter/v1') }, compare: { baseline } },
    );
    expect(r.exitCode).toBe(3);
    expect(r.report.readiness).toBeNull();
    expect(existsSync(marker)).toBe(false);
    expect(r.report.reasons.find((x) => x.dimension === 'quality.dataset')?.message).toMatch(
      /^dataset changed from starter@v1 \(sha256 aaaaaaaaaaaa\) to starter@v1 \(sha256 [0-9a-f]{12}\): .*\(found before booting the target\)$/,
    );
  }, 30_000);
});

describe('bench prompts that cannot be read', () => {
  it('are a usage error found before anything boots, naming the file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'llm-gate-prompts-'));
    await writeFile(path.join(dir, 'dataset.yaml'), 'name: broken\nversion: v1\ndimensions: {}\nitems: nope.jsonl\n');
    const marker = path.join(dir, 'spawned');
    const { command, port } = await simCommand([]);
    const r = await gate({ command: `touch '${marker}' && exec ${command}`, port }, { eval: { enabled: false }, bench: { prompts: dir } });
    expect(r.exitCode).toBe(2);
    expect(r.report.verdict).toBe('error');
    expect(r.report.readiness).toBeNull();
    expect(existsSync(marker)).toBe(false);
    expect(r.report.reasons.find((x) => x.dimension === 'bench')?.message).toContain(dir);
  }, 30_000);
});

describe('the environment the front end hands the gate', () => {
  it('is where target.passEnv takes its values from, and those values are masked where the server prints them', async () => {
    const lines: string[] = [];
    const logger = { ...silentLogger, info: (m: string) => void lines.push(m) };
    const { command, port } = await simCommand([]);
    const config = parseGateConfig(
      {
        target: { command: `echo "token=$HANDED_TOKEN"; exec ${command}`, port, passEnv: ['HANDED_TOKEN'] },
        readiness: { intervalS: 0.2, timeoutS: 20 },
        eval: { enabled: false },
        bench: { enabled: false },
        compare: { baseline: 'none' },
        out: await mkdtemp(path.join(os.tmpdir(), 'llm-gate-env-')),
      },
      'test',
    );
    // Not in this process's environment: only the handed one has it.
    const r = await runGate(config, { logger, env: { ...process.env, HANDED_TOKEN: 'handed-value-9f8e7d' } });
    expect(r.exitCode).toBe(0);
    expect(lines).toContain('[server] token=[masked HANDED_TOKEN]');
    expect(lines.join('\n')).not.toContain('handed-value-9f8e7d');
  }, 30_000);
});

describe('a Kubernetes manifest that cannot be read', () => {
  it('is a usage error found before anything boots, naming the file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'llm-gate-manifest-'));
    const marker = path.join(dir, 'spawned');
    const manifest = path.join(dir, 'absent.yaml');
    const { command, port } = await simCommand([]);
    const r = await gate({ command: `touch '${marker}' && exec ${command}`, port }, { eval: { enabled: false }, bench: { enabled: false }, k8sManifest: manifest });
    expect(r.exitCode).toBe(2);
    expect(r.report.verdict).toBe('error');
    expect(r.report.readiness).toBeNull();
    expect(existsSync(marker)).toBe(false);
    expect(r.report.reasons.find((x) => x.dimension === 'k8s-manifest')?.message).toBe(`${manifest}: cannot read (ENOENT)`);
  }, 30_000);
});
