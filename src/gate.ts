import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runConcurrencyStep } from './bench/load.ts';
import { syntheticBodies } from './bench/prompts.ts';
import { compareReports } from './compare/compare.ts';
import type { GateConfig } from './config/schema.ts';
import { DatasetError, loadDataset, type Dataset } from './eval/dataset.ts';
import { runEval } from './eval/runner.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import type { Logger } from './log.ts';
import { renderSummary } from './report/markdown.ts';
import { REPORT_SCHEMA_VERSION, reportSchema, type BenchRun, type Comparison, type Quality, type Readiness, type Reason, type Report } from './report/schema.ts';
import { waitForReady } from './target/readiness.ts';
import { startTarget } from './target/start.ts';
import type { RunningTarget, TargetHooks } from './target/types.ts';
import { decideVerdict } from './verdict.ts';
import { TOOL_VERSION } from './version.ts';

export interface GateOptions {
  logger: Logger;
  hooks?: TargetHooks;
}

export interface GateResult {
  report: Report;
  exitCode: ExitCode;
  reportPath: string;
  summaryPath: string;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function readBaseline(file: string): Promise<Report> {
  const raw: unknown = JSON.parse(await readFile(file, 'utf8'));
  const parsed = reportSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${file} is not an llm-gate report: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

async function runBench(config: GateConfig, target: RunningTarget, model: string, logger: Logger): Promise<BenchRun[]> {
  const runs: BenchRun[] = [];
  const died = new AbortController();
  void target.exited.then(() => died.abort());
  for (const concurrency of config.bench.concurrency) {
    if (died.signal.aborted) break;
    const run = await logger.group(`bench: concurrency ${concurrency}, ${config.bench.requests} requests`, async () => {
      let lastLog = 0;
      const r = await runConcurrencyStep({
        baseURL: `${target.rootURL}/v1`,
        apiKey: config.target.apiKey,
        concurrency,
        requests: config.bench.requests,
        warmupRequests: config.bench.warmupRequests,
        makeBody: syntheticBodies({ model, inputWords: config.bench.inputTokens, outputTokens: config.bench.outputTokens, seed: config.bench.seed }),
        totalTimeoutMs: config.bench.timeoutS * 1000,
        idleTimeoutMs: config.bench.idleTimeoutS * 1000,
        slo: config.bench.slo,
        signal: died.signal,
        onProgress: (done, total, failed) => {
          const now = performance.now();
          if (done === total || now - lastLog > 5000) {
            lastLog = now;
            logger.info(`  ${done}/${total} requests done, ${failed} failed`);
          }
        },
      });
      logger.info(
        `  TTFT p50 ${r.ttftMs.p50.toFixed(1)} ms p99 ${r.ttftMs.p99.toFixed(1)} ms | TPOT p50 ${r.tpotMs.p50.toFixed(2)} ms | ${r.outputTokensPerSec.toFixed(0)} tok/s | ${r.errors} errors`,
      );
      return r;
    });
    runs.push(run);
  }
  return runs;
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
  let comparison: Comparison | null = null;
  let subject: Report['subject'] = { startedAt, finishedAt: startedAt };
  let model: string | undefined = config.target.model;
  let target: RunningTarget | undefined;

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
              },
              logger,
            ),
          );
        }
        if (config.bench.enabled) runs = await runBench(config, running, model, logger);
        const exit = running.exitInfo();
        if (exit) {
          errors.push({ dimension: 'target', message: `server exited with code ${exit.code ?? 'none'}${exit.oomKilled ? ' (OOM-killed)' : ''} during the run` });
        }
      }
    } catch (err) {
      errors.push({ dimension: 'gate', message: errorText(err) });
      logger.error(errorText(err));
    } finally {
      if (target) {
        try {
          await target.stop();
        } catch (err) {
          logger.warn(`could not stop the target: ${errorText(err)}`);
        }
      }
    }
  }

  const partial: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'llm-gate', version: TOOL_VERSION },
    subject: { ...subject, ...(model ? { model } : {}), ...(config.tag ? { tag: config.tag } : {}), finishedAt: new Date().toISOString() },
    verdict: 'error',
    reasons: [],
    readiness,
    quality,
    performance: runs.length > 0 ? { runs } : null,
    comparison: null,
  };

  const spec = config.compare.baseline;
  if (spec !== 'none' && spec !== 'auto' && errors.length === 0) {
    try {
      const baseline = await readBaseline(spec);
      comparison = compareReports(baseline, partial, config.compare, { baselineRef: spec });
    } catch (err) {
      errors.push({ dimension: 'baseline', message: errorText(err) });
    }
  }

  const decided = decideVerdict({
    readiness,
    quality,
    runs,
    comparison,
    thresholds: config.thresholds,
    slo: config.bench.slo,
    errors,
  });
  const report: Report = { ...partial, verdict: decided.verdict, reasons: decided.reasons, comparison };
  exitCode ??= decided.verdict === 'pass' ? EXIT.pass : decided.verdict === 'fail' ? EXIT.fail : EXIT.error;

  await mkdir(config.out, { recursive: true });
  const reportPath = path.join(config.out, 'report.json');
  const summaryPath = path.join(config.out, 'summary.md');
  await writeFile(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(summaryPath, renderSummary(report));
  return { report, exitCode, reportPath, summaryPath };
}
