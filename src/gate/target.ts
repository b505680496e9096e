import type { GateConfig } from '../config/schema.ts';
import type { EngineName } from '../engines/registry.ts';
import type { Dataset } from '../eval/dataset.ts';
import { buildIdentity } from '../identity/build.ts';
import { probeEngine, probeGpu, runnerIdentity } from '../identity/probe.ts';
import { errorText, type Logger } from '../log.ts';
import type { EngineSection, Extras, Identity, Readiness, Reason, Report } from '../report/schema.ts';
import type { Environment } from '../store/create.ts';
import { detectEngine } from '../target/detect-engine.ts';
import { engineReadinessOptions } from '../target/engine-readiness.ts';
import { probeInference, waitForReady } from '../target/readiness.ts';
import { modelMismatch, servedModels } from '../target/served-model.ts';
import { StallWatch } from '../target/stall-watch.ts';
import { startTarget } from '../target/start.ts';
import type { RunningTarget, TargetHooks } from '../target/types.ts';

/** Request timeouts in a row after which the gate asks the server directly whether it still answers. */
const STALLED_TIMEOUTS = 3;

/** The report's engine section, for an engine the registry knows. */
export interface EngineIdentity extends EngineSection {
  engine: EngineName;
}

/** A target that answered a real inference, is the configured model's server, and is being measured. */
export interface ReadyTarget {
  running: RunningTarget;
  model: string;
  engine: EngineIdentity;
  identity: Identity;
  /** Aborts the measuring stages when the server stops answering (see StallWatch). */
  watch: StallWatch;
  /** Names the stage now measuring, for the watch's message. */
  enter(stage: 'eval' | 'bench'): void;
}

/** What a measuring step returns: its own sections, and why the run cannot be trusted (in order). */
export interface Measured {
  errors: Reason[];
}

/** The target's share of the report: what ran, how it became ready (or not), what answered, how it ended. */
export interface TargetSection<M extends Measured> {
  subject: Report['subject'];
  readiness: Readiness | null;
  model?: string;
  engine?: EngineIdentity;
  identity?: Identity;
  kind?: RunningTarget['kind'];
  containerPort?: number;
  /** Sections the target measured itself (a cluster's rollout timeline), read once it stopped. */
  extras?: Pick<Extras, 'kubernetes'>;
  /** What the measuring steps returned; absent when the target never got that far. */
  measured?: M;
  errors: Reason[];
}

export interface TargetSetup {
  dataset: Dataset | undefined;
  hooks: TargetHooks | undefined;
  env: Environment;
}

/** The GPUs the target will run on, for its identity line (see probeGpu). */
export function targetGpu(config: GateConfig, env: Environment): Promise<Identity['gpu']> {
  return probeGpu({ imageTarget: config.target.image !== undefined || config.target.build !== undefined, gpus: config.target.gpus }, env);
}

/**
 * Records what answered (its model ids) and returns why it is not the configured model's server,
 * or null. Before eval and bench: measuring another server and passing is worse than stopping.
 */
async function checkServedModel(config: GateConfig, target: RunningTarget, identity: EngineIdentity, logger: Logger): Promise<string | null> {
  const served = await servedModels(target.rootURL, config.target.apiKey, config.readiness.probeTimeoutS * 1000);
  if (typeof served === 'string') {
    logger.warn(`could not list the served models (${served}); the configured model cannot be checked against them`);
    return null;
  }
  identity.models = served;
  logger.info(`served models: ${served.join(', ') || 'none listed'}`);
  return config.target.model ? modelMismatch(config.target.model, served) : null;
}

/**
 * The configured engine, or what the server's answers reveal (generic OpenAI when nothing does).
 * Detected either way: the evidence records what answered on the port.
 */
async function identifyEngine(config: GateConfig, target: RunningTarget, logger: Logger): Promise<EngineIdentity> {
  const d = await detectEngine(target.rootURL, { ...(config.target.apiKey ? { apiKey: config.target.apiKey } : {}) });
  if (config.engine) {
    if (d.confident && d.engine !== config.engine) logger.warn(`engine: configured ${config.engine}, but the server answers like ${d.engine}: ${d.evidence.join('; ')}`);
    return { engine: config.engine, source: 'config', evidence: d.evidence };
  }
  logger.info(
    d.engine === 'openai' && !d.confident
      ? `engine: not recognised, treated as a generic OpenAI-compatible server (set engine: to use a preset)`
      : `engine: detected ${d.engine}${d.confident ? '' : ' (not certain)'}: ${d.evidence.join('; ')}`,
  );
  return { engine: d.engine, source: 'detected', evidence: d.evidence };
}

/** The server's last log lines for a reason, one line each cut to 200 characters (they say why it died). */
function lastLines(target: RunningTarget, count = 8): string {
  const lines = target.logTail().filter((l) => l.trim() !== '').slice(-count);
  return lines.length === 0 ? '' : `; its last lines: ${lines.map((l) => (l.length > 200 ? `${l.slice(0, 200)}…` : l)).join(' | ')}`;
}

/** The section of a run whose target was never started (the gate stopped before: a broken dataset, an unusable baseline). */
export function notStarted<M extends Measured>(config: GateConfig, startedAt: string): TargetSection<M> {
  return { subject: { startedAt, finishedAt: startedAt }, readiness: null, ...(config.target.model ? { model: config.target.model } : {}), errors: [] };
}

/**
 * Starts the target, waits for a real inference, checks that the configured model answers, records
 * its identity, hands it to `measure` (eval, bench), then says how the server ended (stalled, exited,
 * OOM-killed) and stops it, whatever happened. Never throws: a failure becomes a reason.
 */
export async function withTarget<M extends Measured>(
  config: GateConfig,
  setup: TargetSetup & { gpu: Identity['gpu']; startedAt: string },
  logger: Logger,
  measure: (ready: ReadyTarget) => Promise<M>,
): Promise<TargetSection<M>> {
  let section = notStarted<M>(config, setup.startedAt);
  const errors: Reason[] = [];
  let target: RunningTarget | undefined;
  let extras: Pick<Extras, 'kubernetes'> | undefined;
  try {
    target = await logger.group('target: start', () => startTarget(config.target, logger, setup.hooks ?? {}, setup.env));
    const running = target;
    section = { ...section, subject: { ...section.subject, ...running.subject }, kind: running.kind, ...(running.containerPort === undefined ? {} : { containerPort: running.containerPort }) };
    const ready = await logger.group('readiness: wait for a real inference', () =>
      waitForReady(running, { ...config.readiness, model: config.target.model, apiKey: config.target.apiKey, ...engineReadinessOptions(config, running.rootURL) }, logger),
    );
    const model = ready.model ?? config.target.model;
    section = { ...section, readiness: ready.readiness, ...(model ? { model } : {}) };
    if (ready.readiness.ready && model) {
      let stage: 'eval' | 'bench' = 'eval';
      // A server that stops answering after readiness ends the run instead of costing every item's timeouts.
      const watch = new StallWatch({
        after: STALLED_TIMEOUTS,
        stage: () => stage,
        probe: () => probeInference(running.rootURL, model, config.target.apiKey, config.readiness.probeTimeoutS * 1000),
      });
      const engine = await identifyEngine(config, running, logger);
      section = { ...section, engine };
      const mismatch = await checkServedModel(config, running, engine, logger);
      if (mismatch) {
        errors.push({ dimension: 'target', message: mismatch });
        logger.error(mismatch);
      } else {
        const identity = buildIdentity({
          model,
          engine: engine.engine,
          ...(await probeEngine(running.rootURL, engine.engine, model, config.target.apiKey)),
          subject: section.subject,
          dataset: setup.dataset,
          gpu: setup.gpu,
          runner: runnerIdentity(setup.env),
        });
        logger.info(`identity line: ${identity.line}`);
        section = { ...section, identity };
        const measured = await measure({ running, model, engine, identity, watch, enter: (s) => (stage = s) });
        errors.push(...measured.errors);
        section = { ...section, measured };
      }
      if (watch.reason !== null) {
        errors.push({ dimension: 'target', message: watch.reason });
        logger.error(watch.reason);
      }
      const exit = running.exitInfo();
      if (exit) {
        errors.push({ dimension: 'target', message: exit.reason ?? `server exited with code ${exit.code ?? 'none'}${exit.oomKilled ? ' (OOM-killed)' : ''} during the run${lastLines(running)}` });
      }
    }
  } catch (err) {
    errors.push({ dimension: 'gate', message: errorText(err) });
    logger.error(errorText(err));
  } finally {
    if (target) {
      // A cluster reports the image digest only once a pod ran.
      section = { ...section, subject: { ...section.subject, ...target.subject } };
      try {
        await target.stop();
      } catch (err) {
        logger.warn(`could not stop the target: ${errorText(err)}`);
      }
      extras = target.extras?.();
    }
  }
  return { ...section, ...(extras ? { extras } : {}), errors };
}
