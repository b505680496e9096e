import { constants, unlinkSync } from 'node:fs';
import { access, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { ConfigError } from './config/load.ts';
import type { GateConfig } from './config/schema.ts';
import { EXIT } from './exit-codes.ts';
import { runGate, type GateOptions, type GateResult } from './gate/gate.ts';
import { errorText } from './log.ts';
import { HTML_FILE, writeReportFilesSync, type ReportFiles } from './report/write.ts';
import { REPORT_SCHEMA_VERSION, type Report } from './report/schema.ts';
import { cleanUpTarget, type CleanupState } from './target/cleanup.ts';
import type { TargetHooks } from './target/types.ts';
import { TOOL_VERSION } from './version.ts';

/** Signals that end a run the way a CI step timeout, `timeout` or a person at a terminal do. */
export const ENDING_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Held in OUT while a run writes there: two gates on one folder would overwrite each other's report. */
export const LOCK_FILE = '.llm-gate.lock';

/**
 * Checks before anything starts that OUT can take report.json and summary.md: refused (ConfigError, exit 2)
 * when OUT is an existing file, sits under a file, or cannot be created or written.
 */
export async function checkOut(out: string): Promise<void> {
  const info = await stat(out).catch(() => undefined);
  if (info && !info.isDirectory()) throw new ConfigError(`out "${out}": exists and is not a directory; give a directory for report.json and summary.md`);
  try {
    await mkdir(out, { recursive: true });
    await access(out, constants.W_OK);
  } catch (err) {
    throw new ConfigError(`out "${out}": cannot write there (${(err as NodeJS.ErrnoException).code ?? errorText(err)}); give a directory the gate can create and write`);
  }
}

interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes OUT for this run: creates OUT/.llm-gate.lock holding this pid, atomically. A lock whose process is
 * gone (same host, pid not alive) is stale and taken over; a live one is refused with ConfigError (exit 2)
 * naming its pid. Resolves with the function that releases the lock.
 */
export async function lockOut(out: string): Promise<() => void> {
  const file = path.join(out, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, `${JSON.stringify(me)}\n`, { flag: 'wx' });
      return () => {
        try {
          unlinkSync(file);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new ConfigError(`out "${out}": cannot create ${LOCK_FILE} (${(err as NodeJS.ErrnoException).code ?? errorText(err)})`);
    }
    const owner = await readFile(file, 'utf8').then((t) => JSON.parse(t) as Partial<LockOwner>).catch(() => ({}) as Partial<LockOwner>);
    const sameHost = owner.host === undefined || owner.host === me.host;
    if (typeof owner.pid === 'number' && owner.pid !== process.pid && (!sameHost || processAlive(owner.pid))) {
      const where = sameHost ? `pid ${owner.pid}` : `pid ${owner.pid} on ${owner.host}`;
      throw new ConfigError(
        `out "${out}": another llm-gate run (${where}, since ${owner.startedAt ?? '?'}) is writing there; give each gate its own --out (or delete ${file} if that run is gone)`,
      );
    }
    // Stale: its run died without releasing it.
    await unlink(file).catch(() => undefined);
  }
  throw new ConfigError(`out "${out}": could not take ${LOCK_FILE}: another run keeps taking it`);
}

/** What is known of the subject without the pipeline's results: enough to tell which run ended how. */
function subjectOf(config: GateConfig, startedAt: string): Report['subject'] {
  const t = config.target;
  return {
    ...(t.image !== undefined ? { image: t.image } : {}),
    ...(t.command !== undefined ? { command: t.command } : {}),
    ...(t.url !== undefined ? { url: t.url } : {}),
    ...(t.model !== undefined ? { model: t.model } : {}),
    ...(config.tag !== undefined ? { tag: config.tag } : {}),
    startedAt,
    finishedAt: new Date().toISOString(),
  };
}

/** One entry per thing started: a container, a process group, the one Kubernetes run (saved again as it grows). */
function leftoverKey(state: CleanupState): string {
  return state.kind === 'image' ? `image ${state.container}` : state.kind === 'command' ? `command ${state.pgid}` : 'kubernetes';
}

/**
 * runGate with every ending covered, for the front ends (CLI, Action):
 * - OUT is checked and locked before anything starts (ConfigError, exit 2, when it cannot be used);
 * - on SIGINT, SIGTERM or SIGHUP it stops what the pipeline started (containers removed, process groups
 *   killed), writes report.json and summary.md with verdict error and reason "interrupted by SIGNAL", and
 *   resolves with exit code 3; a second signal exits at once (code 3);
 * - an error thrown out of the pipeline ends the same way, with its message as the reason.
 * The pipeline's partial results are not kept in those two cases: the report says how the run ended. The
 * abandoned pipeline may still hold timers and sockets: the front ends exit the process once they reported.
 */
export async function runGateGuarded(config: GateConfig, options: GateOptions): Promise<GateResult> {
  const { logger } = options;
  const startedAt = new Date().toISOString();
  await checkOut(config.out);
  const release = await lockOut(config.out);

  /** What the pipeline started and has not stopped itself, for a signal to stop. */
  const leftovers = new Map<string, CleanupState>();
  const hooks: TargetHooks = {
    onCleanupState: (state) => {
      leftovers.set(leftoverKey(state), state);
      options.hooks?.onCleanupState?.(state);
    },
    onCleanedUp: (state) => {
      leftovers.delete(leftoverKey(state));
      options.hooks?.onCleanedUp?.(state);
    },
  };
  const abandon = new AbortController();
  let ended: (reason: string) => void = () => undefined;
  const interrupted = new Promise<string>((resolve) => (ended = resolve));
  const onSignal = (signal: NodeJS.Signals) => {
    if (abandon.signal.aborted) {
      process.stderr.write(`llm-gate: ${signal} again: exiting at once\n`);
      process.exit(EXIT.error);
    }
    logger.error(`interrupted by ${signal}: stopping the target and writing the report (a second signal exits at once)`);
    ended(`interrupted by ${signal}`);
  };
  for (const s of ENDING_SIGNALS) process.on(s, onSignal);

  try {
    const pipeline = runGate(config, { ...options, hooks, signal: abandon.signal });
    const outcome = await Promise.race([
      pipeline.then((result) => ({ result })),
      interrupted.then((reason) => ({ reason })),
    ]).catch((err: unknown) => {
      logger.error(`llm-gate failed unexpectedly: ${err instanceof Error && process.env.LLM_GATE_DEBUG ? err.stack : errorText(err)}`);
      return { reason: `the gate failed unexpectedly: ${errorText(err)}` };
    });
    if ('result' in outcome) return outcome.result;

    // The pipeline is abandoned: it must not write a report after this one, and what it started is stopped here.
    abandon.abort();
    pipeline.catch(() => undefined);
    await Promise.all(
      [...leftovers.values()].map(async (state) => {
        // No wait for a namespace to be gone: the report comes first.
        const outcome = await cleanUpTarget(state, 0);
        if ('failed' in outcome) logger.warn(outcome.failed);
        else if (outcome.done !== undefined) logger.info(outcome.done);
      }),
    );
    const report: Report = {
      schemaVersion: REPORT_SCHEMA_VERSION,
      tool: { name: 'llm-gate', version: TOOL_VERSION },
      subject: subjectOf(config, startedAt),
      verdict: 'error',
      reasons: [{ dimension: 'gate', message: outcome.reason }],
      readiness: null,
      quality: null,
      performance: null,
      comparison: null,
    };
    let files: ReportFiles = { reportPath: path.join(config.out, 'report.json'), summaryPath: path.join(config.out, 'summary.md'), htmlPath: path.join(config.out, HTML_FILE) };
    // Synchronous, so that no write of the abandoned pipeline lands after this one.
    try {
      files = writeReportFilesSync(config.out, report);
    } catch (err) {
      // OUT itself may be what broke: the exit code and the log still say how the run ended.
      logger.error(`could not write the report: ${errorText(err)}`);
    }
    return { report, exitCode: EXIT.error, ...files };
  } finally {
    for (const s of ENDING_SIGNALS) process.off(s, onSignal);
    release();
  }
}
