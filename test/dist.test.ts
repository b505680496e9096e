import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');

// The Action and `npx llm-gate` run the committed bundles, not src/: run them as shipped.
describe('the committed dist/ bundles', () => {
  it('has the CLI, the Action main and its post step', () => {
    for (const f of ['cli.js', 'index.js', 'post.js']) expect(existsSync(path.join(ROOT, 'dist', f))).toBe(true);
  });

  it('runs the bundled CLI on Node 24 without node_modules resolution errors', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), '--help'], { encoding: 'utf8', cwd: '/' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Commands:[\s\S]*run[\s\S]*demo[\s\S]*simulate/);
  });

  it('finds the shipped datasets from the bundle wherever it is started', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'run', '--url', 'http://127.0.0.1:9', '--requests', '0'], {
      encoding: 'utf8',
      cwd: '/',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--requests: expected a positive whole number/);
  });
});
