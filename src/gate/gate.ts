import { readFile } from 'node:fs/promises';
import type { GateConfig } from '../config/schema.ts';
import { DatasetError } from '../eval/dataset.ts';
import type { PromptSet } from '../bench/sweep.ts';
import type { ExitCode } from '../exit-codes.ts';
import { errorText, type Logger } from '../log.ts';
import type { Report } from '../report/schema.ts';
import { writeReportFiles, type ReportFiles } from '../report/write.ts';
import { handedSecrets, maskingLogger, SecretMask } from '../secrets/mask.ts';
import type { Environment } from '../store/create.ts';
import type { RunContext } from '../store/policy.ts';
import type { TargetHooks } from '../target/types.ts';
import { bench, loadBenchPrompts } from './bench.ts';
import { checkBaseline, compareSection, lookupBaseline, publishBaseline, stepDecider, type BaselineLookup } from './compare.ts';
import { evaluate, planEval, type EvalPlan } from './eval.ts';
import { decidedReport, exitCodeOf, measuredReport, type Measurements } from './report.ts';
import { productionFindings } from './production.ts';
import { notStarted, targetGpu, withTarget, type ReadyTarget } from './target.ts';

export interface GateOptions {
  logger: Logger;
  hooks?: TargetHooks;
  /**
   * The environment the front end runs in (its process.env): the judge's API key, the values handed to
   * the target (to be masked), the store's GitHub variables (GITHUB_REPOSITORY, GITHUB_API_URL) and the
   * runner's (RUNNER_OS, LLM_GATE_NVIDIA_SMI). The gate reads no other.
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

/** Why `file` cannot be read, or undefined when it can. */
async function unreadable(file: string): Promise<string | undefined> {
  try {
    await readFile(file);
    return undefined;
  } catch (err) {
    return `${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
}

/** What is read before anything boots: the eval's dataset, the bench's prompts, and why the run cannot go on. */
interface GatePlan extends EvalPlan {
  prompts?: PromptSet;
}

/**
 * Before anything boots: the eval's dataset and floors, the bench's prompt conversations, the Kubernetes
 * manifest to lint, then whether the baseline can be had at all. A broken file must not cost GPU minutes.
 */
async function prepare(config: GateConfig, env: Environment): Promise<GatePlan> {
  const plan = await planEval(config);
  if (plan.problems.length > 0) return plan;
  let prompts: PromptSet | undefined;
  try {
    prompts = config.bench.enabled ? await loadBenchPrompts(config.bench) : undefined;
  } catch (err) {
    return { ...plan, problems: [{ dimension: 'bench', message: errorText(err) }], usage: err instanceof DatasetError };
  }
  // The manifest is linted after the run, against the startup it measured; a path that cannot be read is known now.
  const manifest = config.k8sManifest === undefined ? undefined : await unreadable(config.k8sManifest);
  if (manifest) return { ...plan, problems: [{ dimension: 'k8s-manifest', message: manifest }], usage: true };
  const { dataset } = plan;
  const problem = await checkBaseline(config, env, dataset && { name: dataset.manifest.name, version: dataset.manifest.version, sha256: dataset.sha256 });
  return { ...plan, ...(prompts ? { prompts } : {}), ...(problem ? { problems: [problem.reason], usage: problem.usage } : {}) };
}

/** What the gate measures on a ready target: the baseline for its identity, then the eval, then the bench. */
interface GateMeasurements extends Measurements {
  baseline: BaselineLookup;
}

/** The measuring steps, in order; one that fails or is refused skips the rest (its reason says why). */
function measuring(config: GateConfig, { dataset, prompts }: GatePlan, env: { run: Environment; store: Environment }, logger: Logger): (ready: ReadyTarget) => Promise<GateMeasurements> {
  return async (ready) => {
    const baseline = await lookupBaseline(config, ready.identity, env.store, logger);
    // Comparing unlike with unlike is refused before the eval and the bench spend GPU minutes on it.
    if (baseline.error) return { baseline, quality: null, errors: [baseline.error] };
    const evaluated = dataset ? await evaluate(config, dataset, ready, env.run, logger) : { quality: null };
    if (evaluated.error) return { baseline, quality: null, errors: [evaluated.error] };
    const measured = config.bench.enabled && !ready.watch.signal.aborted ? await bench(config, ready, prompts, stepDecider(config, baseline), logger) : {};
    return { baseline, quality: evaluated.quality, ...(measured.bench ? { bench: measured.bench } : {}), errors: measured.error ? [measured.error] : [] };
  };
}

/**
 * The pipeline: target -> readiness -> eval -> bench -> compare -> verdict -> report.
 * Never throws for problems of the target or the server: those become verdict `error` with
 * reasons, and report.json and summary.md are written in every case. The target is always stopped.
 */
export async function runGate(config: GateConfig, options: GateOptions): Promise<GateResult> {
  // Every sink (this logger, report.json, summary.md and the returned report) sees masked text only.
  const { mask, tooShort } = secretMask(config, options);
  const logger = maskingLogger(options.logger, mask);
  for (const name of tooShort) logger.warn(`the value of ${name} is shorter than 4 characters: too short to mask in logs and reports`);
  const startedAt = new Date().toISOString();
  const env = options.env;
  // The store sees the token the front end was given, never one the target could read.
  const store: Environment = options.githubToken ? { ...env, GITHUB_TOKEN: options.githubToken } : env;

  const plan = await prepare(config, store);
  const target =
    plan.problems.length === 0
      ? await withTarget(config, { dataset: plan.dataset, hooks: options.hooks, env, gpu: await targetGpu(config, env), startedAt }, logger, measuring(config, plan, { run: env, store }, logger))
      : notStarted<GateMeasurements>(config, startedAt);
  const production = await productionFindings(config, target, target.measured?.bench?.runs ?? [], logger);
  const measured = measuredReport(config, target, production);
  const errors = [...plan.problems, ...target.errors, ...production.errors];
  const compared = compareSection(config, target.measured?.baseline ?? { resolution: null }, measured, errors.length === 0, logger);
  const report = decidedReport(config, measured, compared, errors, production.failures, mask);

  options.signal?.throwIfAborted();
  const files = await writeReportFiles(config.out, report);
  await publishBaseline(config, report, options.runContext ?? { eventName: 'local' }, store, logger);
  return { report, exitCode: exitCodeOf(report.verdict, plan.usage), ...files };
}
