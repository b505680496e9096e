import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/cli/free-port.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'src/cli/main.ts');

/** Secrets of every kind the gate hands over or the runner holds; none may reach a log or a report. */
const SECRETS = {
  HF_TOKEN: 'hf-passed-value-7f3a9c',
  LLM_GATE_API_KEY: 'api-key-value-51d2e8',
  MY_SERVICE_PASSWORD: 'inherited-password-c0ffee',
  INNOCENT_NAME: `ghp_${'Zx9Yw8Vu7T'.repeat(4)}`,
};

/** Runs the CLI with the secrets in its environment; returns everything it wrote and what it left in OUT. */
async function gateWith(serverScript: string, extra: string): Promise<{ code: number | null; stdout: string; stderr: string; report: string; summary: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'llm-gate-secrets-'));
  const port = await freePort();
  const command = serverScript.replaceAll('SIM', `'${process.execPath}' '${CLI}' simulate --port ${port}`);
  await writeFile(
    path.join(dir, 'llm-gate.yml'),
    [
      'target:',
      `  command: ${JSON.stringify(command)}`,
      `  port: ${port}`,
      '  passEnv: [HF_TOKEN]',
      'readiness: { intervalS: 0.2, timeoutS: 30 }',
      'eval: { enabled: false }',
      'bench: { concurrency: [2], requests: 4, warmupRequests: 0 }',
      'compare: { baseline: none }',
      extra,
    ].join('\n'),
  );
  const child = spawn(process.execPath, [CLI, 'run', '--out', 'out'], { cwd: dir, env: { ...process.env, ...SECRETS }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
  child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const report = await readFile(path.join(dir, 'out/report.json'), 'utf8');
  const summary = await readFile(path.join(dir, 'out/summary.md'), 'utf8');
  return { code, stdout, stderr, report, summary };
}

function expectNoSecret(where: Record<string, string>): void {
  for (const [sink, text] of Object.entries(where)) {
    for (const [name, value] of Object.entries(SECRETS)) expect(text.includes(value), `${name} in ${sink}`).toBe(false);
  }
}

describe('secrets a server prints at start-up', () => {
  it('are masked in the console of a run that passes, named by the variable they came from', async () => {
    // The server logs its environment and its arguments, as engines do, then serves.
    const r = await gateWith('printenv; echo "serving with --api-key $LLM_GATE_API_KEY"; exec SIM', '');
    expect(r.code).toBe(0);
    expectNoSecret({ stdout: r.stdout, stderr: r.stderr, 'report.json': r.report, 'summary.md': r.summary });
    expect(r.stderr).toContain('HF_TOKEN=[masked HF_TOKEN]');
    expect(r.stderr).toContain('--api-key [masked API key]');
    expect(r.stderr).toContain('MY_SERVICE_PASSWORD=[masked MY_SERVICE_PASSWORD]');
    expect(r.stderr).toContain('INNOCENT_NAME=[masked GitHub token]');
    // Locations are not secrets: the working directory stays readable.
    expect(r.stderr).not.toContain('[masked PWD]');
  }, 60_000);

  it('are masked in readiness.logTail, the summary and the reasons when the server dies while loading', async () => {
    const r = await gateWith(`printenv; printenv | grep -E '^(HF_TOKEN|MY_SERVICE_PASSWORD|INNOCENT_NAME)='; echo "fatal: bad key $LLM_GATE_API_KEY" >&2; exit 1`, '');
    expect(r.code).toBe(3);
    expectNoSecret({ stdout: r.stdout, stderr: r.stderr, 'report.json': r.report, 'summary.md': r.summary });
    const report = JSON.parse(r.report) as { readiness: { logTail: string[] } };
    expect(report.readiness.logTail).toContain('fatal: bad key [masked API key]');
    expect(report.readiness.logTail).toContain('HF_TOKEN=[masked HF_TOKEN]');
  }, 60_000);
});
