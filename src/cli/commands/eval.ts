import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { DatasetError, loadDataset } from '../../eval/dataset.ts';
import { runEval } from '../../eval/runner.ts';
import { formatQualityTable, qualityFailures } from '../../eval/summary.ts';
import { describeRequestError, openaiClient } from '../../eval/transport.ts';
import { EXIT } from '../../exit-codes.ts';
import { stderrLogger } from '../../log.ts';
import { resolveDatasetPath } from '../../package-root.ts';
import { outFileProblem } from '../out-file.ts';
import { parseCommandFlags, usageError } from '../parse-flags.ts';
import type { Command } from './index.ts';

const help = `Usage: llm-gate eval --url URL [options]

Runs a dataset through an OpenAI-compatible server, scores every dimension, prints a table
and writes the quality section of report.json as JSON.
Exit: 0 every dimension at or above its threshold, 1 one below, 2 bad usage or dataset,
3 no request succeeded.

Options:
  --url URL             server root or its /v1 base (required)
  --model ID            model id (default: the first of /v1/models)
  --dataset PATH        dataset directory or its dataset.yaml (default: datasets/starter/v1)
  --concurrency N       requests in flight (default 4)
  --timeout S           seconds per request attempt (default 60)
  --retries N           further tries after a transport error, counted (default 1)
  --max-tokens N        (default 256)
  --temperature T       (default 0)
  --seed N              sent to servers that support it
  --judge-url URL       OpenAI-compatible endpoint for llm-judge dimensions
  --judge-model ID      judge model (both default to the dataset's judge section)
  --out FILE            where to write the JSON (default llm-gate-out/quality.json)
  --help

Environment: LLM_GATE_API_KEY (server), LLM_GATE_JUDGE_API_KEY (judge).`;

const flagsSchema = z.object({
  url: z.url({ message: 'expected a URL such as http://127.0.0.1:8000' }),
  model: z.string().min(1).optional(),
  dataset: z.string().min(1).default('datasets/starter/v1'),
  concurrency: z.coerce.number().int().min(1).default(4),
  timeout: z.coerce.number().positive().default(60),
  retries: z.coerce.number().int().min(0).default(1),
  'max-tokens': z.coerce.number().int().min(1).default(256),
  temperature: z.coerce.number().min(0).default(0),
  seed: z.coerce.number().int().optional(),
  'judge-url': z.url().optional(),
  'judge-model': z.string().min(1).optional(),
  out: z.string().min(1).default('llm-gate-out/quality.json'),
});

const options = {
  url: { type: 'string' },
  model: { type: 'string' },
  dataset: { type: 'string' },
  concurrency: { type: 'string' },
  timeout: { type: 'string' },
  retries: { type: 'string' },
  'max-tokens': { type: 'string' },
  temperature: { type: 'string' },
  seed: { type: 'string' },
  'judge-url': { type: 'string' },
  'judge-model': { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean' },
} as const;

export const evalCommand: Command = {
  summary: 'run an eval dataset against a running server and score it per dimension',
  async run(argv) {
    const parsed = parseCommandFlags(argv, options, flagsSchema, help);
    if (!parsed.ok) return parsed.exitCode;
    const flags = parsed.flags;
    const outProblem = await outFileProblem(flags.out);
    if (outProblem) {
      process.stderr.write(`error: ${outProblem}\n`);
      return EXIT.usage;
    }

    let dataset;
    try {
      dataset = await loadDataset(resolveDatasetPath(flags.dataset));
    } catch (err) {
      if (err instanceof DatasetError) {
        process.stderr.write(`error: ${err.message}\n`);
        return EXIT.usage;
      }
      throw err;
    }

    const apiKey = process.env.LLM_GATE_API_KEY;
    let model = flags.model;
    if (!model) {
      try {
        const list = await openaiClient(flags.url, apiKey, flags.timeout).models.list();
        model = list.data[0]?.id;
      } catch (err) {
        process.stderr.write(`error: could not list models at ${flags.url}: ${describeRequestError(err)}\n`);
        return EXIT.error;
      }
      if (!model) return usageError(`${flags.url}/v1/models lists no model; give --model`, help);
      stderrLogger.info(`eval: model ${model} (from /v1/models)`);
    }

    let quality;
    try {
      quality = await runEval(
        {
          baseURL: flags.url,
          model,
          apiKey,
          dataset,
          concurrency: flags.concurrency,
          timeoutS: flags.timeout,
          retries: flags.retries,
          maxTokens: flags['max-tokens'],
          temperature: flags.temperature,
          seed: flags.seed,
          judge: {
            ...(flags['judge-url'] ? { baseURL: flags['judge-url'] } : {}),
            ...(flags['judge-model'] ? { model: flags['judge-model'] } : {}),
            apiKey: process.env.LLM_GATE_JUDGE_API_KEY,
          },
        },
        stderrLogger,
      );
    } catch (err) {
      if (err instanceof DatasetError) {
        process.stderr.write(`error: ${err.message}\n`);
        return EXIT.usage;
      }
      throw err;
    }

    await mkdir(path.dirname(path.resolve(flags.out)), { recursive: true });
    await writeFile(flags.out, `${JSON.stringify(quality, null, 2)}\n`);
    process.stdout.write(`${formatQualityTable(quality)}\nwrote ${flags.out}\n`);

    if (quality.requests && quality.requests.sent > 0 && quality.requests.failed === quality.dataset.items) {
      process.stderr.write(`error: every request failed; no quality picture could be made\n`);
      return EXIT.error;
    }
    const failures = qualityFailures(quality);
    for (const f of failures) process.stdout.write(`FAIL ${f.dimension}: ${f.message}\n`);
    return failures.length > 0 ? EXIT.fail : EXIT.pass;
  },
};
