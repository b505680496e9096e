import type { GateConfig } from '../config/schema.ts';
import { thresholdProblems } from '../config/thresholds.ts';
import { DatasetError, loadDataset, type Dataset } from '../eval/dataset.ts';
import { runEval } from '../eval/runner.ts';
import { errorText, type Logger } from '../log.ts';
import type { Quality, Reason } from '../report/schema.ts';
import type { Environment } from '../store/create.ts';
import type { ReadyTarget } from './target.ts';

/** The eval's preparation: the dataset (loaded before anything boots), and what is wrong with it or the floors. */
export interface EvalPlan {
  dataset?: Dataset;
  problems: Reason[];
  /** A problem is the user's to fix (a dataset or config error): the gate exits with the usage code. */
  usage: boolean;
}

/**
 * Loads the eval dataset and checks the configured floors against its dimensions. Before booting
 * anything: a broken dataset must not cost GPU minutes. Never throws: a failure becomes a problem.
 */
export async function planEval(config: GateConfig): Promise<EvalPlan> {
  let dataset: Dataset | undefined;
  const problems: Reason[] = [];
  let usage = false;
  if (config.eval.enabled) {
    try {
      dataset = await loadDataset(config.eval.dataset);
    } catch (err) {
      problems.push({ dimension: 'dataset', message: errorText(err) });
      usage = err instanceof DatasetError;
    }
  }
  // A floor that names no dimension would never apply (a dataset that failed to load is reported already).
  const thresholds = dataset || !config.eval.enabled ? thresholdProblems(config.thresholds, dataset && Object.keys(dataset.manifest.dimensions), config.eval.dataset) : [];
  problems.push(...thresholds.map((message) => ({ dimension: 'config', message })));
  return { ...(dataset ? { dataset } : {}), problems, usage: usage || thresholds.length > 0 };
}

/** Judge settings for the eval runner; the key comes from the environment handed to the gate and is never written anywhere. */
function judgeOptions(judge: NonNullable<GateConfig['eval']['judge']>, env: Environment): { baseURL?: string; model?: string; apiKey?: string } {
  const apiKey = env[judge.apiKeyEnv];
  return { ...(judge.baseURL ? { baseURL: judge.baseURL } : {}), ...(judge.model ? { model: judge.model } : {}), ...(apiKey ? { apiKey } : {}) };
}

/**
 * Runs the dataset against the ready target. Null when the stall watch stopped it (the watch's reason
 * says why); any other failure becomes an error reason of the gate.
 */
export async function evaluate(config: GateConfig, dataset: Dataset, target: ReadyTarget, env: Environment, logger: Logger): Promise<{ quality: Quality | null; error?: Reason }> {
  target.enter('eval');
  try {
    const quality = await logger.group(`eval: ${dataset.manifest.name} ${dataset.manifest.version} (${dataset.items.length} items)`, () =>
      runEval(
        {
          baseURL: `${target.running.rootURL}/v1`,
          model: target.model,
          apiKey: config.target.apiKey,
          dataset,
          concurrency: config.eval.concurrency,
          timeoutS: config.eval.timeoutS,
          retries: config.eval.retries,
          maxTokens: config.eval.maxTokens,
          temperature: config.eval.temperature,
          seed: config.eval.seed,
          ...(config.eval.judge ? { judge: judgeOptions(config.eval.judge, env) } : {}),
          signal: target.watch.signal,
          onAttempt: (timedOut) => target.watch.record(timedOut),
        },
        logger,
      ),
    );
    return { quality };
  } catch (err) {
    if (target.watch.signal.aborted) return { quality: null };
    logger.error(errorText(err));
    return { quality: null, error: { dimension: 'gate', message: errorText(err) } };
  }
}
