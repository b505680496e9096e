import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../src/cli/free-port.ts';
import { reportSchema } from '../src/report/schema.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

// The Action and `npx llm-gate` run the committed bundles, not src/: run them as shipped.
describe('the committed dist/ bundles', () => {
  it('has the CLI, the Action main and its post step', () => {
    for (const f of ['cli.js', 'index.js', 'post.js']) expect(existsSync(path.join(ROOT, 'dist', f))).toBe(true);
  });

  it('ships a linked source map per bundle and the licence text of every bundled package', () => {
    for (const f of ['cli.js', 'index.js', 'post.js']) {
      expect(readFileSync(path.join(ROOT, 'dist', f), 'utf8').trimEnd()).toMatch(new RegExp(`//# sourceMappingURL=${f}\\.map$`));
      expect(JSON.parse(readFileSync(path.join(ROOT, 'dist', `${f}.map`), 'utf8')).sources.some((s: string) => s.startsWith('../src/'))).toBe(true);
    }
    const licences = readFileSync(path.join(ROOT, 'dist/licenses.txt'), 'utf8');
    for (const dep of ['@actions/core', 'openai', 'yaml', 'zod', 'micromark']) expect(licences).toMatch(new RegExp(`^${dep}@\\d`, 'm'));
    expect(licences).toContain('Permission is hereby granted');
  });

  it('runs the bundled CLI on Node 24 without node_modules resolution errors', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), '--help'], { encoding: 'utf8', cwd: '/' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Commands:[\s\S]*run[\s\S]*demo[\s\S]*simulate/);
  });

  it('gates a server from any working directory, finding the shipped eval suite beside the bundle', async () => {
    const port = await freePort();
    const sim = spawn(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'simulate', '--port', String(port), '--tpot-ms', '2'], { stdio: 'ignore' });
    try {
      const out = mkdtempSync(path.join(os.tmpdir(), 'llm-gate-dist-'));
      const r = spawnSync(
        process.execPath,
        [path.join(ROOT, 'dist/cli.js'), 'run', '--url', `http://127.0.0.1:${port}/v1`, '--baseline', 'none', '--requests', '8', '--concurrency', '2', '--out', out],
        { encoding: 'utf8', cwd: os.tmpdir(), timeout: 120_000 },
      );
      const report = reportSchema.parse(JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')));
      expect(report.quality?.dataset.name).toBe('starter');
      expect(report.performance?.runs[0]?.requests).toBe(8);
      expect(r.status).toBe(report.verdict === 'pass' ? 0 : 1);
    } finally {
      sim.kill();
    }
  });
});
