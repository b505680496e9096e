import { SweepProgress } from '../bench/progress.ts';
import { runBenchSweep, sweepShapes, type BenchConfig, type BenchResult, type PromptSet, type StepDecider } from '../bench/sweep.ts';
import { sloMisses } from '../compare/verdict.ts';
import type { GateConfig } from '../config/schema.ts';
import { applyEnginePreset } from '../config/engine-preset.ts';
import { loadDataset } from '../eval/dataset.ts';
import { errorText, type Logger } from '../log.ts';
import type { Reason } from '../report/schema.ts';
import type { ReadyTarget } from './target.ts';

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
 * Runs the configured sweep against the ready target with the prompts read before boot (undefined:
 * synthetic), logging each step. With `decide` (a baseline to
 * compare with) steps are sampled sequentially until the comparison is decided (bench.sequential). Any
 * failure becomes an error reason of the gate.
 */
export async function bench(config: GateConfig, target: ReadyTarget, prompts: PromptSet | undefined, decide: ((profile: string) => StepDecider | null) | undefined, logger: Logger): Promise<{ bench?: BenchResult; error?: Reason }> {
  target.enter('bench');
  // The bench reads the engine's metric names and exact-length fields: a detected engine's preset fills them.
  const engine = target.engine.engine;
  const withPreset = !config.engine && engine !== 'openai' ? applyEnginePreset(config, engine) : config;
  // nvidia-smi on the runner says nothing about a GPU in the cluster.
  const c = target.running.kind === 'kubernetes' ? { ...withPreset.bench, gpuMetrics: false } : withPreset.bench;
  const running = target.running;
  const died = new AbortController();
  void running.exited.then(() => died.abort());
  let lastLog = 0;
  const progress = new SweepProgress(sweepShapes(c).length);
  const shapes = c.rates ? `rates ${c.rates.join(', ')} req/s` : `concurrency ${c.concurrency.join(', ')}`;
  try {
    const result = await logger.group(`bench: ${shapes}`, () =>
      runBenchSweep({
        rootURL: running.rootURL,
        apiKey: withPreset.target.apiKey,
        model: target.model,
        config: c,
        ...(withPreset.engine ? { engine: withPreset.engine } : {}),
        logger,
        signal: AbortSignal.any([died.signal, target.watch.signal]),
        onRequestEnd: (r) => target.watch.record(r.error?.kind === 'timeout'),
        ...(prompts ? { prompts } : {}),
        ...(decide ? { decide } : {}),
        sloMisses: (run) => sloMisses(run, c.slo),
        onStepStart: (profile, index, total) => {
          progress.stepStarted(index);
          lastLog = performance.now();
          const bound = c.durationS === undefined ? `${c.requests} requests` : `${c.requests} requests or ${c.durationS} s`;
          logger.info(`bench step ${index + 1}/${total}: ${profile}, ${c.warmupRequests} warm-up then ${bound}`);
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
      await Promise.race([running.exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
    }
    return { bench: result };
  } catch (err) {
    logger.error(errorText(err));
    return { error: { dimension: 'gate', message: errorText(err) } };
  }
}
