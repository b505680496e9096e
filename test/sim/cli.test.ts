import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';

const node = process.execPath;

function simulate(args: string[]): { child: ChildProcessWithoutNullStreams; url: Promise<string> } {
  const child = spawn(node, ['src/cli/main.ts', 'simulate', '--port', '0', ...args]);
  const url = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`simulate exited with ${code} before printing its URL`)));
  });
  return { child, url };
}

describe('llm-gate simulate', () => {
  it('prints its URL, serves, and exits 0 on SIGTERM', async () => {
    const { child, url } = simulate(['--model', 'cli-model', '--tpot-ms', '1']);
    const base = await url;
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const models = (await (await fetch(`${base}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data[0]!.id).toBe('cli-model');
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('plays the engine named by --engine, from its loading phase on', async () => {
    const { child, url } = simulate(['--engine', 'llamacpp', '--load-time', '30s']);
    const res = await fetch(`${await url}/health`);
    expect(res.status).toBe(503);
    expect(res.headers.get('server')).toBe('llama.cpp');
    child.kill('SIGTERM');
    await once(child, 'exit');
  });

  it('answers a dataset prompt with its reference when given --dataset', async () => {
    const { child, url } = simulate(['--dataset', 'datasets/starter/v1', '--tpot-ms', '1']);
    const res = await fetch(`${await url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'Reply with exactly the word OK and nothing else.' }] }),
    });
    const body = (await res.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]!.message.content).toBe('OK');
    child.kill('SIGTERM');
    await once(child, 'exit');
  });

  it('exits 1 when its crash fault fires', async () => {
    const { child, url } = simulate(['--crash-after', '0']);
    const base = await url;
    const exited = once(child, 'exit');
    await fetch(`${base}/v1/chat/completions`, { method: 'POST', body: '{}' }).catch(() => undefined);
    const [code] = await exited;
    expect(code).toBe(1);
  });

  it('exits 2 naming the flag on a bad value', async () => {
    const child = spawn(node, ['src/cli/main.ts', 'simulate', '--tpot-ms', 'fast']);
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(err).toContain('--tpot-ms');
  });

  it('names the flag, not the option behind it, for a value out of range', async () => {
    for (const [flag, value] of [['--port', '99999'], ['--tpot-ms', '-1'], ['--http-error-rate', '2']] as const) {
      const child = spawn(node, ['src/cli/main.ts', 'simulate', `${flag}=${value}`]);
      let err = '';
      child.stderr.on('data', (b: Buffer) => (err += b.toString()));
      const [code] = await once(child, 'exit');
      expect(code).toBe(2);
      expect(err).toMatch(new RegExp(`^error: ${flag}: `));
    }
  });
});
