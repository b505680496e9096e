import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { errorMessageOf } from '../client/chunk.ts';
import type { Logger } from '../log.ts';
import type { Readiness } from '../report/schema.ts';
import type { ExitInfo, RunningTarget } from './types.ts';

export interface ReadinessOptions {
  healthPath?: string;
  timeoutS: number;
  intervalS: number;
  consecutive: number;
  probeTimeoutS: number;
  progressEveryS: number;
  model?: string;
  apiKey?: string;
}

export interface ReadinessOutcome {
  readiness: Readiness;
  /** The model id probed with: configured, or discovered from /v1/models. */
  model: string | null;
}

const modelsSchema = z.object({ data: z.array(z.object({ id: z.string() })).min(1) });
const completionSchema = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullish() }).passthrough() })).min(1),
});

type ProbeResult = { ok: true; model: string } | { ok: false; why: string };

async function getJson(url: string, init: RequestInit, timeoutMs: number): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, body: await res.text() };
}

function describeFetchError(err: unknown): string {
  const e = err as Error & { cause?: { code?: string } };
  if (e.name === 'TimeoutError') return 'probe timed out';
  return e.cause?.code ?? e.message;
}

/** One probe: health (if configured), model discovery (if needed), then a real one-token inference. */
async function probeOnce(target: RunningTarget, o: ReadinessOptions, knownModel: string | undefined): Promise<ProbeResult> {
  const timeoutMs = o.probeTimeoutS * 1000;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (o.apiKey) headers.authorization = `Bearer ${o.apiKey}`;
  try {
    if (o.healthPath) {
      const h = await getJson(`${target.rootURL}${o.healthPath}`, { headers }, timeoutMs);
      if (h.status !== 200) return { ok: false, why: `${o.healthPath} answered ${h.status}` };
    }
    let model = knownModel;
    if (model === undefined) {
      const m = await getJson(`${target.rootURL}/v1/models`, { headers }, timeoutMs);
      if (m.status !== 200) return { ok: false, why: `/v1/models answered ${m.status}: ${errorMessageOf(m.body)}` };
      const parsed = modelsSchema.safeParse(JSON.parse(m.body));
      if (!parsed.success) return { ok: false, why: '/v1/models listed no model' };
      model = parsed.data.data[0]!.id;
    }
    const body = JSON.stringify({ model, messages: [{ role: 'user', content: 'Say OK.' }], max_tokens: 1, temperature: 0 });
    const c = await getJson(`${target.rootURL}/v1/chat/completions`, { method: 'POST', headers, body }, timeoutMs);
    if (c.status !== 200) return { ok: false, why: `one-token inference answered ${c.status}: ${errorMessageOf(c.body)}` };
    let json: unknown;
    try {
      json = JSON.parse(c.body);
    } catch {
      return { ok: false, why: 'one-token inference answered 200 with a body that is not JSON' };
    }
    if (!completionSchema.safeParse(json).success) return { ok: false, why: 'one-token inference answered 200 without choices[0].message' };
    return { ok: true, model };
  } catch (err) {
    return { ok: false, why: describeFetchError(err) };
  }
}

const EXITED: unique symbol = Symbol('exited');

/**
 * Waits until the server answers real inferences `consecutive` times in a row. An open port
 * or a 200 from /health is not enough: engines open both before the weights are loaded.
 * Stops at once when the container or process exits.
 */
export async function waitForReady(target: RunningTarget, o: ReadinessOptions, logger: Logger): Promise<ReadinessOutcome> {
  const start = performance.now();
  const elapsedS = () => (performance.now() - start) / 1000;
  const deadline = start + o.timeoutS * 1000;
  let attempts = 0;
  let streak = 0;
  let lastError = 'no probe answered yet';
  let lastProgress = 0;
  let model = o.model;
  const exitedMarker = target.exited.then((): typeof EXITED => EXITED);

  const notReady = (exit?: ExitInfo): ReadinessOutcome => ({
    readiness: {
      ready: false,
      secondsToReady: null,
      attempts,
      lastError,
      ...(exit ? { exit: { code: exit.code, oomKilled: exit.oomKilled, ...(exit.signal ? { signal: exit.signal } : {}) } } : {}),
      logTail: target.logTail().slice(-40),
    },
    model: model ?? null,
  });

  const diedWhileLoading = (): ReadinessOutcome => {
    const exit = target.exitInfo()!;
    lastError = exit.reason ?? `server exited with code ${exit.code ?? 'none'}${exit.signal ? ` (${exit.signal})` : ''}${exit.oomKilled ? ', OOM-killed' : ''} while loading`;
    if (!exit.reason) logger.error(lastError);
    // A pod that never started (unschedulable, image not pulled) has no exit to report, only its reason.
    return notReady(exit.code === null && !exit.signal && !exit.oomKilled && exit.reason ? undefined : exit);
  };

  while (performance.now() < deadline) {
    attempts++;
    const outcome = await Promise.race([probeOnce(target, o, model), exitedMarker]);
    if (outcome === EXITED) {
      return diedWhileLoading();
    }
    if (outcome.ok) {
      model = outcome.model;
      streak++;
      if (streak >= o.consecutive) {
        const secondsToReady = elapsedS();
        logger.info(`ready after ${secondsToReady.toFixed(1)} s (${attempts} probes, model ${model})`);
        return { readiness: { ready: true, secondsToReady, attempts }, model: outcome.model };
      }
      continue; // confirm right away
    }
    streak = 0;
    lastError = outcome.why;
    if (elapsedS() - lastProgress >= o.progressEveryS) {
      lastProgress = elapsedS();
      logger.info(`waiting for readiness: ${elapsedS().toFixed(0)} s of ${o.timeoutS} s, ${attempts} probes, last: ${lastError}`);
    }
    const pause = Math.min(o.intervalS * 1000, Math.max(0, deadline - performance.now()));
    if ((await Promise.race([sleep(pause), exitedMarker])) === EXITED) {
      return diedWhileLoading();
    }
  }
  lastError = `not ready within ${o.timeoutS} s; last probe: ${lastError}`;
  logger.error(lastError);
  return notReady();
}
