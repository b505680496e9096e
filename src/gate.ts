import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runBenchSweep, type BenchResult } from './bench/sweep.ts';
import { compareWithBaseline, findBaseline, publishBaseline } from './compare/stage.ts';
import type { GateConfig } from './config/schema.ts';
import { applyEnginePreset } from './engines/apply.ts';
import { detectEngine } from './engines/detect.ts';
import type { EngineName } from './engines/names.ts';
import { DatasetError, loadDataset, type Dataset } from './eval/dataset.ts';
import { runEval } from './eval/runner.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import type { Logger } from './log.ts';
import { renderSummary } from './report/markdown.ts';
import { REPORT_SCHEMA_VERSION, type BenchRun, type Comparison, type Quality, type Readiness, type Reason, type Report } from './report/schema.ts';
import { waitForReady } from './target/readiness.ts';
import { startTarget } from './target/start.ts';
import { productionReadiness } from './probes/stage.ts';
import type { RunContext } from './store/policy.ts';
import type { RunningTarget, TargetHooks } from './target/types.ts';
import { decideVerdict } from './verdict.ts';
import { TOOL_VERSION } from './version.ts';

export interface GateOptions {
  logger: Logger;
  hooks?: TargetHooks;
  /** Which event ran the gate: decides whether a passing report becomes a baseline. Default: a local run. */
  runContext?: RunContext;
  /** Token for a baseline store on GitHub (artifacts); handed over explicitly, never read by the target. */
  githubToken?: string;
}

export interface GateResult {
  report: Report;
  exitCode: ExitCode;
  reportPath: string;
  summaryPath: string;
}

/** Judge settings for the eval runner; the key comes from the environment and is never written anywhere. */
function judgeOptions(judge: NonNullable<GateConfig['eval']['judge']>): { baseURL?: string; model?: string; apiKey?: string } {
  const apiKey = process.env[judge.apiKeyEnv];
  return { ...(judge.baseURL ? { baseURL: judge.baseURL } : {}), ...(judge.model ? { model: judge.model } : {}), ...(apiKey ? { apiKey } : {}) };
}

interface EngineIdentity {
  engine: EngineName;
  source: 'config' | 'detected';
  evidence: string[];
}

/** The configured engine, or what the server's answers reveal (generic OpenAI when nothing does). */
async function identifyEngine(config: GateConfig, target: RunningTarget, logger: Logger): Promise<EngineIdentity> {
  if (config.engine) return { engine: config.engine, source: 'config', evidence: [] };
  const d = await detectEngine(target.rootURL, { ...(config.target.apiKey ? { apiKey: config.target.apiKey } : {}) });
  logger.info(
    d.engine === 'openai'
      ? `engine: not recognised, treated as a generic OpenAI-compatible server (set engine: to use a preset)`
      : `engine: detected ${d.engine}${d.confident ? '' : ' (not certain)'}: ${d.evidence.join('; ')}`,
  );
  return { engine: d.engine, source: 'detected', evidence: d.evidence };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** With a baseline report, steps sample sequentially until the comparison is decided (bench.sequential). */
async function runBench(config: GateConfig, target: RunningTarget, model: string, logger: Logger, baseline?: Report): Promise<BenchResult> {
  const died = new AbortController();
  void target.exited.then(() => died.abort());
  let lastLog = 0;
  const shapes = config.bench.rates ? `rates ${config.bench.rates.join(', ')} req/s` : `concurrency ${config.bench.concurrency.join(', ')}`;
  const result = await logger.group(`bench: ${shapes}`, () =>
    runBenchSweep({
      rootURL: target.rootURL,
      apiKey: config.target.apiKey,
      model,
      // nvidia-smi on the runner says nothing about a GPU in the cluster.
      config: target.kind === 'kubernetes' ? { ...config.bench, gpuMetrics: false } : config.bench,
      ...(config.engine ? { engine: config.engine } : {}),
      logger,
      signal: died.signal,
      ...(baseline ? { baseline: { report: baseline, compare: config.compare } } : {}),
      onStepStart: (profile, index, total) => {
        const bound = config.bench.durationS === undefined ? `${config.bench.requests} requests` : `${config.bench.requests} requests or ${config.bench.durationS} s`;
        logger.info(`bench step ${index + 1}/${total}: ${profile}, ${bound}`);
      },
      onProgress: (_profile, p) => {
        const now = performance.now();
        if (now - lastLog > 5000) {
          lastLog = now;
          logger.info(`  ${p.done} requests done, ${p.failed} failed, ${p.inFlight} in flight`);
        }
      },
      onStepEnd: (r) => {
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
  const { logger } = options;
  const startedAt = new Date().toISOString();
  const errors: Reason[] = [];
  let exitCode: ExitCode | undefined;
  let readiness: Readiness | null = null;
  let quality: Quality | null = null;
  let runs: BenchRun[] = [];
  let benchMetrics: Pick<BenchResult, 'server' | 'gpu'> = {};
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

  const storeEnv = options.githubToken ? { ...process.env, GITHUB_TOKEN: options.githubToken } : process.env;
  const baseline = errors.length === 0 ? await findBaseline(config, logger, storeEnv) : { resolution: null };
  if (baseline.error) errors.push(baseline.error);

  if (errors.length === 0) {
    try {
      target = await logger.group('target: start', () => startTarget(config.target, logger, options.hooks));
      subject = { ...subject, ...target.subject };
      const running = target;
      const ready = await logger.group('readiness: wait for a real inference', () =>
        waitForReady(running, { ...config.readiness, model, apiKey: config.target.apiKey }, logger),
      );
      readiness = ready.readiness;
      model = ready.model ?? model;
      if (readiness.ready && model) {
        engine = await identifyEngine(config, running, logger);
        if (!config.engine && engine.engine !== 'openai') benchConfig = applyEnginePreset(config, engine.engine);
        if (dataset) {
          const ds = dataset;
          const m = model;
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
                ...(config.eval.judge ? { judge: judgeOptions(config.eval.judge) } : {}),
              },
              logger,
            ),
          );
        }
        if (config.bench.enabled) ({ runs, ...benchMetrics } = await runBench(benchConfig, running, model, logger, baseline.resolution?.baseline?.report));
        const exit = running.exitInfo();
        if (exit) {
          errors.push({ dimension: 'target', message: exit.reason ?? `server exited with code ${exit.code ?? 'none'}${exit.oomKilled ? ' (OOM-killed)' : ''} during the run` });
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

  const production = await productionReadiness(config, target?.kind === 'image' ? subject.image : undefined, readiness, runs, model, logger);
  errors.push(...production.errors);
  Object.assign(production.extras, target?.extras?.());

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
    ...(Object.keys(production.extras).length > 0 || engine ? { extras: { ...production.extras, ...(engine ? { engine } : {}) } } : {}),
  };

  if (errors.length === 0) comparison = compareWithBaseline(config, baseline, partial);

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
  const report: Report = { ...partial, verdict: decided.verdict, reasons: decided.reasons, comparison };
  exitCode ??= decided.verdict === 'pass' ? EXIT.pass : decided.verdict === 'fail' ? EXIT.fail : EXIT.error;

  await mkdir(config.out, { recursive: true });
  const reportPath = path.join(config.out, 'report.json');
  const summaryPath = path.join(config.out, 'summary.md');
  await writeFile(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(summaryPath, renderSummary(report));
  try {
    await publishBaseline(config, report, options.runContext ?? { eventName: 'local' }, logger, storeEnv);
  } catch (err) {
    // The verdict stands; a store that cannot be written is the release pipeline's to notice.
    logger.warn(`could not store the baseline: ${errorText(err)}`);
  }
  return { report, exitCode, reportPath, summaryPath };
}
