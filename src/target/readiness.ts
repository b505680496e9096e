import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { errorMessageOf } from '../client/chunk.ts';
import { httpFetch } from '../client/http-fetch.ts';
import { NetworkError } from '../client/network-error.ts';
import { errorText, type Logger } from '../log.ts';
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
  /**
   * Seconds an inference probe may wait while the engine loads the model for it (Ollama loads on the first
   * inference and abandons the load when the client hangs up): a probe inference is never cut off sooner.
   */
  loadLimitS?: number;
  /**
   * Names the engine from what the server answers before it is ready (called before each probe until it
   * answers), and gives that engine's readiness facts, which then replace these options' own.
   */
  identify?: () => Promise<EngineReadiness | null>;
}

/** An engine recognised before readiness, with the readiness settings its preset gives. */
export interface EngineReadiness {
  engine: string;
  evidence: string[];
  healthPath?: string;
  probeTimeoutS: number;
  loadLimitS?: number;
}

export interface ReadinessOutcome {
  readiness: Readiness;
  /** The model id probed with: configured, or discovered from /v1/models. */
  model: string | null;
  /** The engine recognised before readiness, when `identify` named one. */
  engine?: EngineReadiness;
}

const modelsSchema = z.object({ data: z.array(z.object({ id: z.string() })).min(1) });
const completionSchema = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullish() }).passthrough() })).min(1),
});

type ProbeResult = { ok: true; model: string } | { ok: false; why: string; refused?: boolean; timedOut?: boolean };

/**
 * A GET or POST bounded by `deadline` (a performance.now() time): a probe never outlives the
 * readiness wait. Read through node:http, which refuses no port (see httpFetch).
 */
async function getJson(url: string, init: RequestInit, deadline: number): Promise<{ status: number; body: string; contentType: string }> {
  const res = await httpFetch(url, { ...init, signal: AbortSignal.timeout(Math.max(1, Math.ceil(deadline - performance.now()))) });
  return { status: res.status, body: await res.text(), contentType: res.headers.get('content-type') ?? 'none' };
}

const NOT_JSON: unique symbol = Symbol('not JSON');

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return NOT_JSON;
  }
}

/** A 200 whose body is not JSON (an HTML page from a proxy or a login wall): what came instead. */
function notJson(what: string, answer: { body: string; contentType: string }): string {
  return `${what} answered 200 with content-type ${answer.contentType} and a body that is not JSON: ${answer.body.slice(0, 120).replace(/\s+/g, ' ').trim()}`;
}

function failedProbe(err: unknown, timeoutMs: number): ProbeResult {
  if ((err as Error).name === 'TimeoutError') return { ok: false, why: `no answer within ${(timeoutMs / 1000).toFixed(1)} s`, timedOut: true };
  return { ok: false, why: errorText(err), refused: err instanceof NetworkError && err.code === 'ECONNREFUSED' };
}

function authHeaders(apiKey: string | undefined): Record<string, string> {
  return { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) };
}

/**
 * The one-token chat completion readiness is made of: null when the server answered it with a
 * completion, else why not. `timeoutMs` bounds the whole request.
 */
export async function probeInference(rootURL: string, model: string, apiKey: string | undefined, timeoutMs: number): Promise<string | null> {
  const r = await inferenceOnce(rootURL, model, authHeaders(apiKey), performance.now() + timeoutMs);
  return r.ok ? null : r.why;
}

async function inferenceOnce(rootURL: string, model: string, headers: Record<string, string>, deadline: number): Promise<ProbeResult> {
  const timeoutMs = deadline - performance.now();
  try {
    const body = JSON.stringify({ model, messages: [{ role: 'user', content: 'Say OK.' }], max_tokens: 1, temperature: 0 });
    const c = await getJson(`${rootURL}/v1/chat/completions`, { method: 'POST', headers, body }, deadline);
    if (c.status !== 200) return { ok: false, why: `one-token inference answered ${c.status}: ${errorMessageOf(c.body)}` };
    const json = parseJson(c.body);
    if (json === NOT_JSON) return { ok: false, why: notJson('one-token inference', c) };
    if (!completionSchema.safeParse(json).success) return { ok: false, why: 'one-token inference answered 200 without choices[0].message' };
    return { ok: true, model };
  } catch (err) {
    return failedProbe(err, timeoutMs);
  }
}

/**
 * One probe: health (if configured), model discovery (if needed), then a real one-token inference.
 * Each request is cut at the probe timeout or at the readiness deadline, whichever comes first.
 */
async function probeOnce(target: RunningTarget, o: ReadinessOptions, knownModel: string | undefined, waitDeadline: number): Promise<ProbeResult> {
  const deadline = Math.min(performance.now() + o.probeTimeoutS * 1000, waitDeadline);
  const timeoutMs = deadline - performance.now();
  const headers = authHeaders(o.apiKey);
  try {
    if (o.healthPath) {
      const h = await getJson(`${target.rootURL}${o.healthPath}`, { headers }, deadline);
      if (h.status !== 200) return { ok: false, why: `${o.healthPath} answered ${h.status}` };
    }
    let model = knownModel;
    if (model === undefined) {
      const m = await getJson(`${target.rootURL}/v1/models`, { headers }, deadline);
      if (m.status !== 200) return { ok: false, why: `/v1/models answered ${m.status}: ${errorMessageOf(m.body)}` };
      const json = parseJson(m.body);
      if (json === NOT_JSON) return { ok: false, why: notJson('/v1/models', m) };
      const parsed = modelsSchema.safeParse(json);
      if (!parsed.success) return { ok: false, why: '/v1/models listed no model' };
      model = parsed.data.data[0]!.id;
    }
    // The inference may be what loads the model: hanging up before the engine's own load limit would
    // abort that load (Ollama). The readiness deadline still cuts it.
    const inferenceDeadline = Math.min(waitDeadline, Math.max(deadline, performance.now() + (o.loadLimitS ?? 0) * 1000));
    return await inferenceOnce(target.rootURL, model, headers, inferenceDeadline);
  } catch (err) {
    return failedProbe(err, timeoutMs);
  }
}

/** A URL target whose port refused every probe this long is warned about: nothing will start listening there by itself. */
const REFUSED_WARNING_MS = 5000;

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
  let engine: EngineReadiness | undefined;
  const exitedMarker = target.exited.then((): typeof EXITED => EXITED);
  let refusedSince: number | null = null;
  let warnedRefused = false;

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
    ...(engine ? { engine } : {}),
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
    if (o.identify && !engine) {
      const found = await Promise.race([o.identify(), exitedMarker]);
      if (found === EXITED) return diedWhileLoading();
      if (found) {
        engine = found;
        o = { ...o, healthPath: found.healthPath, probeTimeoutS: found.probeTimeoutS, loadLimitS: found.loadLimitS };
        logger.info(
          `engine: ${found.engine}, recognised before readiness (${found.evidence.join('; ')}): probe timeout ${found.probeTimeoutS} s` +
            `${found.healthPath ? `, health path ${found.healthPath}` : ''}${found.loadLimitS ? `, a probe inference may wait ${found.loadLimitS} s for the model to load` : ''}`,
        );
      }
    }
    const outcome = await Promise.race([probeOnce(target, o, model, deadline), exitedMarker]);
    if (outcome === EXITED) {
      return diedWhileLoading();
    }
    if (outcome.ok) {
      model = outcome.model;
      streak++;
      if (streak >= o.consecutive) {
        const secondsToReady = elapsedS();
        logger.info(`ready after ${secondsToReady.toFixed(1)} s (${attempts} probes, model ${model})`);
        return { readiness: { ready: true, secondsToReady, attempts }, model: outcome.model, ...(engine ? { engine } : {}) };
      }
      continue; // confirm right away
    }
    streak = 0;
    // A probe the deadline cut short says less than the full one before it.
    const cut = outcome.timedOut === true && performance.now() >= deadline - 1 && attempts > 1;
    lastError = cut ? `${lastError} (a last probe was cut at the deadline)` : outcome.why;
    if (!outcome.refused) refusedSince = null;
    else if (refusedSince === null) refusedSince = performance.now();
    else if (target.kind === 'url' && !warnedRefused && performance.now() - refusedSince >= REFUSED_WARNING_MS) {
      warnedRefused = true;
      logger.warn(
        `${target.rootURL} has refused every connection for ${((performance.now() - refusedSince) / 1000).toFixed(0)} s: nothing listens there. The gate did not start this server, so nothing will start listening by itself: check the URL and the port, and that the server is running`,
      );
    }
    if (elapsedS() - lastProgress >= o.progressEveryS) {
      lastProgress = elapsedS();
      logger.info(`waiting for readiness: ${elapsedS().toFixed(0)} s of ${o.timeoutS} s, ${attempts} probes, last: ${lastError}${target.portNote ? ` (${target.portNote})` : ''}`);
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
