import { createHash } from 'node:crypto';
import type OpenAI from 'openai';
import { z } from 'zod';
import type { Logger } from '../log.ts';
import { formatWait, plural } from '../report/format.ts';
import { qualitySchema, type DimensionResult, type ItemResult, type Quality } from '../report/schema.ts';
import { calibrate } from './calibration.ts';
import { DatasetError, displayPath, type Dataset, type DatasetItem, type ScorerPlan } from './dataset.ts';
import { createJudge, judgePromptSha256, type Judge, type JudgeOptions } from './judge.ts';
import { splitThink } from '../client/reasoning.ts';
import { meanScore } from './quality.ts';
import { JUDGE_SCORER, scorers } from './scorers/index.ts';
import type { JudgeSettings, ScoreResult, ScorerServices } from './scorers/types.ts';
import { describeRequestError, isTimeout, openaiClient, withRetries } from './transport.ts';

export interface EvalOptions {
  /** The server under test: its root URL or its OpenAI base (`…/v1`). */
  baseURL: string;
  model: string;
  apiKey?: string;
  dataset: Dataset;
  concurrency: number;
  /** Per request, each attempt. */
  timeoutS: number;
  /** Further tries of a request after a transport failure (no answer, timeout, 429, 5xx); counted in the report. */
  retries: number;
  maxTokens: number;
  temperature: number;
  seed?: number;
  /** Judge endpoint; baseURL and model fall back to the dataset's `judge` section. */
  judge?: Partial<JudgeOptions>;
  /** Embeddings endpoint for `embedding` scorers without their own; defaults to the server under test. */
  embeddings?: { baseURL?: string; model?: string; apiKey?: string };
  signal?: AbortSignal;
  /** Sees whether each attempt at a model request timed out (a wedged server shows as timeouts in a row). */
  onAttempt?: (timedOut: boolean) => void;
}

interface Generation {
  output: string;
  latencyMs: number;
  error?: string;
}

const completionSchema = z.object({
  choices: z
    .array(z.object({ message: z.object({ content: z.string().nullable().optional() }), finish_reason: z.string().nullable().optional() }))
    .min(1, 'expected at least one choice'),
});

const embeddingsSchema = z.object({
  data: z.array(z.object({ embedding: z.array(z.number()), index: z.number().int() })),
});

function judgeDimensions(dataset: Dataset): string[] {
  return Object.keys(dataset.manifest.dimensions).filter((name) =>
    dataset.items.some((item) => item.scoring[name]?.some((p) => p.type === JUDGE_SCORER)),
  );
}

/** The judge a dataset needs, or undefined when no dimension uses one; a needed but unconfigured judge is a usage error. */
function resolveJudge(options: EvalOptions, logger: Logger): Judge | undefined {
  const dims = judgeDimensions(options.dataset);
  if (dims.length === 0) return undefined;
  const baseURL = options.judge?.baseURL ?? options.dataset.manifest.judge?.baseURL;
  const model = options.judge?.model ?? options.dataset.manifest.judge?.model;
  if (!baseURL || !model) {
    throw new DatasetError([
      `${options.dataset.manifestFile}: dimension${dims.length > 1 ? 's' : ''} ${dims.map((d) => `"${d}"`).join(', ')} ${dims.length > 1 ? 'are' : 'is'} scored by ${JUDGE_SCORER} but no judge ${!baseURL ? 'URL' : 'model'} is configured (--judge-url/--judge-model, or judge.baseURL/judge.model in dataset.yaml)`,
    ]);
  }
  return createJudge({ timeoutS: options.timeoutS, retries: Math.max(options.retries, 1), ...options.judge, baseURL, model }, logger);
}

function embedService(options: EvalOptions, logger: Logger): ScorerServices['embed'] {
  const clients = new Map<string, OpenAI>();
  return async (texts, endpoint, signal) => {
    const baseURL = endpoint.baseURL ?? options.embeddings?.baseURL ?? options.baseURL;
    const apiKey = endpoint.baseURL || options.embeddings?.baseURL ? options.embeddings?.apiKey : options.apiKey;
    let client = clients.get(baseURL);
    if (!client) {
      client = openaiClient(baseURL, apiKey, options.timeoutS);
      clients.set(baseURL, client);
    }
    const model = endpoint.model ?? options.embeddings?.model ?? options.model;
    const c = client;
    const response = await withRetries(
      options.retries,
      // Floats asked for explicitly: the SDK otherwise asks for base64, which not every server speaks.
      () => c.embeddings.create({ model, input: texts, encoding_format: 'float' }, { signal }),
      (e, n) => logger.debug(`embeddings: retry ${n} after ${describeRequestError(e)}`),
      signal,
    );
    const parsed = embeddingsSchema.safeParse(response);
    if (!parsed.success) throw new Error(`the embeddings endpoint ${baseURL} answered without data[].embedding`);
    return [...parsed.data.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
  };
}

/**
 * Drops reasoning written in the content: reasoning models served without a reasoning parser put their
 * thoughts there, in a `<think>…</think>` block or, when the chat template opened the block, before a lone
 * `</think>`. The answer to score is what follows (what a reasoning parser would return); reasoning in the
 * message's own field (reasoning_content, reasoning) never reaches the content.
 */
export function stripReasoning(content: string): string {
  return splitThink(content).answer;
}

/** Scores one item in one dimension: the mean of its scorers, passing when every one passes; a scorer that throws scores 0. */
async function scoreItem(
  plans: ScorerPlan[],
  item: DatasetItem,
  gen: Generation,
  services: ScorerServices,
  signal: AbortSignal | undefined,
): Promise<ScoreResult & { error?: string }> {
  const results: Array<ScoreResult & { error?: string }> = [];
  for (const plan of plans) {
    try {
      const r = await scorers[plan.type]!.score(
        { output: gen.output, reference: item.reference, messages: item.messages, latencyMs: gen.latencyMs, services, signal },
        plan.settings,
      );
      results.push({ ...r, score: Math.min(1, Math.max(0, r.score)) });
    } catch (e) {
      const message = `scorer "${plan.type}" failed: ${describeRequestError(e)}`;
      results.push({ score: 0, pass: false, reason: message, error: message });
    }
  }
  const failing = results.filter((r) => !r.pass);
  const errors = results.flatMap((r) => (r.error ? [r.error] : []));
  return {
    score: meanScore(results),
    pass: failing.length === 0,
    reason: (failing.length > 0 ? failing : results).map((r) => r.reason).join('; '),
    ...(errors.length > 0 ? { error: errors.join('; ') } : {}),
  };
}

/** Characters of an answer kept in the report: a 1 MB answer must not make a 1 MB report. Scorers see it whole. */
export const OUTPUT_CAP_CHARS = 8192;

function keptOutput(output: string): { output: string; outputChars?: number } {
  return output.length <= OUTPUT_CAP_CHARS ? { output } : { output: output.slice(0, OUTPUT_CAP_CHARS), outputChars: output.length };
}

/** Runs `fn` over 0..count-1 with at most `width` in flight. */
async function pool(width: number, count: number, fn: (index: number) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      signal?.throwIfAborted();
      await fn(next++);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, count)) }, worker));
}

function promptHash(plans: ScorerPlan[][]): string {
  const hashes = [...new Set(plans.flat().filter((p) => p.type === JUDGE_SCORER).map((p) => judgePromptSha256(p.settings as JudgeSettings)))].sort();
  // Items may override the rubric; then the dimension's judge prompt is identified by all of them together.
  return hashes.length === 1 ? hashes[0]! : createHash('sha256').update(hashes.join('\n')).digest('hex');
}

/** What the eval's requests came to, for report.quality.requests and the progress line. */
interface RequestCounts {
  sent: number;
  retries: number;
  failed: number;
  truncated: number;
}

/**
 * Asks the server for one item's answer, retrying transport failures (options.retries). Never throws
 * but for an abort: a failed request is an answer with `error`. `latencyMs` is the successful
 * attempt's, so a latency budget judges the server's answer time, not the retries.
 */
async function generate(client: OpenAI, item: DatasetItem, options: EvalOptions, counts: RequestCounts, logger: Logger): Promise<Generation> {
  const { signal } = options;
  let started = performance.now();
  try {
    const response = await withRetries(
      options.retries,
      () => {
        counts.sent++;
        started = performance.now();
        return client.chat.completions
          .create(
            {
              model: options.model,
              messages: item.messages,
              max_tokens: options.maxTokens,
              temperature: options.temperature,
              ...(options.seed !== undefined ? { seed: options.seed } : {}),
            },
            { signal },
          )
          .then(
            (r) => {
              options.onAttempt?.(false);
              return r;
            },
            (e: unknown) => {
              options.onAttempt?.(isTimeout(e));
              throw e;
            },
          );
      },
      (e, n) => {
        counts.retries++;
        logger.warn(`eval: item "${item.id}": retry ${n}/${options.retries} after ${describeRequestError(e)}`);
      },
      signal,
    );
    const latencyMs = performance.now() - started;
    const parsed = completionSchema.safeParse(response);
    if (!parsed.success) {
      counts.failed++;
      return { output: '', latencyMs, error: `malformed response: ${parsed.error.issues[0]?.message ?? 'unexpected shape'}` };
    }
    const choice = parsed.data.choices[0]!;
    // Only a finish_reason says generation ended; an answer without one was cut off (as a stream ending without one).
    if (!choice.finish_reason) {
      counts.failed++;
      counts.truncated++;
      return { output: '', latencyMs, error: 'truncated: the answer came without a finish_reason, so generation did not finish' };
    }
    return { output: stripReasoning(choice.message.content ?? ''), latencyMs };
  } catch (e) {
    signal?.throwIfAborted();
    counts.failed++;
    return { output: '', latencyMs: performance.now() - started, error: describeRequestError(e) };
  }
}

/** One item's answer scored for each dimension it belongs to (a failed request scores 0 everywhere). */
async function scoreGeneration(
  item: DatasetItem,
  index: number,
  gen: Generation,
  services: ScorerServices,
  signal: AbortSignal | undefined,
): Promise<Array<[dimension: string, result: ItemResult & { index: number }]>> {
  const results: Array<[string, ItemResult & { index: number }]> = [];
  for (const [dimension, plans] of Object.entries(item.scoring)) {
    const base = { id: item.id, ...keptOutput(gen.output), latencyMs: Math.round(gen.latencyMs), line: item.line, sha256: item.sha256, index };
    if (gen.error !== undefined) {
      results.push([dimension, { ...base, score: 0, error: gen.error, reason: 'no answer: the request failed' }]);
    } else {
      const r = await scoreItem(plans, item, gen, services, signal);
      results.push([dimension, { ...base, score: r.score, ...(r.error ? { error: r.error } : {}), ...(!r.pass || r.score < 1 ? { reason: r.reason } : {}) }]);
    }
  }
  return results;
}

/** Logs `eval: done/total items, elapsed, ETA` every tenth of the dataset and at the end. */
function progressLogger(total: number, counts: RequestCounts, logger: Logger): (done: number) => void {
  const every = Math.max(1, Math.ceil(total / 10));
  const start = performance.now();
  return (done) => {
    if (done % every !== 0 && done !== total) return;
    const elapsedS = (performance.now() - start) / 1000;
    // The rate so far, extrapolated to the items left.
    const eta = done < total ? ((total - done) * elapsedS) / done : null;
    logger.info(`eval: ${done}/${total} items, ${formatWait(elapsedS)}${eta !== null ? `, ETA ${formatWait(eta)}` : ''}${counts.failed > 0 ? ` (${plural(counts.failed, 'failed request')})` : ''}`);
  };
}

/**
 * Each manifest dimension's result from its scored items (in dataset order), with the judge's
 * calibration where a judge scores it.
 */
async function dimensionResults(
  dataset: Dataset,
  perDimension: Map<string, Array<ItemResult & { index: number }>>,
  judge: Judge | undefined,
  services: ScorerServices,
  options: EvalOptions,
  logger: Logger,
): Promise<Record<string, DimensionResult>> {
  const dimensions: Record<string, DimensionResult> = {};
  for (const [name, spec] of Object.entries(dataset.manifest.dimensions)) {
    const items = (perDimension.get(name) ?? []).sort((a, b) => a.index - b.index).map(({ index: _index, ...rest }) => rest);
    const result: DimensionResult = {
      score: meanScore(items),
      n: items.length,
      ...(spec.threshold !== undefined ? { threshold: spec.threshold } : {}),
      ...(spec.tolerance !== undefined ? { tolerance: spec.tolerance } : {}),
      items,
    };
    if (judge && judgeDimensions(dataset).includes(name)) {
      const plans = dataset.items.flatMap((it) => (it.scoring[name] ? [it.scoring[name]] : []));
      result.judge = { model: judge.model, promptSha256: promptHash(plans) };
      const calibration = await calibrateDimension(name, dataset, services, options.concurrency, options.signal);
      if (calibration) {
        result.calibration = calibration;
        if (!calibration.trusted) logger.warn(`eval: judge dimension "${name}" is not trusted to gate: ${calibration.note}`);
      }
    }
    dimensions[name] = result;
  }
  return dimensions;
}

/**
 * Runs a dataset through an OpenAI-compatible server and scores every item on each of its dimensions.
 * Fails closed: an item whose request failed after its retries scores 0 with the error in the report.
 */
export async function runEval(options: EvalOptions, logger: Logger): Promise<Quality> {
  const { dataset, signal } = options;
  const judge = resolveJudge(options, logger);
  const services: ScorerServices = {
    embed: embedService(options, logger),
    judge: (request, settings, s) => {
      if (!judge) throw new Error('no judge configured');
      return judge.judge(request, settings, s);
    },
  };
  const client = openaiClient(options.baseURL, options.apiKey, options.timeoutS);
  const counts: RequestCounts = { sent: 0, retries: 0, failed: 0, truncated: 0 };
  const total = dataset.items.length;
  const progress = progressLogger(total, counts, logger);
  let done = 0;

  const perDimension = new Map<string, Array<ItemResult & { index: number }>>();
  await pool(
    options.concurrency,
    total,
    async (index) => {
      const item = dataset.items[index]!;
      const gen = await generate(client, item, options, counts, logger);
      for (const [dimension, result] of await scoreGeneration(item, index, gen, services, signal)) {
        const list = perDimension.get(dimension) ?? [];
        list.push(result);
        perDimension.set(dimension, list);
      }
      progress(++done);
    },
    signal,
  );

  const dimensions = await dimensionResults(dataset, perDimension, judge, services, options, logger);
  if (judge) {
    const j = judge.counts();
    logger.info(`eval: judge ${judge.model}: ${j.calls} calls, ${j.retries} transport retries, ${j.malformed} malformed replies`);
  }
  return qualitySchema.parse({
    dataset: {
      name: dataset.manifest.name,
      version: dataset.manifest.version,
      sha256: dataset.sha256,
      items: total,
      path: displayPath(dataset.dir),
    },
    dimensions,
    requests: { sent: counts.sent, retries: counts.retries, failed: counts.failed, ...(counts.truncated > 0 ? { truncated: counts.truncated } : {}) },
    outputCapChars: OUTPUT_CAP_CHARS,
  });
}

/**
 * Grades the dataset's human-labelled outputs with the same judge and rubric, and compares with the labels.
 * A label the judge could not grade counts as a disagreement: a judge that cannot answer is not trusted.
 */
async function calibrateDimension(
  name: string,
  dataset: Dataset,
  services: ScorerServices,
  concurrency: number,
  signal: AbortSignal | undefined,
): Promise<DimensionResult['calibration']> {
  const labelled = dataset.items.flatMap((item) => {
    const plan = item.scoring[name]?.find((p) => p.type === JUDGE_SCORER);
    return plan && item.humanLabels ? item.humanLabels.map((label) => ({ item, plan, label })) : [];
  });
  if (labelled.length === 0) return undefined;
  const pairs: Array<{ human: boolean; judge: boolean }> = [];
  await pool(
    concurrency,
    labelled.length,
    async (i) => {
      const { item, plan, label } = labelled[i]!;
      try {
        const v = await services.judge(
          { messages: item.messages, reference: item.reference, output: label.output },
          plan.settings as JudgeSettings,
          signal,
        );
        pairs.push({ human: label.pass, judge: v.pass });
      } catch {
        signal?.throwIfAborted();
        pairs.push({ human: label.pass, judge: !label.pass });
      }
    },
    signal,
  );
  const floor = dataset.manifest.judge ?? { minKappa: 0.6, minAccuracy: undefined };
  return calibrate(pairs, { kappa: floor.minKappa, ...(floor.minAccuracy !== undefined ? { accuracy: floor.minAccuracy } : {}) });
}
