import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT } from '../../exit-codes.ts';
import { stderrLogger } from '../../log.ts';
import { referenceAnswers } from '../../eval/reference-answers.ts';
import { simulatorOptionsSchema, type HangMode, type SimulatorOptionsInput } from '../../sim/options.ts';
import { ENGINE_NAMES, type EngineName } from '../../engines/registry.ts';
import { personalities } from '../../sim/personalities.ts';
import { startSimulator } from '../../sim/server.ts';
import type { Command } from './index.ts';
import { describeArgsError, usageError } from '../parse-flags.ts';

const help = `Usage: llm-gate simulate [options]

Serves an OpenAI-compatible API with realistic latency, so a gate config can be dry-run without a GPU.
Prints the base URL on stdout and runs until SIGINT or SIGTERM.

Options:
  --port N             port to listen on (default 8000, or the engine's own; 0 picks a free one)
  --host HOST          address to listen on (default 127.0.0.1)
  --model NAME         model id served and required in requests (default sim-model)
  --load-time DUR      port opens at once, requests answer 503 for this long (e.g. 5s, 500ms; default 0)
  --ttft-ms MS         base time to first token (default 40)
  --prefill-ms MS      extra time to first token per prompt token (default 0.02)
  --tpot-ms MS         time per output token (default 8)
  --slowdown F         latency factor per extra running request: 1 + F*(running-1) (default 0.02)
  --jitter F           relative jitter of every delay (default 0.05)
  --max-running N      running requests before new ones queue (default 256)
  --dataset PATH       answer prompts of this dataset version (directory or dataset.yaml) with their references
  --error-rate P       share of dataset prompts answered wrongly, fixed per prompt (default 0)
  --seed N             seed of every random draw (default 1)
  --crash-after N      die when inference request N+1 arrives
  --crash-after-ms MS  die this long after starting (a crash during loading)
  --hang               accept inference requests and never answer them
  --stall              streams stall after their first token (the connection stays open)
  --malformed-sse      emit one invalid data line in the middle of every stream
  --http-error-rate P  answer this share of inference requests with HTTP 500
  --stream-error-rate P  fail this share of streams halfway with an in-band error event (the engine's own way)
  --faults-after N     the hang, malformed-SSE and error faults spare the first N inference requests
  --engine NAME        reproduce an engine's observable behaviour: ${ENGINE_NAMES.join(', ')}
                       (readiness phases, health paths, SSE framing and usage, error bodies, metric names)
  --help               show this help`;

const isEngineName = (name: string): name is EngineName => (ENGINE_NAMES as readonly string[]).includes(name);

/** "5s", "1.5m", "250ms" or a bare number of milliseconds. */
export function parseDurationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new Error(`expected a duration such as 5s, 500ms or 2m, found "${text}"`);
  const unit = m[2] ?? 'ms';
  return Number(m[1]) * (unit === 'm' ? 60_000 : unit === 's' ? 1000 : 1);
}

function num(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new Error(`--${flag}: expected a number, found "${text}"`);
  return n;
}

const options = {
  port: { type: 'string' },
  host: { type: 'string' },
  model: { type: 'string' },
  'load-time': { type: 'string' },
  'ttft-ms': { type: 'string' },
  'prefill-ms': { type: 'string' },
  'tpot-ms': { type: 'string' },
  slowdown: { type: 'string' },
  jitter: { type: 'string' },
  'max-running': { type: 'string' },
  dataset: { type: 'string' },
  'error-rate': { type: 'string' },
  seed: { type: 'string' },
  'crash-after': { type: 'string' },
  'crash-after-ms': { type: 'string' },
  hang: { type: 'boolean' },
  stall: { type: 'boolean' },
  'malformed-sse': { type: 'boolean' },
  'http-error-rate': { type: 'string' },
  'stream-error-rate': { type: 'string' },
  'faults-after': { type: 'string' },
  engine: { type: 'string' },
  help: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

/** The flag that sets each simulator option, to name it in a message. */
const FLAG_OF_OPTION: Record<string, string> = {
  port: 'port',
  host: 'host',
  model: 'model',
  loadTimeMs: 'load-time',
  ttftMs: 'ttft-ms',
  prefillMsPerToken: 'prefill-ms',
  decodeMsPerToken: 'tpot-ms',
  slowdownPerActive: 'slowdown',
  jitter: 'jitter',
  maxRunning: 'max-running',
  errorRate: 'error-rate',
  seed: 'seed',
  'faults.crashAfterRequests': 'crash-after',
  'faults.crashAfterMs': 'crash-after-ms',
  'faults.httpErrorRate': 'http-error-rate',
  'faults.streamErrorRate': 'stream-error-rate',
  'faults.afterRequests': 'faults-after',
};
const flagOf = (option: string): string => (FLAG_OF_OPTION[option] ? `--${FLAG_OF_OPTION[option]}` : `option ${option}`);

export const simulateCommand: Command = {
  summary: 'Serve a simulated OpenAI-compatible LLM server (latency, load time, faults)',
  async run(argv) {
    let values;
    try {
      ({ values } = parseArgs({
        args: argv,
        strict: true,
        options,
      }));
    } catch (e) {
      return usageError(describeArgsError(e, options), help);
    }
    if (values.help) {
      process.stdout.write(`${help}\n`);
      return EXIT.pass;
    }

    let input: SimulatorOptionsInput;
    try {
      const engine = values.engine;
      if (engine !== undefined && !isEngineName(engine)) throw new Error(`--engine: expected one of ${ENGINE_NAMES.join('|')}, found "${engine}"`);
      if (values.hang && values.stall) throw new Error('--hang and --stall exclude each other');
      const hang: HangMode | undefined = values.hang ? 'no-response' : values.stall ? 'after-first-chunk' : undefined;
      input = {
        engine,
        port: num('port', values.port) ?? (engine === undefined ? 8000 : personalities[engine].defaultPort),
        host: values.host,
        model: values.model,
        loadTimeMs: values['load-time'] === undefined ? undefined : parseDurationMs(values['load-time']),
        ttftMs: num('ttft-ms', values['ttft-ms']),
        prefillMsPerToken: num('prefill-ms', values['prefill-ms']),
        decodeMsPerToken: num('tpot-ms', values['tpot-ms']),
        slowdownPerActive: num('slowdown', values.slowdown),
        jitter: num('jitter', values.jitter),
        maxRunning: num('max-running', values['max-running']),
        errorRate: num('error-rate', values['error-rate']),
        seed: num('seed', values.seed),
        answers: values.dataset === undefined ? undefined : await referenceAnswers(values.dataset),
        faults: {
          crashAfterRequests: num('crash-after', values['crash-after']),
          crashAfterMs: num('crash-after-ms', values['crash-after-ms']),
          hang,
          malformedSse: values['malformed-sse'],
          httpErrorRate: num('http-error-rate', values['http-error-rate']),
          streamErrorRate: num('stream-error-rate', values['stream-error-rate']),
          afterRequests: num('faults-after', values['faults-after']),
        },
      };
      const checked = simulatorOptionsSchema.safeParse(input);
      if (!checked.success) {
        throw new Error(checked.error.issues.map((i) => `${flagOf(i.path.join('.'))}: ${i.message}`).join('\n'));
      }
    } catch (e) {
      process.stderr.write(`error: ${(e as Error).message}\n`);
      return EXIT.usage;
    }

    const sim = await startSimulator(input, {
      logger: stderrLogger,
      // A crash fault must look like a dead engine to whoever supervises this process.
      onCrash: () => process.exit(1),
    });
    process.stdout.write(`${sim.url}\n`);
    stderrLogger.info(
      `simulator (${sim.personality.engine}) serving model "${input.model ?? 'sim-model'}" at ${sim.url}/v1 (Ctrl-C to stop)`,
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await sim.close();
    return EXIT.pass;
  },
};
