import { SweepProgress } from './bench/progress.ts';
import { runBenchSweep, sweepShapes, type BenchConfig, type BenchResult, type PromptSet, type StepDecider } from './bench/sweep.ts';
import { decideVerdict, sloMisses } from './compare/verdict.ts';
import { lookAtStep } from './compare/sequential.ts';
import { applyAcceptance } from './compare/acceptance.ts';
import { compareReports } from './compare/compare.ts';
import { detectableForReport } from './compare/detectable.ts';
import { datasetChangedMessage } from './compare/dimensions.ts';
import { findBaseline, preflightBaseline, publishReport, type BaselineResolution } from './store/baseline.ts';
import type { Environment } from './store/create.ts';
import { imageHygiene } from './hygiene/stage.ts';
import { buildIdentity } from './identity/build.ts';
import { describeDifferences, identityDifferences, identityOfReport } from './report/identity.ts';
import { probeEngine, probeGpu, runnerIdentity } from './identity/probe.ts';
import type { GateConfig } from './config/schema.ts';
import { thresholdProblems } from './config/thresholds.ts';
import { applyEnginePreset } from './config/engine-preset.ts';
import type { EngineName } from './engines/registry.ts';
import { DatasetError, loadDataset, type Dataset } from './eval/dataset.ts';
import { runEval } from './eval/runner.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import type { Logger } from './log.ts';
import { REPORT_SCHEMA_VERSION, type Acceptance, type BenchRun, type Comparison, type DetectableSection, type EngineSection, type Identity, type Quality, type Readiness, type Reason, type Report } from './report/schema.ts';
import { writeReportFiles, type ReportFiles } from './report/write.ts';
import { detectEngine } from './target/detect-engine.ts';
import { engineReadinessOptions } from './target/engine-readiness.ts';
import { DEFAULT_PORT } from './target/port.ts';
import { probeInference, waitForReady } from './target/readiness.ts';
import { StallWatch } from './target/stall-watch.ts';
import { modelMismatch, servedModels } from './target/served-model.ts';
import { startTarget } from './target/start.ts';
import { probeAdvice } from './probes/stage.ts';
import type { RunContext } from './store/policy.ts';
import { handedSecrets, maskingLogger, SecretMask } from './secrets/mask.ts';
import type { RunningTarget, TargetHooks } from './target/types.ts';
import { TOOL_VERSION } from './version.ts';

export interface GateOptions {
  logger: Logger;
  hooks?: TargetHooks;
  /**
   * The environment the front end runs in (its process.env): the judge's API key, the values handed to
   * the target (to be masked), the store's GitHub variables (GITHUB_REPOSITORY, GITHUB_API_URL). The gate
   * reads no other.
   */
  env: Environment;
  /** Which event ran the gate: decides whether a passing report becomes a baseline. Default: a local run. */
  runContext?: RunContext;
  /** Token for a baseline store on GitHub (artifacts); handed over explicitly, never read by the target. */
  githubToken?: string;
  /** Aborted when the caller has ended the run itself (src/guard.ts): the pipeline then writes no report. */
  signal?: AbortSignal;
}

export interface GateResult extends ReportFiles {
  report: Report;
  exitCode: ExitCode;
}

/** Judge settings for the eval runner; the key comes from the environment handed to the gate and is never written anywhere. */
function judgeOptions(judge: NonNullable<GateConfig['eval']['judge']>, env: Environment): { baseURL?: string; model?: string; apiKey?: string } {
  const apiKey = env[judge.apiKeyEnv];
  return { ...(judge.baseURL ? { baseURL: judge.baseURL } : {}), ...(judge.model ? { model: judge.model } : {}), ...(apiKey ? { apiKey } : {}) };
}

/** What this run hands to the target or holds itself, to be masked wherever it is written. */
function secretMask(config: GateConfig, options: GateOptions): { mask: SecretMask; tooShort: string[] } {
  const judgeKey = config.eval.judge ? options.env[config.eval.judge.apiKeyEnv] : undefined;
  const { secrets, tooShort } = handedSecrets({
    ...(config.target.apiKey ? { apiKey: config.target.apiKey } : {}),
    passEnv: config.target.passEnv,
    env: config.target.env,
    inherited: options.env,
    own: [
      ...(options.githubToken ? [{ name: 'GitHub token', value: options.githubToken }] : []),
      ...(judgeKey && config.eval.judge ? [{ name: config.eval.judge.apiKeyEnv, value: judgeKey }] : []),
    ],
  });
  return { mask: new SecretMask(secrets), tooShort };
}

/** Request timeouts in a row after which the gate asks the server directly whether it still answers. */
const STALLED_TIMEOUTS = 3;

/** The report's engine section, for an engine the registry knows. */
interface EngineIdentity extends EngineSection {
  engine: EngineName;
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

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

interface BaselineLookup {
  resolution: BaselineResolution | null;
  /** The gate cannot compare although it should: required baseline missing, unreadable, bad store, another identity. */
  error?: Reason;
}

/**
 * Before anything boots, so that a baseline that cannot be had costs no GPU minutes: the baseline must be
 * obtainable (store/baseline.ts preflightBaseline), and a baseline file's dataset the loaded one (both hashes
 * are known here; a store's baseline depends on the identity line and is checked after readiness).
 * Undefined when all is well.
 */
async function checkBaseline(config: GateConfig, env: Environment, dataset?: { name: string; version: string; sha256: string }): Promise<Reason | undefined> {
  const c = config.compare;
  try {
    const theirs = (await preflightBaseline(c, env))?.quality?.dataset;
    const allowed = c.allowDatasetChange || c.allowChange.includes('dataset');
    if (dataset && theirs && !allowed && theirs.sha256 !== dataset.sha256) {
      return { dimension: 'quality.dataset', message: `${datasetChangedMessage(theirs, dataset)} (found before booting the target)` };
    }
    return undefined;
  } catch (err) {
    return { dimension: 'baseline', message: errorText(err) };
  }
}

/**
 * The baseline for this candidate, once its identity is known (after readiness): the previous tag's report
 * of the candidate's own identity line from the store, or the given file. A report of another model or GPU
 * found by `auto` (a store written before lines existed) is no baseline for this line: a first run, said
 * so. Any other difference that matters (engine major version, dataset; for a file, model and GPU too) is
 * refused with an error naming the field and the override, never compared silently.
 */
async function lookupBaseline(config: GateConfig, identity: Identity, env: Environment, logger: Logger): Promise<BaselineLookup> {
  const c = config.compare;
  if (c.baseline === 'none') return { resolution: null };
  let resolution: BaselineResolution;
  try {
    resolution = await findBaseline(c, { ...(config.tag !== undefined ? { tag: config.tag } : {}), line: identity.line }, env);
  } catch (err) {
    return { resolution: null, error: { dimension: 'baseline', message: errorText(err) } };
  }
  const found = resolution.baseline;
  if (found) {
    const theirs = identityOfReport(found.report);
    const allowed = [...c.allowChange, ...(c.allowDatasetChange ? (['dataset'] as const) : [])];
    if (c.baseline === 'auto' && theirs.line !== identity.line && !allowed.includes('model') && !allowed.includes('gpu')) {
      const note = `the store's ${found.ref} measured another line (${theirs.line}); no baseline for identity line ${identity.line}: first run of this line, passes on absolute thresholds only`;
      if (c.requireBaseline) return { resolution: null, error: { dimension: 'baseline', message: `${note}, and compare.requireBaseline is set` } };
      logger.info(note);
      return { resolution: { baseline: null, note } };
    }
    const diffs = identityDifferences(theirs, identity, allowed);
    if (diffs.length > 0) return { resolution: null, error: { dimension: 'baseline', message: describeDifferences(found.ref, diffs) } };
  }
  logger.info(resolution.note);
  return { resolution };
}

/** The comparison section: per-dimension statistics, or the note saying why there is no baseline. */
function compareWithBaseline(config: GateConfig, lookup: BaselineLookup, candidate: Report): Comparison | null {
  const resolution = lookup.resolution;
  if (!resolution) return null;
  if (!resolution.baseline) return { baseline: null, note: resolution.note, dimensions: {} };
  const { report, ref, sha256 } = resolution.baseline;
  // An allowed dataset change compares the items both versions share, as compare.allowDatasetChange does.
  const compare = config.compare.allowChange.includes('dataset') ? { ...config.compare, allowDatasetChange: true } : config.compare;
  return compareReports(report, candidate, compare, { baselineRef: ref, ...(sha256 ? { baselineSha256: sha256 } : {}) });
}

/** compare.accept applied to the comparison: covered regressions become accepted, and the record says so. */
function acceptRegressions(config: GateConfig, comparison: Comparison | null): { comparison: Comparison | null; acceptance?: Acceptance } {
  if (!comparison || config.compare.accept.length === 0) return { comparison };
  return applyAcceptance(comparison, config.compare.accept);
}

/**
 * What this run could have caught (minimum detectable effects per dimension), for report.extras:
 * from its own samples and the baseline's when there is one. Undefined when nothing was measured.
 */
function detectableSection(config: GateConfig, lookup: BaselineLookup, report: Report): DetectableSection | undefined {
  if (!report.quality && !report.performance) return undefined;
  return detectableForReport(report, lookup.resolution?.baseline?.report ?? null, config.compare);
}

/**
 * The conversations the bench replays when bench.prompts names a dataset (undefined for synthetic
 * prompts). Throws DatasetError naming the file and line: the caller maps it to a usage error.
 */
export async function loadBenchPrompts(bench: BenchConfig): Promise<PromptSet | undefined> {
  if (bench.prompts === 'synthetic') return undefined;
  const dataset = await loadDataset(bench.prompts);
  return { conversations: dataset.items.map((item) => item.messages), dataset: `${dataset.manifest.name}@${dataset.manifest.version}` };
}

/**
 * For bench.sequential: the judge of a step's samples so far against the baseline's step of the same
 * profile (compare/sequential.ts lookAtStep); null for a profile the baseline has no step of.
 */
function stepDecider(config: GateConfig, baseline: Report): (profile: string) => StepDecider | null {
  const seq = config.bench.sequential;
  return (profile) => {
    const baselineRun = baseline.performance?.runs.find((r) => r.profile === profile);
    if (!baselineRun) return null;
    return (runSoFar, looks) => lookAtStep(baselineRun, runSoFar, config.compare, looks, { stopOnRegression: seq.stopOnRegression, waitForTails: seq.waitForTails });
  };
}

/** With a baseline report, steps sample sequentially until the comparison is decided (bench.sequential). */
async function runBench(config: GateConfig, target: RunningTarget, model: string, logger: Logger, watch: StallWatch, baseline?: Report): Promise<BenchResult> {
  const died = new AbortController();
  void target.exited.then(() => died.abort());
  const stop = AbortSignal.any([died.signal, watch.signal]);
  let lastLog = 0;
  const progress = new SweepProgress(sweepShapes(config.bench).length);
  const shapes = config.bench.rates ? `rates ${config.bench.rates.join(', ')} req/s` : `concurrency ${config.bench.concurrency.join(', ')}`;
  const prompts = await loadBenchPrompts(config.bench);
  const result = await logger.group(`bench: ${shapes}`, () =>
    runBenchSweep({
      rootURL: target.rootURL,
      apiKey: config.target.apiKey,
      model,
      // nvidia-smi on the runner says nothing about a GPU in the cluster.
      config: target.kind === 'kubernetes' ? { ...config.bench, gpuMetrics: false } : config.bench,
      ...(config.engine ? { engine: config.engine } : {}),
      logger,
      signal: stop,
      onRequestEnd: (r) => watch.record(r.error?.kind === 'timeout'),
      ...(prompts ? { prompts } : {}),
      ...(baseline ? { decide: stepDecider(config, baseline) } : {}),
      sloMisses: (run) => sloMisses(run, config.bench.slo),
      onStepStart: (profile, index, total) => {
        progress.stepStarted(index);
        lastLog = performance.now();
        const bound = config.bench.durationS === undefined ? `${config.bench.requests} requests` : `${config.bench.requests} requests or ${config.bench.durationS} s`;
        logger.info(`bench step ${index + 1}/${total}: ${profile}, ${config.bench.warmupRequests} warm-up then ${bound}`);
      },
      onProgress: (profile, p) => {
        const now = performance.now();
        if (now - lastLog > 5000) {
          lastLog = now;
          logger.info(`  ${progress.line(profile, p)}`);
        }
      },
      onStepEnd: (r) => {
        progress.stepEnded();
        logger.info(
          `  TTFT p50 ${r.ttftMs.p50.toFixed(1)} ms p99 ${r.ttftMs.p99.toFixed(1)} ms | TPOT p50 ${r.tpotMs.p50.toFixed(2)} ms | ${r.outputTokensPerSec.toFixed(0)} tok/s | ${r.errors} errors`,
        );
        if (r.stopped) logger.error(`  ${r.stopped.message}`);
      },
    }),
  );
  // The server stopped answering: give its process a moment to be reaped, so the report says how it ended.
  if (result.runs.some((r) => r.stopped?.reason === 'server-unreachable')) {
    await Promise.race([target.exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
  }
  return result;
}

/**
 * The pipeline: target -> readiness -> eval -> bench -> compare -> verdict -> report.
 * Never throws for problems of the target or the server: those become verdict `error` with
 * reasons, and report.json and summary.md are written in every case. The target is always stopped.
 */
export async function runGate(config: GateConfig, options: GateOptions): Promise<GateResult> {
  // Every sink (this logger, report.json, summary.md and the returned report) sees masked text only.
  const mask = secretMask(config, options);
  const logger = maskingLogger(options.logger, mask.mask);
  for (const name of mask.tooShort) logger.warn(`the value of ${name} is shorter than 4 characters: too short to mask in logs and reports`);
  const startedAt = new Date().toISOString();
  const errors: Reason[] = [];
  let exitCode: ExitCode | undefined;
  let readiness: Readiness | null = null;
  let quality: Quality | null = null;
  let runs: BenchRun[] = [];
  let benchMetrics: Pick<BenchResult, 'server' | 'gpu'> = {};
  let capacity: BenchResult['capacity'];
  let comparison: Comparison | null = null;
  let subject: Report['subject'] = { startedAt, finishedAt: startedAt };
  let model: string | undefined = config.target.model;
  let target: RunningTarget | undefined;
  let engine: EngineIdentity | undefined;
  // The bench reads the engine's metric names and exact-length fields: a detected engine's preset fills them.
  let benchConfig = config;

  let dataset: Dataset | undefined;
  if (config.eval.enabled) {
    try {
      // Before booting anything: a broken dataset must not cost GPU minutes.
      dataset = await loadDataset(config.eval.dataset);
    } catch (err) {
      errors.push({ dimension: 'dataset', message: errorText(err) });
      if (err instanceof DatasetError) exitCode = EXIT.usage;
    }
  }
  // A floor that names no dimension would never apply (a dataset that failed to load is reported already).
  const thresholds = dataset || !config.eval.enabled ? thresholdProblems(config.thresholds, dataset && Object.keys(dataset.manifest.dimensions), config.eval.dataset) : [];
  if (thresholds.length > 0) {
    errors.push(...thresholds.map((message) => ({ dimension: 'config', message })));
    exitCode ??= EXIT.usage;
  }

  // The store sees the token the front end was given, never one the target could read.
  const storeEnv: Environment = options.githubToken ? { ...options.env, GITHUB_TOKEN: options.githubToken } : options.env;
  const datasetRef = dataset && { name: dataset.manifest.name, version: dataset.manifest.version, sha256: dataset.sha256 };
  const baselineProblem = errors.length === 0 ? await checkBaseline(config, storeEnv, datasetRef) : undefined;
  if (baselineProblem) errors.push(baselineProblem);
  let baseline: BaselineLookup = { resolution: null };
  let identity: Identity | undefined;
  const gpu = errors.length === 0 ? await probeGpu({ imageTarget: config.target.image !== undefined || config.target.build !== undefined, gpus: config.target.gpus }, options.env) : undefined;

  if (errors.length === 0) {
    try {
      target = await logger.group('target: start', () => startTarget(config.target, logger, options.hooks));
      subject = { ...subject, ...target.subject };
      const running = target;
      const ready = await logger.group('readiness: wait for a real inference', () =>
        waitForReady(running, { ...config.readiness, model, apiKey: config.target.apiKey, ...engineReadinessOptions(config, running.rootURL) }, logger),
      );
      readiness = ready.readiness;
      model = ready.model ?? model;
      if (readiness.ready && model) {
        const m = model;
        let stage = 'eval';
        // A server that stops answering after readiness ends the run instead of costing every item's timeouts.
        const watch = new StallWatch({
          after: STALLED_TIMEOUTS,
          stage: () => stage,
          probe: () => probeInference(running.rootURL, m, config.target.apiKey, config.readiness.probeTimeoutS * 1000),
        });
        engine = await identifyEngine(config, running, logger);
        const mismatch = await checkServedModel(config, running, engine, logger);
        if (mismatch) {
          errors.push({ dimension: 'target', message: mismatch });
          logger.error(mismatch);
        }
        if (!config.engine && engine.engine !== 'openai') benchConfig = applyEnginePreset(config, engine.engine);
        if (!mismatch) {
          identity = buildIdentity({
            model: m,
            engine: engine.engine,
            ...(await probeEngine(running.rootURL, engine.engine, m, config.target.apiKey)),
            subject,
            dataset,
            gpu,
            runner: runnerIdentity(options.env),
          });
          logger.info(`identity line: ${identity.line}`);
          baseline = await lookupBaseline(config, identity, storeEnv, logger);
          // Comparing unlike with unlike is refused before the eval and the bench spend GPU minutes on it.
          if (baseline.error) errors.push(baseline.error);
        }
        const proceed = !mismatch && !baseline.error;
        if (dataset && proceed) {
          const ds = dataset;
          quality = await logger.group(`eval: ${ds.manifest.name} ${ds.manifest.version} (${ds.items.length} items)`, () =>
            runEval(
              {
                baseURL: `${running.rootURL}/v1`,
                model: m,
                apiKey: config.target.apiKey,
                dataset: ds,
                concurrency: config.eval.concurrency,
                timeoutS: config.eval.timeoutS,
                retries: config.eval.retries,
                maxTokens: config.eval.maxTokens,
                temperature: config.eval.temperature,
                seed: config.eval.seed,
                ...(config.eval.judge ? { judge: judgeOptions(config.eval.judge, options.env) } : {}),
                signal: watch.signal,
                onAttempt: (timedOut) => watch.record(timedOut),
              },
              logger,
            ),
          ).catch((err: unknown) => {
            if (!watch.signal.aborted) throw err;
            return null;
          });
        }
        stage = 'bench';
        if (config.bench.enabled && !watch.signal.aborted && proceed) ({ runs, capacity, ...benchMetrics } = await runBench(benchConfig, running, m, logger, watch, baseline.resolution?.baseline?.report));
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
        subject = { ...subject, ...target.subject };
        try {
          await target.stop();
        } catch (err) {
          logger.warn(`could not stop the target: ${errorText(err)}`);
        }
      }
    }
  }

  // Probe advice for the engine that served (not the configured default), on the port the server
  // really used (for an image, possibly its EXPOSEd one).
  const adviceConfig: GateConfig = {
    ...config,
    ...(engine ? { engine: engine.engine } : {}),
    ...(target?.containerPort === undefined ? {} : { target: { ...config.target, port: target.containerPort } }),
  };
  const hygiene = await imageHygiene(adviceConfig, target?.kind === 'image' ? subject.image : undefined, logger);
  const probes = await probeAdvice(adviceConfig, adviceConfig.target.port ?? DEFAULT_PORT, readiness, runs, model);
  errors.push(...hygiene.errors, ...probes.errors);
  const production = { extras: { ...hygiene.extras, ...probes.extras, ...target?.extras?.() }, failures: [...hygiene.failures, ...probes.failures] };

  const partial: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'llm-gate', version: TOOL_VERSION },
    subject: { ...subject, ...(model ? { model } : {}), ...(engine ? { engine: engine.engine } : {}), ...(config.tag ? { tag: config.tag } : {}), finishedAt: new Date().toISOString() },
    verdict: 'error',
    reasons: [],
    readiness,
    quality,
    performance: runs.length > 0 ? { runs, ...benchMetrics } : null,
    comparison: null,
    ...(identity ? { identity } : {}),
    ...(Object.keys(production.extras).length > 0 || engine || capacity
      ? { extras: { ...production.extras, ...(engine ? { engine } : {}), ...(capacity ? { capacity } : {}) } }
      : {}),
  };

  let acceptance: Acceptance | undefined;
  if (errors.length === 0) ({ comparison, acceptance } = acceptRegressions(config, compareWithBaseline(config, baseline, partial)));
  if (acceptance) {
    for (const a of acceptance.accepted) logger.warn(`accepted regression ${a.dimension}: ${a.reason}${a.source ? ` (${a.source})` : ''}`);
    if (acceptance.unmatched.length > 0) logger.warn(`accept: ${acceptance.unmatched.join(', ')} matched no regressed dimension`);
  }

  const decided = decideVerdict({
    readiness,
    quality,
    runs,
    comparison,
    thresholds: config.thresholds,
    slo: config.bench.slo,
    errors,
    failures: production.failures,
  });
  const detectable = detectableSection(config, baseline, { ...partial, comparison });
  const report: Report = mask.mask.maskDeep({
    ...partial,
    verdict: decided.verdict,
    reasons: decided.reasons,
    comparison,
    ...(acceptance ? { acceptance } : {}),
    ...(detectable ? { extras: { ...partial.extras, detectable } } : {}),
  });
  exitCode ??= decided.verdict === 'pass' ? EXIT.pass : decided.verdict === 'fail' ? EXIT.fail : EXIT.error;

  options.signal?.throwIfAborted();
  const files = await writeReportFiles(config.out, report);
  try {
    const stored = await publishReport(config.compare, report, options.runContext ?? { eventName: 'local' }, storeEnv);
    if (stored) logger.info(`stored this report as the baseline for ${stored.kind} ${stored.name}${stored.line !== undefined ? ` of line ${stored.line}` : ''} (${stored.location})`);
  } catch (err) {
    // The verdict stands; a store that cannot be written is the release pipeline's to notice.
    logger.warn(`could not store the baseline: ${errorText(err)}`);
  }
  return { report, exitCode, ...files };
}
