import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const cli = (args: string[]) => spawnSync(process.execPath, ['src/cli/main.ts', ...args], { encoding: 'utf8' });

describe('an unknown command', () => {
  it('exits 2 naming the nearest command when it is a likely typo', () => {
    const r = cli(['rnu', '--url', 'http://127.0.0.1:9']);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe("error: unknown command 'rnu': did you mean 'run'?");
    expect(cli(['histroy']).stderr.split('\n')[0]).toBe("error: unknown command 'histroy': did you mean 'history'?");
  });

  it('exits 2 with the command list when nothing is close', () => {
    const r = cli(['deploy']);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe("error: unknown command 'deploy'");
    expect(r.stderr).toContain('Commands:');
  });
});
