import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/cli/free-port.ts';
import { LOCK_FILE } from '../../src/guard.ts';
import { reportSchema } from '../../src/report/schema.ts';
import { groupAlive } from '../../src/target/process/group.ts';
import { cliStarter } from '../helpers/cli-process.ts';
import { describeDocker } from '../helpers/docker.ts';
import { buildSimulatorImage } from '../helpers/sim-image.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
/** The simulator as a server command, the way an engine's start command would be written. */
const SIM = `${sh(process.execPath)} ${sh(path.join(ROOT, 'src/cli/main.ts'))} simulate --ttft-ms 5 --tpot-ms 1`;

const startCli = cliStarter();
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'llm-gate-endings-'));

/** Process groups a test started, killed afterwards whatever the test saw. */
const groups = new Set<number>();
afterEach(() => {
  for (const g of groups) {
    try {
      process.kill(-g, 'SIGKILL');
    } catch {
      // gone
    }
  }
  groups.clear();
});

function readReport(out: string) {
  return reportSchema.parse(JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')));
}

/** Waits until no process of the group is left (the gate may still be reaping it). */
async function groupGone(pgid: number, ms = 3000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (groupAlive(pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return !groupAlive(pgid);
}

describe('signals end the gate with a report, the target stopped and exit 3', () => {
  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('on %s while the target loads', async (signal) => {
    const dir = tmp();
    const port = await freePort();
    const gate = startCli(['run', '--command', `${SIM} --port ${port} --load-time 300s`, '--port', String(port), '--baseline', 'none', '--out', 'out'], dir);
    const pgid = Number((await gate.waitFor(/started: .* \(pid (\d+)\)/))[1]);
    groups.add(pgid);
    await gate.waitFor(/== readiness/);
    expect(existsSync(path.join(dir, 'out', LOCK_FILE))).toBe(true);
    const t0 = Date.now();
    gate.child.kill(signal);
    const { code } = await gate.exited;
    expect(code, gate.stderr()).toBe(3);
    expect(Date.now() - t0).toBeLessThan(15_000);
    const report = readReport(path.join(dir, 'out'));
    expect(report.verdict).toBe('error');
    expect(report.reasons).toEqual([{ dimension: 'gate', message: `interrupted by ${signal}` }]);
    expect(report.subject.command).toContain('simulate');
    expect(readFileSync(path.join(dir, 'out', 'summary.md'), 'utf8')).toContain(`interrupted by ${signal}`);
    expect(await groupGone(pgid)).toBe(true);
    expect(existsSync(path.join(dir, 'out', LOCK_FILE))).toBe(false);
  });

  it('exits at once on a second signal while the first one is still stopping a target that ignores SIGTERM', async () => {
    const dir = tmp();
    const port = await freePort();
    // The shell and its sleep ignore SIGTERM: stopping them takes the whole 5 s grace before SIGKILL.
    const gate = startCli(['run', '--command', "trap '' TERM; sleep 300", '--port', String(port), '--baseline', 'none', '--out', 'out'], dir);
    groups.add(Number((await gate.waitFor(/started: .* \(pid (\d+)\)/))[1]));
    await gate.waitFor(/== readiness/);
    gate.child.kill('SIGTERM');
    await gate.waitFor(/interrupted by SIGTERM/);
    const t0 = Date.now();
    gate.child.kill('SIGTERM');
    const { code } = await gate.exited;
    expect(code).toBe(3);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(gate.stderr()).toContain('SIGTERM again: exiting at once');
  });

  it('turns an error thrown outside the pipeline into verdict error and exit 3, with the report written and the target stopped', async () => {
    const dir = tmp();
    const port = await freePort();
    const out = path.join(dir, 'out');
    // The target breaks OUT under the gate: summary.md becomes a directory, so the gate's own write throws at the end.
    const gate = startCli(
      ['run', '--command', `mkdir -p ${sh(path.join(out, 'summary.md'))}; ${SIM} --port ${port}`, '--port', String(port), '--baseline', 'none', '--out', out, '--concurrency', '2', '--requests', '8', '--dataset', path.join(ROOT, 'datasets/starter/v1')],
      dir,
    );
    const pgid = Number((await gate.waitFor(/started: .* \(pid (\d+)\)/))[1]);
    groups.add(pgid);
    const { code } = await gate.exited;
    expect(code, gate.stderr()).toBe(3);
    const report = readReport(out);
    expect(report.verdict).toBe('error');
    expect(report.reasons[0]?.message).toMatch(/^the gate failed unexpectedly: .*EISDIR/);
    expect(gate.stderr()).not.toMatch(/^\s+at /m);
    expect(await groupGone(pgid)).toBe(true);
  });
});

describe('OUT is checked before anything starts', () => {
  it('refuses an --out that is an existing file, or lies under one, with exit 2 and the target never started', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'taken'), 'not a folder');
    for (const out of ['taken', 'taken/sub']) {
      const gate = startCli(['run', '--command', 'touch started; exit 9', '--baseline', 'none', '--out', out], dir);
      const { code } = await gate.exited;
      expect(code, gate.stderr()).toBe(2);
      expect(gate.stderr()).toMatch(new RegExp(`out "${out}": (exists and is not a directory|cannot write there \\(ENOTDIR\\))`));
    }
    expect(existsSync(path.join(dir, 'started'))).toBe(false);
  });

  it('refuses a second gate on an OUT that a live run is writing, naming the run, and takes over a stale lock', async () => {
    const dir = tmp();
    const port = await freePort();
    const first = startCli(['run', '--command', `${SIM} --port ${port} --load-time 300s`, '--port', String(port), '--baseline', 'none', '--out', 'out'], dir);
    groups.add(Number((await first.waitFor(/started: .* \(pid (\d+)\)/))[1]));
    await first.waitFor(/== readiness/);
    const second = startCli(['run', '--command', 'touch started; exit 9', '--baseline', 'none', '--out', 'out'], dir);
    const { code } = await second.exited;
    expect(code, second.stderr()).toBe(2);
    expect(second.stderr()).toContain(`another llm-gate run (pid ${first.child.pid},`);
    expect(existsSync(path.join(dir, 'started'))).toBe(false);
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(3);

    // A lock left by a run that died (its pid no longer exists) does not block the next one.
    const dead = spawn('true');
    await new Promise((r) => dead.on('exit', r));
    writeFileSync(path.join(dir, 'out', LOCK_FILE), JSON.stringify({ pid: dead.pid, host: os.hostname(), startedAt: 'then' }));
    writeFileSync(path.join(dir, 'llm-gate.yml'), 'readiness: {timeoutS: 1, intervalS: 0.2}\neval: {enabled: false}\n');
    const next = startCli(['run', '--url', 'http://127.0.0.1:9/v1', '--model', 'm', '--baseline', 'none', '--out', 'out'], dir);
    expect((await next.exited).code, next.stderr()).toBe(3);
    expect(readReport(path.join(dir, 'out')).readiness?.ready).toBe(false);
    expect(existsSync(path.join(dir, 'out', LOCK_FILE))).toBe(false);
  });
});

describe('a command target whose first process exits while its children live', () => {
  it('gates the server a start script backgrounded, then kills the whole group and exits', async () => {
    const dir = tmp();
    const port = await freePort();
    writeFileSync(path.join(dir, 'start.sh'), `${SIM} --port "$PORT" &\necho "server started in the background"\n`);
    writeFileSync(path.join(dir, 'llm-gate.yml'), 'eval: {enabled: false}\n');
    const gate = startCli(['run', '--command', 'sh start.sh', '--port', String(port), '--baseline', 'none', '--out', 'out', '--concurrency', '2', '--requests', '8'], dir);
    const pgid = Number((await gate.waitFor(/started: .* \(pid (\d+)\)/))[1]);
    groups.add(pgid);
    const { code } = await gate.exited;
    expect(code, gate.stderr()).toBe(0);
    expect(gate.stderr()).toContain('while its process group runs on: following the group');
    expect(readReport(path.join(dir, 'out')).readiness?.ready).toBe(true);
    expect(await groupGone(pgid)).toBe(true);
  });

  it('exits after its verdict although a process that left the group still holds its output pipes', async () => {
    const dir = tmp();
    const port = await freePort();
    // setsid puts the sleeper in a session of its own, out of reach of the group kill, holding stdout and stderr.
    writeFileSync(path.join(dir, 'start.sh'), `setsid sleep 300 &\necho $! > escaped.pid\nexec ${SIM} --port "$PORT"\n`);
    writeFileSync(path.join(dir, 'llm-gate.yml'), 'eval: {enabled: false}\n');
    const gate = startCli(['run', '--command', 'sh start.sh', '--port', String(port), '--baseline', 'none', '--out', 'out', '--concurrency', '2', '--requests', '8'], dir);
    const pgid = Number((await gate.waitFor(/started: .* \(pid (\d+)\)/))[1]);
    groups.add(pgid);
    const { code } = await Promise.race([gate.exited, new Promise<{ code: string }>((r) => setTimeout(() => r({ code: 'still running after 90 s' }), 90_000))]);
    const escaped = Number(readFileSync(path.join(dir, 'escaped.pid'), 'utf8'));
    try {
      process.kill(escaped, 'SIGKILL');
    } catch {
      // gone
    }
    expect(code, gate.stderr()).toBe(0);
    expect(await groupGone(pgid)).toBe(true);
  });
});

describeDocker('signals with an image target', () => {
  let image = '';
  beforeAll(async () => {
    image = await buildSimulatorImage();
  }, 300_000);

  it('removes the container, writes the report and exits 3 on SIGTERM while the container loads', async () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'out'));
    writeFileSync(path.join(dir, 'llm-gate.yml'), `target:\n  image: ${image}\n  port: 8000\n  args: [--load-time, 300s]\n`);
    const gate = startCli(['run', '--baseline', 'none', '--out', 'out'], dir);
    const name = (await gate.waitFor(/--name (llm-gate-[0-9a-f]+)/))[1]!;
    await gate.waitFor(/== readiness/);
    gate.child.kill('SIGTERM');
    const { code } = await gate.exited;
    expect(code, gate.stderr()).toBe(3);
    expect(readReport(path.join(dir, 'out')).reasons).toEqual([{ dimension: 'gate', message: 'interrupted by SIGTERM' }]);
    expect(execFileSync('docker', ['ps', '--all', '--quiet', '--filter', `name=^${name}$`], { encoding: 'utf8' }).trim()).toBe('');
  });
});
