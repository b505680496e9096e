#!/usr/bin/env node
import { createRequire as __llmGateCreateRequire } from 'node:module'; const require = __llmGateCreateRequire(import.meta.url);
import {
  CONFIG_FILE_OPTION,
  ConfigError,
  DEFAULT_CONFIG_FILE,
  DEFAULT_POWER,
  DEFAULT_SEED,
  DatasetError,
  ENGINES,
  ENGINE_NAMES,
  ENGINE_PRESETS,
  EXIT,
  HTML_FILE,
  IDENTITY_FIELDS,
  MIN_TAIL_VALUES,
  MIN_UNITS,
  ReportReadError,
  SETTINGS,
  SETTING_NAMES,
  SweepProgress,
  TEXT_TYPE,
  TOOL_VERSION,
  UNBOUNDED_REQUESTS,
  answer,
  apiBaseURL,
  benchConfigSchema,
  compareConfigSchema,
  compareReports,
  createStore,
  datasetDimensionNames,
  describeDifferences,
  describeRequestError,
  detectableEffects,
  engineNameSchema,
  formatDelta,
  formatInterval,
  formatStatus,
  formatValue,
  hygieneText,
  identityDifferences,
  identityFieldSchema,
  identityOfReport,
  instabilityFromRepeats,
  loadBenchPrompts,
  loadDataset,
  loadGateConfig,
  mergeCells,
  mergedMarkdown,
  mergedReasons,
  missedFloor,
  mulberry32,
  nearest,
  openaiClient,
  packageRoot,
  parseGateConfig,
  perfSpecs,
  probesText,
  readCells,
  readHistory,
  readOverrides,
  readReportFile,
  renderHtml,
  reportSchema,
  resolveDatasetPath,
  runBenchSweep,
  runEval,
  runGateGuarded,
  settingFlagSchema,
  shownDefault,
  sloMisses,
  sloReasons,
  stepProfile,
  suggestion,
  sweepShapes,
  tableHeader,
  tableRow,
  toleranceFor,
  trendCharts,
  trendTable,
  verdictFromComparison
} from "./chunks/chunk-WV2YHRPA.js";
import {
  stripControl,
  truncate
} from "./chunks/chunk-OIZKBE6S.js";
import "./chunks/chunk-HGILKTQ3.js";
import {
  external_exports
} from "./chunks/chunk-CBO2WUS7.js";
import {
  errorText,
  silentLogger,
  stderrLogger
} from "./chunks/chunk-7VG5NXZU.js";

// src/cli/require-node.ts
var [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
if (major < 22 || major === 22 && minor < 12) {
  process.stderr.write(
    `llm-gate needs Node.js 22.12 or newer; this is ${process.version}.
On linux-x64, \`npm ci\` in this project installs Node 24 as node_modules/.bin/node: run llm-gate through \`npx llm-gate\` or an npm script.
`
  );
  process.exit(2);
}

// src/cli/commands/bench.ts
import { mkdir as mkdir2, writeFile } from "node:fs/promises";
import path2 from "node:path";

// src/cli/colour.ts
function colourEnabled(stream, env = process.env) {
  if (env.NO_COLOR !== void 0 && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== void 0 && env.FORCE_COLOR !== "" && env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true && env.TERM !== "dumb";
}
var SGR = { pass: "1;32", fail: "1;31", error: "1;33" };
function verdictWord(verdict, colour) {
  const word = verdict.toUpperCase();
  return colour ? `\x1B[${SGR[verdict]}m${word}\x1B[0m` : word;
}

// src/cli/out-file.ts
import { constants } from "node:fs";
import { access, mkdir, stat } from "node:fs/promises";
import path from "node:path";
async function outFileProblem(file) {
  const dir = path.dirname(path.resolve(file));
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (err) {
    return `--out ${file}: cannot create or write its folder (${err.code ?? String(err)}); give a file in a folder that can be written`;
  }
  const info = await stat(file).catch(() => void 0);
  if (info?.isDirectory()) return `--out ${file}: is a directory; give a file name`;
  return void 0;
}

// src/cli/parse-flags.ts
import { parseArgs } from "node:util";
function usageError(message, help11) {
  process.stderr.write(`error: ${message}

${help11}
`);
  return EXIT.usage;
}
function describeArgsError(err, options6) {
  const message = errorText(err);
  const unknown = /^Unknown option '(-{1,2})([^'=]+)/.exec(message);
  if (err.code !== "ERR_PARSE_ARGS_UNKNOWN_OPTION" || !unknown) return message;
  const [, dashes, name] = unknown;
  const flags = Object.entries(options6).flatMap(([long, o]) => [`--${long}`, ...o.short ? [`-${o.short}`] : []]);
  return `unknown flag ${dashes}${name}${suggestion(`${dashes}${name}`, flags)}`;
}
function parseCommandArgs(argv, options6, help11) {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: options6, strict: true, allowPositionals: false }));
  } catch (err) {
    return { ok: false, exitCode: usageError(describeArgsError(err, options6), help11) };
  }
  if (values.help) {
    process.stdout.write(`${help11}
`);
    return { ok: false, exitCode: EXIT.pass };
  }
  return { ok: true, flags: values };
}
function parseCommandFlags(argv, options6, schema, help11) {
  const args = parseCommandArgs(argv, options6, help11);
  if (!args.ok) return args;
  const parsed = schema.safeParse(args.flags);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = issue.path[0] === void 0 ? void 0 : String(issue.path[0]);
    if (name !== void 0 && args.flags[name] === void 0) {
      return { ok: false, exitCode: usageError(`missing --${name}: this command needs it`, help11) };
    }
    const raw = name === void 0 ? void 0 : args.flags[name];
    const message = typeof raw === "string" ? numberFlagMessage(issue, raw) ?? issue.message : issue.message;
    return { ok: false, exitCode: usageError(`${name === void 0 ? "" : `--${name}: `}${message}`, help11) };
  }
  return { ok: true, flags: parsed.data };
}
function numberFlagMessage(issue, raw) {
  if (!/^(Invalid input: expected (number|int)|Too (small|big): expected number)\b/.test(issue.message)) return void 0;
  const found = `found "${raw}"`;
  if (issue.code === "invalid_type" && issue.expected === "number") return `expected a number, ${found}`;
  if (issue.code === "invalid_type" && issue.expected === "int") return `expected a whole number, ${found}`;
  if ((issue.code === "too_small" || issue.code === "too_big") && issue.origin === "number") {
    const bound = Number(issue.code === "too_small" ? issue.minimum : issue.maximum);
    const side = issue.code === "too_small" ? issue.inclusive ? "of at least" : "greater than" : issue.inclusive ? "of at most" : "less than";
    return `expected a number ${side} ${bound}, ${found}`;
  }
  return void 0;
}

// src/cli/commands/bench.ts
var help = `Usage: llm-gate bench --url URL [options]

Runs a TTFT/TPOT load benchmark against a running OpenAI-compatible server: a sweep of
concurrency levels (closed loop) or request rates (open loop, gamma arrivals), a warm-up
that is not counted, then per step TTFT, TPOT, ITL, E2E, throughput, errors by kind and
goodput. Scrapes the server's /metrics and nvidia-smi while it runs. Prints a table on
stdout (progress with ETA on stderr) and writes the performance section of report.json.
Exit: 0 done, 1 an SLO or the error budget was broken, 2 bad usage or dataset,
3 the server went away or no request succeeded.

Options:
  --url URL              server root or its /v1 base (required)
  --config FILE          take the bench section (and engine, model) of an llm-gate.yml; flags override it
  --model ID             model id (default: the first of /v1/models)
  --engine NAME          the server's engine (${ENGINE_NAMES.join(", ")}): its exact-length and
                         stream_options fields and its metrics path (default: vLLM's fields, /metrics)
  --concurrency LIST     closed-loop steps, e.g. 1,8,32 (default 4)
  --rate LIST            open-loop steps in requests/s, e.g. 2,4,8 (instead of --concurrency)
  --burstiness F         gamma shape of inter-arrivals: 1 Poisson, <1 burstier (default 1)
  --max-concurrency N    rate mode: at most N requests in flight
  --requests N           measured requests per step (default 64; with --duration only, unbounded)
  --duration S           seconds per step during which requests are sent (e.g. 30, 30s, 2m)
  --warmup N             warm-up requests per step, not counted: at least N (default 4), always as wide as the step's load
  --input-tokens N       synthetic prompt length in words (default 128)
  --output-tokens N      requested output tokens (default 64; a cap for dataset prompts)
  --prompts SRC          synthetic (default) or a dataset directory / dataset.yaml to replay
  --seed N               seeds prompts and arrival times (default 1)
  --timeout S            seconds per request (default 120)
  --idle-timeout S       seconds without a byte before a stream counts as stalled (default 30)
  --slo-ttft MS          per-request TTFT bound for goodput, checked on p99
  --slo-tpot MS          per-request TPOT bound for goodput, checked on p99
  --max-error-rate F     share of failed requests a step may have (default 0.01)
  --metrics-path PATH    Prometheus endpoint on the server (default /metrics)
  --no-metrics           do not scrape the server's metrics
  --no-gpu               do not sample nvidia-smi
  --out FILE             where to write the JSON (default llm-gate-out/bench.json)
  --help

Environment: LLM_GATE_API_KEY (server).`;
var options = {
  url: { type: "string" },
  config: { type: "string" },
  model: { type: "string" },
  engine: { type: "string" },
  concurrency: { type: "string" },
  rate: { type: "string" },
  burstiness: { type: "string" },
  "max-concurrency": { type: "string" },
  requests: { type: "string" },
  duration: { type: "string" },
  warmup: { type: "string" },
  "input-tokens": { type: "string" },
  "output-tokens": { type: "string" },
  prompts: { type: "string" },
  seed: { type: "string" },
  timeout: { type: "string" },
  "idle-timeout": { type: "string" },
  "slo-ttft": { type: "string" },
  "slo-tpot": { type: "string" },
  "max-error-rate": { type: "string" },
  "metrics-path": { type: "string" },
  "no-metrics": { type: "boolean" },
  "no-gpu": { type: "boolean" },
  out: { type: "string" },
  help: { type: "boolean" }
};
var list = (what) => external_exports.string().transform((text, ctx) => {
  const values = text.split(",").map((p) => Number(p.trim()));
  if (values.some((v) => !Number.isFinite(v) || v <= 0)) {
    ctx.addIssue({ code: "custom", message: `expected a comma-separated list of positive ${what}, e.g. 1,8,32; found "${text}"` });
    return external_exports.NEVER;
  }
  return values;
});
var seconds = external_exports.string().transform((text, ctx) => {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m || Number(m[1]) <= 0) {
    ctx.addIssue({ code: "custom", message: `expected a duration such as 30, 30s, 2m or 500ms, found "${text}"` });
    return external_exports.NEVER;
  }
  const unit = m[2] ?? "s";
  return Number(m[1]) * (unit === "m" ? 60 : unit === "ms" ? 1e-3 : 1);
});
var flagsSchema = external_exports.object({
  url: external_exports.url({ message: "expected a URL such as http://127.0.0.1:8000" }),
  config: external_exports.string().min(1).optional(),
  model: external_exports.string().min(1).optional(),
  engine: engineNameSchema.optional(),
  concurrency: settingFlagSchema("concurrency").optional(),
  rate: list("rates").optional(),
  burstiness: external_exports.coerce.number().positive().optional(),
  "max-concurrency": external_exports.coerce.number().int().min(1).optional(),
  requests: settingFlagSchema("requests").optional(),
  duration: seconds.optional(),
  warmup: external_exports.coerce.number().int().min(0).optional(),
  "input-tokens": external_exports.coerce.number().int().min(1).optional(),
  "output-tokens": external_exports.coerce.number().int().min(1).optional(),
  prompts: external_exports.string().min(1).optional(),
  seed: external_exports.coerce.number().int().optional(),
  timeout: external_exports.coerce.number().positive().optional(),
  "idle-timeout": external_exports.coerce.number().positive().optional(),
  "slo-ttft": external_exports.coerce.number().positive().optional(),
  "slo-tpot": external_exports.coerce.number().positive().optional(),
  "max-error-rate": external_exports.coerce.number().min(0).max(1).optional(),
  "metrics-path": external_exports.string().startsWith("/").optional(),
  "no-metrics": external_exports.boolean().optional(),
  "no-gpu": external_exports.boolean().optional(),
  out: external_exports.string().min(1).default("llm-gate-out/bench.json")
}).refine((f) => !(f.concurrency && f.rate), { message: "give --concurrency or --rate, not both", path: ["rate"] }).refine((f) => f["max-concurrency"] === void 0 || f.rate !== void 0, { message: "only applies with --rate", path: ["max-concurrency"] });
function benchConfigFromFlags(f, base = {}) {
  const slo = {
    ...base.slo ?? { maxErrorRate: 0.01 },
    ...f["max-error-rate"] === void 0 ? {} : { maxErrorRate: f["max-error-rate"] },
    ...f["slo-ttft"] === void 0 ? {} : { ttftP99Ms: f["slo-ttft"] },
    ...f["slo-tpot"] === void 0 ? {} : { tpotP99Ms: f["slo-tpot"] }
  };
  const sweep = f.concurrency || f.rate ? { concurrency: f.concurrency ?? base.concurrency, rates: f.rate } : {};
  return benchConfigSchema.parse({
    ...base,
    ...sweep,
    ...f.burstiness === void 0 ? {} : { burstiness: f.burstiness },
    ...f["max-concurrency"] === void 0 ? {} : { maxConcurrency: f["max-concurrency"] },
    // A duration alone bounds the step by time: no request count cuts it short.
    ...f.requests !== void 0 ? { requests: f.requests } : f.duration !== void 0 ? { requests: UNBOUNDED_REQUESTS } : {},
    ...f.duration === void 0 ? {} : { durationS: f.duration },
    ...f.warmup === void 0 ? {} : { warmupRequests: f.warmup },
    ...f["input-tokens"] === void 0 ? {} : { inputTokens: f["input-tokens"] },
    ...f["output-tokens"] === void 0 ? {} : { outputTokens: f["output-tokens"] },
    ...f.prompts === void 0 ? {} : { prompts: f.prompts },
    ...f.seed === void 0 ? {} : { seed: f.seed },
    ...f.timeout === void 0 ? {} : { timeoutS: f.timeout },
    ...f["idle-timeout"] === void 0 ? {} : { idleTimeoutS: f["idle-timeout"] },
    ...f["metrics-path"] !== void 0 ? { metricsPath: f["metrics-path"] } : f.engine && ENGINE_PRESETS[f.engine].metrics && (base.metricsPath ?? "/metrics") === "/metrics" ? { metricsPath: ENGINE_PRESETS[f.engine].metrics.path } : {},
    ...f["no-metrics"] ? { scrapeMetrics: false } : {},
    ...f["no-gpu"] ? { gpuMetrics: false } : {},
    slo
  });
}
var benchCommand = {
  summary: "run a TTFT/TPOT load benchmark (concurrency or rate sweep) against a running server",
  async run(argv) {
    const parsed = parseCommandFlags(argv, options, flagsSchema, help);
    if (!parsed.ok) return parsed.exitCode;
    const flags = parsed.flags;
    const outProblem = await outFileProblem(flags.out);
    if (outProblem) {
      process.stderr.write(`error: ${outProblem}
`);
      return EXIT.usage;
    }
    let fromFile;
    if (flags.config !== void 0) {
      try {
        const gate = await loadGateConfig({ env: process.env, path: flags.config, overrides: { url: flags.url } });
        fromFile = { bench: gate.bench, engine: gate.engine, model: gate.target.model };
      } catch (err) {
        if (err instanceof ConfigError) {
          process.stderr.write(`error: ${err.message}
`);
          return EXIT.usage;
        }
        throw err;
      }
    }
    const engine = flags.engine ?? fromFile?.engine;
    const config = benchConfigFromFlags({ ...flags, engine }, fromFile?.bench);
    const baseURL = apiBaseURL(flags.url);
    const rootURL = baseURL.replace(/\/v1$/, "");
    const apiKey = process.env.LLM_GATE_API_KEY;
    let model = flags.model ?? fromFile?.model;
    if (!model) {
      try {
        model = (await openaiClient(baseURL, apiKey, config.timeoutS).models.list()).data[0]?.id;
      } catch (err) {
        process.stderr.write(`error: could not list models at ${baseURL}: ${describeRequestError(err)}
`);
        return EXIT.error;
      }
      if (!model) return usageError(`${baseURL}/models lists no model; give --model`, help);
      stderrLogger.info(`bench: model ${model} (from /v1/models)`);
    }
    const tty = process.stderr.isTTY === true;
    let lastProgress = 0;
    const progress = new SweepProgress(sweepShapes(config).length);
    const startedAt = (/* @__PURE__ */ new Date()).toISOString();
    process.stdout.write(`${tableHeader()}
`);
    let result;
    try {
      const prompts = await loadBenchPrompts(config);
      result = await runBenchSweep({
        rootURL,
        apiKey,
        model,
        config,
        ...engine ? { engine } : {},
        ...prompts ? { prompts } : {},
        sloMisses: (run) => sloMisses(run, config.slo),
        logger: stderrLogger,
        onStepStart: (_profile, index) => {
          progress.stepStarted(index);
          lastProgress = 0;
        },
        onProgress: (profile, p) => {
          const now = Date.now();
          if (now - lastProgress < (tty ? 200 : 5e3)) return;
          lastProgress = now;
          process.stderr.write(tty ? `\r\x1B[K${progress.line(profile, p)}` : `${progress.line(profile, p)}
`);
        },
        onStepEnd: (run) => {
          progress.stepEnded();
          if (tty) process.stderr.write("\r\x1B[K");
          process.stdout.write(`${tableRow(run)}
`);
          if (run.stopped) process.stderr.write(`error: ${run.stopped.message}
`);
        }
      });
    } catch (err) {
      if (err instanceof DatasetError) {
        process.stderr.write(`error: ${err.message}
`);
        return EXIT.usage;
      }
      throw err;
    }
    if (result.server) {
      const s = result.server;
      process.stderr.write(
        s.available ? `server metrics: ${s.engine}, ${s.scrapes} scrapes of ${s.url}${s.failures ? `, ${s.failures} failed` : ""}
` : `server metrics: none (${s.reason ?? "unavailable"})
`
      );
    }
    if (result.gpu && !result.gpu.available) process.stderr.write(`gpu metrics: none (${result.gpu.reason ?? "unavailable"})
`);
    const out = {
      tool: { name: "llm-gate", version: TOOL_VERSION },
      url: rootURL,
      model,
      startedAt,
      finishedAt: (/* @__PURE__ */ new Date()).toISOString(),
      config,
      performance: result
    };
    await mkdir2(path2.dirname(path2.resolve(flags.out)), { recursive: true });
    await writeFile(flags.out, `${JSON.stringify(out, null, 2)}
`);
    process.stdout.write(`wrote ${flags.out}
`);
    if (result.runs.some((r) => r.stopped) || result.runs.every((r) => r.ok === 0)) return EXIT.error;
    const reasons = sloReasons(result.runs, config.slo);
    const colour = colourEnabled(process.stdout);
    for (const r of reasons) process.stdout.write(`${verdictWord("fail", colour)} ${r.dimension}: ${r.message}
`);
    return reasons.length > 0 ? EXIT.fail : EXIT.pass;
  }
};

// src/cli/commands/compare.ts
import { access as access2 } from "node:fs/promises";
import { parseArgs as parseArgs2 } from "node:util";

// src/compare/table.ts
function formatComparisonTable(comparison) {
  const entries = Object.entries(comparison.dimensions).sort(
    ([a, x], [b, y]) => Number(y.regressed) - Number(x.regressed) || Number(y.improved) - Number(x.improved) || a.localeCompare(b)
  );
  const rows = [
    ["dimension", "baseline", "candidate", "delta", "interval", "tolerance", "status"],
    ...entries.map(([name, d]) => [
      name,
      formatValue(d.baseline, d.unit),
      formatValue(d.candidate, d.unit),
      formatDelta(d),
      formatInterval(d),
      d.tolerance === void 0 ? "-" : d.relativeDelta !== void 0 ? `${(d.tolerance * 100).toFixed(0)}%` : `${(d.tolerance * 100).toFixed(1)} pt`,
      formatStatus(d)
    ])
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) => r.map((cell, i) => i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])).join("  ").trimEnd());
  lines.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
  const out = [`baseline: ${comparison.baseline?.ref ?? "none"}`, ...lines];
  if (comparison.tests !== void 0 && comparison.confidence !== void 0) {
    const each = comparison.tests > 0 ? 1 - (1 - comparison.confidence) / comparison.tests : comparison.confidence;
    out.push(
      `${comparison.tests} dimensions tested at family-wise confidence ${pct(comparison.confidence)} (each interval ${pct(each)}, Bonferroni); a regression must be outside its interval and beyond its tolerance`
    );
  }
  if (comparison.note) out.push(`note: ${comparison.note}`);
  for (const [name, d] of entries) if (d.note) out.push(`  ${name}: ${d.note}`);
  return out.join("\n");
}
function pct(x) {
  return `${(x * 100).toFixed(2).replace(/\.?0+$/, "")}%`;
}

// src/cli/commands/compare.ts
var help2 = `Usage: llm-gate compare BASELINE.json CANDIDATE.json [options]

Compares two report.json files dimension by dimension, noise-aware: a dimension regresses only
when its change is statistically clear (bootstrap interval at the family-wise confidence,
Bonferroni-adjusted across dimensions) and beyond its practical tolerance. See docs/compare.md.
Exit: 0 no regression, 1 a dimension regressed, 2 unreadable input, bad options, or a dataset
that changed between the two reports.

Options:
  --confidence C           family-wise confidence, 0.5 < C < 1 (default: config, else 0.95)
  --tolerance NAME=VALUE   a dimension's tolerance, NAME may use * (repeatable):
                           --tolerance 'perf.*.ttft.p99=0.2' --tolerance quality.exact=0.05
  --allow-dataset-change   compare quality on the item ids both reports share
  --allow-change LIST      compare reports of another model,engine,gpu,dataset instead of refusing
  --config FILE            read the compare section of an llm-gate.yml (default: ./${DEFAULT_CONFIG_FILE} if present)
  --seed N                 bootstrap seed (default ${DEFAULT_SEED}); same seed, same intervals
  --json                   print {verdict, reasons, comparison} as JSON instead of the table
  --help`;
var options2 = {
  confidence: { type: "string" },
  tolerance: { type: "string", multiple: true },
  "allow-dataset-change": { type: "boolean" },
  "allow-change": { type: "string" },
  config: { type: "string" },
  seed: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean" }
};
async function baseConfig(configPath) {
  if (configPath === void 0) {
    try {
      await access2(DEFAULT_CONFIG_FILE);
    } catch {
      return compareConfigSchema.parse({});
    }
  }
  return (await loadGateConfig({ env: process.env, ...configPath !== void 0 ? { path: configPath } : {}, overrides: {} })).compare;
}
var compareCommand = {
  summary: "compare two report.json files per dimension, noise-aware; exit 1 on regression",
  async run(argv) {
    let parsed;
    try {
      parsed = parseArgs2({ args: argv, options: options2, strict: true, allowPositionals: true });
    } catch (err) {
      return usageError(describeArgsError(err, options2), help2);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      process.stdout.write(`${help2}
`);
      return EXIT.pass;
    }
    if (positionals.length !== 2) return usageError(`expected BASELINE.json and CANDIDATE.json, found ${positionals.length} paths`, help2);
    let config;
    try {
      config = await baseConfig(values.config);
    } catch (err) {
      if (err instanceof ConfigError) return usageError(err.message, help2);
      throw err;
    }
    const tolerances = { ...config.tolerances };
    for (const t of values.tolerance ?? []) {
      const m = /^([^=]+)=([0-9.]+)$/.exec(t);
      if (!m || !Number.isFinite(Number(m[2]))) return usageError(`--tolerance: expected NAME=VALUE such as perf.*.ttft.p99=0.2, found '${t}'`, help2);
      tolerances[m[1]] = Number(m[2]);
    }
    const overrides = compareConfigSchema.safeParse({
      ...config,
      tolerances,
      ...values.confidence !== void 0 ? { confidence: Number(values.confidence) } : {},
      ...values["allow-dataset-change"] ? { allowDatasetChange: true } : {}
    });
    if (!overrides.success) {
      return usageError(overrides.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join("; "), help2);
    }
    const seed = values.seed === void 0 ? DEFAULT_SEED : external_exports.coerce.number().int().safeParse(values.seed).data;
    if (seed === void 0) return usageError(`--seed: expected an integer, found '${values.seed}'`, help2);
    const [baselinePath, candidatePath] = positionals;
    let baseline;
    let candidate;
    try {
      baseline = await readReportFile(baselinePath);
      candidate = await readReportFile(candidatePath);
    } catch (err) {
      process.stderr.write(`error: ${err.message}
`);
      return EXIT.usage;
    }
    const allowed = external_exports.array(identityFieldSchema).safeParse((values["allow-change"] ?? "").split(",").map((f) => f.trim()).filter(Boolean));
    if (!allowed.success) return usageError(`--allow-change: expected a list of ${IDENTITY_FIELDS.join(", ")}, found '${values["allow-change"]}'`, help2);
    const diffs = identityDifferences(identityOfReport(baseline.report), identityOfReport(candidate.report), [
      ...allowed.data,
      ...overrides.data.allowDatasetChange ? ["dataset"] : []
    ]);
    if (diffs.length > 0) {
      process.stderr.write(`error: ${describeDifferences(baselinePath, diffs)}
`);
      return EXIT.usage;
    }
    const compareConfig = allowed.data.includes("dataset") ? { ...overrides.data, allowDatasetChange: true } : overrides.data;
    const comparison = compareReports(baseline.report, candidate.report, compareConfig, { seed, baselineRef: baselinePath });
    const { verdict, reasons } = verdictFromComparison(comparison);
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ verdict, reasons, comparison }, null, 2)}
`);
    } else {
      process.stdout.write(`${formatComparisonTable(comparison)}
`);
      for (const r of reasons) process.stdout.write(`${verdict === "error" ? "error" : "regression"}: ${r.message}
`);
      process.stdout.write(`verdict: ${verdict}
`);
    }
    return verdict === "pass" ? EXIT.pass : verdict === "fail" ? EXIT.fail : EXIT.usage;
  }
};

// src/cli/commands/demo.ts
import path3 from "node:path";

// src/cli/reason-lines.ts
function reasonLines(reasons) {
  const byDimension = /* @__PURE__ */ new Map();
  for (const r of reasons) {
    const message = r.message.startsWith(`${r.dimension} `) ? r.message.slice(r.dimension.length + 1) : r.message;
    byDimension.set(r.dimension, [...byDimension.get(r.dimension) ?? [], message]);
  }
  return [...byDimension].map(([dimension, messages]) => `${dimension}: ${messages.join("; ")}`);
}

// src/cli/free-port.ts
import net from "node:net";
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

// src/cli/commands/demo.ts
var help3 = `Usage: llm-gate demo [--out DIR]

Runs the whole gate twice against the simulator, started as a server process the way an
image's engine would be: first a good version (v1.0.0), then a regressed one (v1.1.0: slower
decoding and first tokens, wrong answers on part of the eval suite) compared against the first.
The second run fails with its reasons. Exits 0 when the gate judged both as expected.

Options:
  --out DIR   where both runs' report.json, summary.md and report.html go (default llm-gate-demo)`;
var interrupted = (report) => report.reasons.some((r) => r.dimension === "gate" && r.message.startsWith("interrupted by "));
var demoCommand = {
  summary: "gate a good and a regressed simulated server; the second one fails",
  async run(argv) {
    const args = parseCommandArgs(argv, { out: { type: "string", default: "llm-gate-demo" }, help: { type: "boolean", short: "h" } }, help3);
    if (!args.ok) return args.exitCode;
    const values = args.flags;
    const dataset = path3.join(packageRoot(), "datasets", "starter", "v1");
    const goodDir = path3.join(values.out, "v1.0.0");
    const versions = [
      { tag: "v1.0.0", simulatorFlags: ["--ttft-ms", "40", "--tpot-ms", "8"], baseline: "none", expect: "pass" },
      {
        tag: "v1.1.0",
        simulatorFlags: ["--ttft-ms", "60", "--tpot-ms", "11", "--error-rate", "0.3"],
        baseline: path3.join(goodDir, "report.json"),
        expect: "fail"
      }
    ];
    const outcomes = [];
    let asExpected = true;
    for (const v of versions) {
      const port = await freePort();
      const serve = [process.execPath, process.argv[1], "simulate", "--port", String(port), "--load-time", "2s", "--dataset", dataset, "--seed", "7", ...v.simulatorFlags].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
      const config = parseGateConfig(
        {
          target: { command: serve, port },
          readiness: { intervalS: 0.5, progressEveryS: 1 },
          eval: { dataset },
          bench: { concurrency: [4], requests: 64, warmupRequests: 4, slo: { maxErrorRate: 0.01, ttftP99Ms: 2e3 } },
          // The demo's store lives under its own folder: a later real run in this directory must never find the simulator's reports.
          compare: { baseline: v.baseline, storeDir: path3.join(values.out, "baselines") },
          out: path3.join(values.out, v.tag),
          tag: v.tag
        },
        "demo"
      );
      stderrLogger.info(`
##### demo: gating ${v.tag} (expected to ${v.expect})`);
      let result;
      try {
        result = await runGateGuarded(config, { logger: stderrLogger, env: process.env });
      } catch (err) {
        if (err instanceof ConfigError) {
          process.stderr.write(`error: ${err.message}
`);
          return EXIT.usage;
        }
        throw err;
      }
      if (interrupted(result.report)) {
        process.stdout.write(`
llm-gate demo: ${result.report.reasons[0].message} while gating ${v.tag}; report: ${result.reportPath}
`);
        return result.exitCode;
      }
      const verdict = result.report.verdict;
      if (verdict !== v.expect) asExpected = false;
      outcomes.push(`${v.tag}: ${verdictWord(verdict, colourEnabled(process.stdout))} (exit ${result.exitCode}) -> ${result.htmlPath}`);
      for (const line of reasonLines(result.report.reasons)) outcomes.push(`    - ${line}`);
    }
    process.stdout.write(`
llm-gate demo
${outcomes.join("\n")}
`);
    process.stdout.write(asExpected ? "\nThe good version passed and the regressed one was blocked.\n" : "\nThe gate did not judge the demo versions as expected.\n");
    return asExpected ? EXIT.pass : EXIT.fail;
  }
};

// src/cli/commands/eval.ts
import { mkdir as mkdir3, writeFile as writeFile2 } from "node:fs/promises";
import path4 from "node:path";

// src/eval/summary.ts
function qualityFailures(quality) {
  return Object.entries(quality.dimensions).flatMap(([dimension, d]) => {
    const floor = missedFloor(d);
    return floor === void 0 ? [] : [{ dimension, message: `score ${d.score.toFixed(3)} is below the threshold ${floor}` }];
  });
}
function status(d) {
  if (d.calibration && !d.calibration.trusted) return `not gated: judge untrusted (${d.calibration.note ?? "below floor"})`;
  if (d.threshold === void 0) return "-";
  return missedFloor(d) === void 0 ? "pass" : "FAIL";
}
function formatQualityTable(quality, maxFailuresPerDimension = 5) {
  const names = Object.keys(quality.dimensions);
  const width = Math.max(9, ...names.map((n) => n.length));
  const lines = [`${"dimension".padEnd(width)}  score      n  threshold  status`];
  for (const [name, d] of Object.entries(quality.dimensions)) {
    const threshold = d.threshold === void 0 ? "-" : d.threshold.toFixed(2);
    lines.push(`${name.padEnd(width)}  ${d.score.toFixed(3)}  ${String(d.n).padStart(5)}  ${threshold.padEnd(9)}  ${status(d)}`);
  }
  for (const [name, d] of Object.entries(quality.dimensions)) {
    const failing = d.items.filter((i) => i.score < 1);
    if (failing.length === 0 && !d.calibration && !d.judge) continue;
    lines.push("", `${name}:`);
    if (d.judge) lines.push(`  judge ${d.judge.model}, prompt sha256 ${d.judge.promptSha256.slice(0, 12)}`);
    if (d.calibration) {
      const c = d.calibration;
      const kappa = c.kappa === null ? "undefined" : c.kappa.toFixed(2);
      lines.push(`  calibration: ${c.n} human labels, accuracy ${c.accuracy.toFixed(2)}, kappa ${kappa} (floor ${c.floor.kappa}): ${c.trusted ? "trusted" : "NOT trusted"}`);
    }
    for (const item of failing.slice(0, maxFailuresPerDimension)) {
      const why = stripControl(item.error ?? item.reason ?? "").replace(/\s+/g, " ");
      lines.push(`  ${item.score.toFixed(2)}  ${item.id}${item.line ? ` (line ${item.line})` : ""}: ${truncate(why, 160)}`);
    }
    if (failing.length > maxFailuresPerDimension) lines.push(`  \u2026 and ${failing.length - maxFailuresPerDimension} more below 1.0`);
  }
  const { dataset, requests } = quality;
  lines.push("", `dataset ${dataset.name} ${dataset.version}: ${dataset.items} items, sha256 ${dataset.sha256.slice(0, 12)}`);
  if (requests) lines.push(`requests: ${requests.sent} sent, ${requests.retries} retried, ${requests.failed} failed`);
  return lines.join("\n");
}

// src/cli/commands/eval.ts
var help4 = `Usage: llm-gate eval --url URL [options]

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
var flagsSchema2 = external_exports.object({
  url: external_exports.url({ message: "expected a URL such as http://127.0.0.1:8000" }),
  model: external_exports.string().min(1).optional(),
  dataset: external_exports.string().min(1).default("datasets/starter/v1"),
  concurrency: external_exports.coerce.number().int().min(1).default(4),
  timeout: external_exports.coerce.number().positive().default(60),
  retries: external_exports.coerce.number().int().min(0).default(1),
  "max-tokens": external_exports.coerce.number().int().min(1).default(256),
  temperature: external_exports.coerce.number().min(0).default(0),
  seed: external_exports.coerce.number().int().optional(),
  "judge-url": external_exports.url().optional(),
  "judge-model": external_exports.string().min(1).optional(),
  out: external_exports.string().min(1).default("llm-gate-out/quality.json")
});
var options3 = {
  url: { type: "string" },
  model: { type: "string" },
  dataset: { type: "string" },
  concurrency: { type: "string" },
  timeout: { type: "string" },
  retries: { type: "string" },
  "max-tokens": { type: "string" },
  temperature: { type: "string" },
  seed: { type: "string" },
  "judge-url": { type: "string" },
  "judge-model": { type: "string" },
  out: { type: "string" },
  help: { type: "boolean" }
};
var evalCommand = {
  summary: "run an eval dataset against a running server and score it per dimension",
  async run(argv) {
    const parsed = parseCommandFlags(argv, options3, flagsSchema2, help4);
    if (!parsed.ok) return parsed.exitCode;
    const flags = parsed.flags;
    const outProblem = await outFileProblem(flags.out);
    if (outProblem) {
      process.stderr.write(`error: ${outProblem}
`);
      return EXIT.usage;
    }
    let dataset;
    try {
      dataset = await loadDataset(resolveDatasetPath(flags.dataset));
    } catch (err) {
      if (err instanceof DatasetError) {
        process.stderr.write(`error: ${err.message}
`);
        return EXIT.usage;
      }
      throw err;
    }
    const apiKey = process.env.LLM_GATE_API_KEY;
    let model = flags.model;
    if (!model) {
      try {
        const list2 = await openaiClient(flags.url, apiKey, flags.timeout).models.list();
        model = list2.data[0]?.id;
      } catch (err) {
        process.stderr.write(`error: could not list models at ${flags.url}: ${describeRequestError(err)}
`);
        return EXIT.error;
      }
      if (!model) return usageError(`${flags.url}/v1/models lists no model; give --model`, help4);
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
          maxTokens: flags["max-tokens"],
          temperature: flags.temperature,
          seed: flags.seed,
          judge: {
            ...flags["judge-url"] ? { baseURL: flags["judge-url"] } : {},
            ...flags["judge-model"] ? { model: flags["judge-model"] } : {},
            apiKey: process.env.LLM_GATE_JUDGE_API_KEY
          }
        },
        stderrLogger
      );
    } catch (err) {
      if (err instanceof DatasetError) {
        process.stderr.write(`error: ${err.message}
`);
        return EXIT.usage;
      }
      throw err;
    }
    await mkdir3(path4.dirname(path4.resolve(flags.out)), { recursive: true });
    await writeFile2(flags.out, `${JSON.stringify(quality, null, 2)}
`);
    process.stdout.write(`${formatQualityTable(quality)}
wrote ${flags.out}
`);
    if (quality.requests && quality.requests.sent > 0 && quality.requests.failed === quality.dataset.items) {
      process.stderr.write(`error: every request failed; no quality picture could be made
`);
      return EXIT.error;
    }
    const failures = qualityFailures(quality);
    for (const f of failures) process.stdout.write(`FAIL ${f.dimension}: ${f.message}
`);
    return failures.length > 0 ? EXIT.fail : EXIT.pass;
  }
};

// src/cli/commands/report.ts
import { spawn } from "node:child_process";
import { readFile, writeFile as writeFile3 } from "node:fs/promises";
import path5 from "node:path";
import { parseArgs as parseArgs3 } from "node:util";
var help5 = `Usage: llm-gate report REPORT_JSON [--out FILE] [--open]

Writes the self-contained HTML report for a report.json (summary, tables and charts in one
file that needs no network) beside it as ${HTML_FILE}, and prints its path. Every run writes
it already; this rebuilds it, e.g. from a downloaded artifact.

Options:
  --out FILE   where to write the HTML (default: ${HTML_FILE} beside REPORT_JSON)
  --open       open it in the default browser (xdg-open, open or start)
  --help`;
function openInBrowser(file) {
  const [cmd, args] = process.platform === "darwin" ? ["open", [file]] : process.platform === "win32" ? ["cmd", ["/c", "start", "", file]] : ["xdg-open", [file]];
  const child = spawn(cmd, args, { detached: true, stdio: "ignore" });
  child.on("error", (err) => process.stderr.write(`warning: could not open a browser (${err.message}); open ${file} yourself
`));
  child.unref();
}
var reportCommand = {
  summary: "write (and --open) the self-contained HTML report for a report.json",
  async run(argv) {
    let parsed;
    try {
      parsed = parseArgs3({
        args: argv,
        options: { out: { type: "string" }, open: { type: "boolean" }, help: { type: "boolean", short: "h" } },
        strict: true,
        allowPositionals: true
      });
    } catch (err) {
      return usageError(err.message, help5);
    }
    if (parsed.values.help) {
      process.stdout.write(`${help5}
`);
      return EXIT.pass;
    }
    if (parsed.positionals.length !== 1) return usageError("give exactly one report.json", help5);
    const input = parsed.positionals[0];
    let text;
    try {
      text = await readFile(input, "utf8");
    } catch (err) {
      return usageError(`cannot read ${input}: ${err.message}`, help5);
    }
    let json;
    try {
      json = JSON.parse(text);
    } catch (err) {
      return usageError(`${input} is not JSON: ${err.message}`, help5);
    }
    const report = reportSchema.safeParse(json);
    if (!report.success) {
      const issue = report.error.issues[0];
      return usageError(`${input} is not an llm-gate report: ${issue.path.join(".") || "(root)"}: ${issue.message}`, help5);
    }
    const out = parsed.values.out ?? path5.join(path5.dirname(input), HTML_FILE);
    const outProblem = await outFileProblem(out);
    if (outProblem) {
      process.stderr.write(`error: ${outProblem}
`);
      return EXIT.usage;
    }
    await writeFile3(out, renderHtml(report.data));
    process.stdout.write(`${out}
`);
    if (parsed.values.open) openInBrowser(path5.resolve(out));
    return EXIT.pass;
  }
};

// src/cli/commands/history.ts
var help6 = `Usage: llm-gate history [options]

Prints the trend of the key dimensions (TTFT p99, TPOT p50, throughput, mean quality score, seconds
to ready, accepted regressions) over the last N releases stored in a baseline store, one table per
identity line (model and GPU type).

Options:
  --store KIND       local | git | artifacts (default local)
  --store-dir DIR    the local store's folder (default .llm-gate/baselines)
  --git-branch NAME  the git store's branch (default llm-gate-baselines)
  --line LINE        only this identity line (report.json identity.line)
  --last N           releases per line (default 10)
  --markdown         Mermaid charts instead of tables (for a job summary or a comment)`;
var storeKind = external_exports.enum(["local", "git", "artifacts"]);
var historyCommand = {
  summary: "the trend of key dimensions over the last releases in a baseline store",
  async run(argv) {
    const args = parseCommandArgs(
      argv,
      {
        store: { type: "string", default: "local" },
        "store-dir": { type: "string", default: ".llm-gate/baselines" },
        "git-branch": { type: "string", default: "llm-gate-baselines" },
        line: { type: "string" },
        last: { type: "string", default: "10" },
        markdown: { type: "boolean", default: false },
        help: { type: "boolean", short: "h" }
      },
      help6
    );
    if (!args.ok) return args.exitCode;
    const f = args.flags;
    const kind = storeKind.safeParse(f.store);
    const n = Number(f.last);
    if (!kind.success || !Number.isInteger(n) || n < 1) {
      process.stderr.write(`error: ${!kind.success ? `--store: expected local, git or artifacts, found "${f.store}"` : `--last: expected a positive whole number, found "${f.last}"`}
`);
      return EXIT.usage;
    }
    let result;
    let storedLines = [];
    let where;
    try {
      const store = createStore({ store: kind.data, storeDir: f["store-dir"], gitBranch: f["git-branch"] }, process.env);
      where = store.name;
      result = await readHistory(store, { n, ...f.line !== void 0 ? { line: f.line } : {} });
      if (f.line !== void 0 && result.lines.every((l) => l.points.length === 0)) {
        storedLines = [...new Set((await store.list()).flatMap((r) => r.kind === "tag" && r.line !== void 0 ? [r.line] : []))].sort();
      }
    } catch (err) {
      process.stderr.write(`error: ${errorText(err)}
`);
      return EXIT.error;
    }
    for (const note of result.notes) process.stderr.write(`warning: ${note}
`);
    if (result.lines.every((l) => l.points.length === 0)) {
      if (f.line === void 0) process.stdout.write(`no releases stored yet in ${where}
`);
      else process.stdout.write(`no releases stored for line ${f.line} in ${where}${storedLines.length > 0 ? `; it holds lines ${storedLines.join(", ")}` : ""}
`);
      return EXIT.pass;
    }
    for (const l of result.lines) {
      if (l.points.length === 0) continue;
      const body = f.markdown ? trendCharts(l.points, l.line) || "(one release: no trend yet)" : trendTable(l.points);
      process.stdout.write(`${f.markdown ? "### " : ""}line ${l.line}

${body}

`);
    }
    return EXIT.pass;
  }
};

// src/cli/commands/merge.ts
import { mkdir as mkdir4, writeFile as writeFile4 } from "node:fs/promises";
import path6 from "node:path";
import { parseArgs as parseArgs4 } from "node:util";
var help7 = `Usage: llm-gate merge [--out DIR] REPORT.json|GLOB...

Combines the reports of a matrix (one gate per GPU type or model, each compared with its own baseline
line) into one verdict: the worst cell's. Writes DIR/merged.json and DIR/summary.md (default
llm-gate-merged). Exit: 0 all passed, 1 a cell failed, 3 a cell could not finish, 2 bad usage or a
pattern that matches no report.`;
var mergeCommand = {
  summary: "combine a matrix's reports into one verdict and summary",
  async run(argv) {
    let values;
    let positionals;
    try {
      ({ values, positionals } = parseArgs4({ args: argv, options: { out: { type: "string" }, help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true }));
    } catch (err) {
      process.stderr.write(`error: ${err.message}

${help7}
`);
      return EXIT.usage;
    }
    if (values.help) {
      process.stdout.write(`${help7}
`);
      return EXIT.pass;
    }
    if (positionals.length === 0) {
      process.stderr.write(`error: name the reports to merge

${help7}
`);
      return EXIT.usage;
    }
    let cells;
    try {
      cells = await readCells(positionals);
    } catch (err) {
      process.stderr.write(`error: ${err.message}
`);
      return EXIT.usage;
    }
    const merged = mergeCells(cells);
    const out = values.out ?? "llm-gate-merged";
    await mkdir4(out, { recursive: true });
    await writeFile4(path6.join(out, "merged.json"), `${JSON.stringify(merged, null, 2)}
`);
    await writeFile4(path6.join(out, "summary.md"), mergedMarkdown(merged, cells));
    process.stdout.write(`llm-gate merge: ${merged.verdict.toUpperCase()} (${cells.length} cells)
`);
    for (const c of merged.cells) process.stdout.write(`  ${c.verdict.toUpperCase().padEnd(5)} ${c.name}${c.baseline ? ` vs ${c.baseline}` : ""}
`);
    for (const r of mergedReasons(merged)) process.stdout.write(`  - ${r.dimension}: ${r.message}
`);
    return merged.verdict === "pass" ? EXIT.pass : merged.verdict === "fail" ? EXIT.fail : EXIT.error;
  }
};

// src/compare/plan.ts
function planDetectable(input) {
  const looks = input.sequential ? Math.ceil(input.sequential.maxRequests / input.sequential.roundRequests) : 1;
  const at = (requestsOf) => {
    const specs = input.dimensions.map((d) => {
      const name = `quality.${d.name}`;
      const measured = input.instability?.[d.name];
      return {
        kind: "quality",
        name,
        items: d.items,
        tolerance: toleranceFor(name, input.compare.tolerances, d.tolerance ?? input.compare.qualityTolerance),
        instability: measured ?? input.assumedInstability ?? 0,
        instabilitySource: measured === void 0 ? "assumed" : "measured"
      };
    });
    for (const p of input.profiles) {
      const baselineRun = input.baseline?.performance?.runs.find((r) => r.profile === p.profile);
      const requests = requestsOf(p);
      specs.push(
        ...perfSpecs(p.profile, {
          latencyMetrics: input.compare.latencyMetrics,
          requests,
          baselineRequests: baselineRun?.ok ?? requests,
          blockSize: p.blockSize,
          looks,
          config: input.compare,
          ...baselineRun ? { baselineRun } : {}
        })
      );
    }
    return detectableEffects(specs, {
      confidence: input.compare.confidence,
      tests: familySize(specs),
      ...input.power ? { power: input.power } : {},
      ...input.targets ? { targets: input.targets } : {}
    });
  };
  const first = at((p) => p.requests);
  if (!input.sequential) return { first };
  const max = input.sequential.maxRequests;
  return { first, sequential: { ...at((p) => Math.max(max, p.requests)), maxRequests: max } };
}
function familySize(specs) {
  let m = 0;
  const profiles = /* @__PURE__ */ new Set();
  for (const s of specs) {
    if (s.kind === "quality") {
      if (s.items >= MIN_UNITS) m++;
      continue;
    }
    const n = Math.min(s.requests, s.baselineRequests);
    const tail = s.q === void 0 ? 0 : MIN_TAIL_VALUES / (1 - s.q) - 1e-9;
    if (n / s.blockSize >= MIN_UNITS && n >= tail) m++;
    if (!profiles.has(profileOf(s.name)) && n >= MIN_UNITS) {
      profiles.add(profileOf(s.name));
      m++;
    }
  }
  return Math.max(1, m);
}
function profileOf(name) {
  return name.split(".").slice(0, 2).join(".");
}
var pct2 = (x) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;
var pts = (x) => `${(x * 100).toFixed(1)} pts`;
function mdeText(row) {
  if (row.mde === null) return row.kind === "quality" ? "none (too few items)" : `not decided (${row.note?.replace("not decided: ", "") ?? ""})`;
  if (row.kind === "quality") return `-${pts(row.mde)}`;
  return row.kind === "throughput" ? `-${pct2(row.mde)}` : `+${pct2(row.mde)}`;
}
function neededText(row) {
  if (!row.needed) return "";
  if (row.needed.units === null) return `never (within the ${row.kind === "quality" ? pts(row.tolerance) : pct2(row.tolerance)} tolerance)`;
  return String(row.needed.units);
}
function pad(cells, widths) {
  return cells.map((c, i) => i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])).join("  ").trimEnd();
}
function formatPlan(plan, subject) {
  const { first, sequential } = plan;
  const drop = first.rows.find((r) => r.kind === "quality")?.needed?.change ?? 0.05;
  const change = first.rows.find((r) => r.kind !== "quality")?.needed?.change ?? 0.2;
  const lines = [
    `llm-gate plan: what this suite and bench can catch against a baseline, before any GPU time`,
    `family-wise confidence ${pct2(first.confidence)}, ${first.tests} dimensions tested (Bonferroni), power ${pct2(first.power)}: "smallest caught" is the smallest regression the gate flags in ${pct2(first.power)} of runs`
  ];
  const quality = first.rows.filter((r) => r.kind === "quality");
  if (quality.length > 0) {
    const spread = quality.every((r) => r.spread.source === "assumed") ? `${quality[0].spread.value === 0 ? "answers assumed to repeat exactly between runs" : `${pct2(quality[0].spread.value)} of items assumed to change between runs`} (--repeat A.json --repeat B.json measures it)` : "instability measured from repeats";
    lines.push("", `quality${subject.dataset ? `: ${subject.dataset}` : ""}; ${spread}`);
    const w = [34, 6, 11, 13, 22, 26];
    lines.push(pad(["dimension", "items", "tolerance", "instability", "smallest drop caught", `items for -${pts(drop)}`], w));
    for (const r of quality) lines.push(pad([r.dimension, String(r.units), pts(r.tolerance), pct2(r.spread.value), mdeText(r), neededText(r)], w));
  }
  const perf = first.rows.filter((r) => r.kind !== "quality");
  if (perf.length > 0) {
    const assumed = perf.some((r) => r.spread.source === "assumed");
    lines.push(
      "",
      `latency and throughput${subject.bench ? `: ${subject.bench}` : ""}; spread ${assumed ? "ASSUMED (lognormal guess per metric; --baseline REPORT measures it)" : "measured from the baseline's samples"}`
    );
    const seqHead = sequential ? `at ${sequential.maxRequests} (sequential)` : "";
    const w = [36, 8, 9, 30, sequential ? 22 : 0, 30];
    lines.push(pad(["dimension", "requests", "tolerance", "smallest change caught", seqHead, `requests for ${pct2(change)} worse`], w));
    for (const r of perf) {
      const s = sequential?.rows.find((x) => x.dimension === r.dimension);
      lines.push(pad([r.dimension, String(r.units), pct2(r.tolerance), mdeText(r), s ? mdeText(s) : "", neededText(r)], w));
    }
  }
  const can = first.rows.filter((r) => r.needed && r.mde !== null && r.mde <= r.needed.change).map((r) => r.dimension);
  const cannot = first.rows.filter((r) => !(r.needed && r.mde !== null && r.mde <= r.needed.change)).map((r) => r.dimension);
  lines.push(
    "",
    `catches ${quality.length > 0 ? `a ${pts(drop)} drop or ` : ""}a ${pct2(change)} slowdown on: ${can.length > 0 ? can.join(", ") : "none"}`,
    `cannot catch it on: ${cannot.length > 0 ? cannot.join(", ") : "none"}`
  );
  return lines.join("\n");
}

// src/cli/commands/plan.ts
var help8 = `Usage: llm-gate plan [--config FILE] [--dataset PATH] [options]

Says, before any GPU time is spent, which regressions the configured suite and bench can catch
against a baseline and which they cannot: for every dimension the comparison will test, the
smallest drop (quality, score points) or change (latency, throughput) the gate flags in --power
of runs at the config's family-wise confidence, Bonferroni-adjusted across dimensions and
sequential looks, and the items or requests it would need for the target regression.
Nothing is run; the config's target is not used. See docs/compare.md ("What a suite can see").
Exit: 0 the plan was printed, 2 bad usage, config or dataset.

Options:
  -c, --config FILE      llm-gate.yml (default: ./llm-gate.yml when present, else the defaults)
  --dataset PATH         the eval suite instead of the config's (default datasets/starter/v1)
  --baseline FILE        a baseline report.json: its samples give the latency spread (else assumed)
  --repeat FILE          a report of the same model and dataset; give two (A/A runs) to measure how
                         often answers change between runs (else --instability)
  --instability F        share of items whose score differs between two runs, 0..1 (default 0:
                         a temperature-0 model on a deterministic engine)
  --power P              detection probability the figures are for (default ${DEFAULT_POWER})
  --drop PTS             quality drop to size the suite for, in points 0..1 (default 0.05)
  --change F             latency rise / throughput fall to size the bench for (default 0.20)
  --json                 print the plan as JSON
  --help`;
var options4 = {
  config: { type: "string", short: "c" },
  dataset: { type: "string" },
  baseline: { type: "string" },
  repeat: { type: "string", multiple: true },
  instability: { type: "string" },
  power: { type: "string" },
  drop: { type: "string" },
  change: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" }
};
var share = (lo, hi) => external_exports.coerce.number().gt(lo).lt(hi);
var flagsSchema3 = external_exports.object({
  config: external_exports.string().optional(),
  dataset: external_exports.string().optional(),
  baseline: external_exports.string().optional(),
  repeat: external_exports.array(external_exports.string()).refine((r) => r.length === 2, "give exactly two reports (two runs of the same model)").optional(),
  instability: external_exports.coerce.number().min(0).max(1).optional(),
  power: share(0.5, 1).default(DEFAULT_POWER),
  drop: share(0, 1).default(0.05),
  change: share(0, 1).default(0.2),
  json: external_exports.boolean().optional(),
  help: external_exports.boolean().optional()
});
var planCommand = {
  summary: "before any GPU time: which regressions this suite and bench can and cannot catch",
  async run(argv) {
    const parsed = parseCommandFlags(argv, options4, flagsSchema3, help8);
    if (!parsed.ok) return parsed.exitCode;
    const f = parsed.flags;
    try {
      const config = await loadGateConfig({
        env: process.env,
        ...f.config !== void 0 ? { path: f.config } : {},
        overrides: { url: "http://127.0.0.1/", ...f.dataset !== void 0 ? { dataset: f.dataset } : {} },
        // The same check as the gate's before it boots: a floor that names no dimension would never apply.
        datasetDimensions: datasetDimensionNames
      });
      const dataset = config.eval.enabled ? await loadDataset(resolveDatasetPath(config.eval.dataset)) : void 0;
      const dimensions = dataset ? Object.entries(dataset.manifest.dimensions).map(([name, spec]) => ({
        name,
        items: dataset.items.filter((it) => it.scoring[name] !== void 0).length,
        ...spec.tolerance !== void 0 ? { tolerance: spec.tolerance } : {}
      })) : [];
      const bench = config.bench;
      const profiles = bench.enabled ? sweepShapes(bench).map((shape) => ({
        profile: stepProfile(shape),
        requests: bench.requests,
        blockSize: shape.mode === "concurrency" ? shape.concurrency : shape.maxConcurrency ?? 4
      })) : [];
      let baseline;
      if (f.baseline !== void 0) baseline = (await readReportFile(f.baseline)).report;
      let instability;
      if (f.repeat) {
        const [a, b] = await Promise.all(f.repeat.map(async (p) => (await readReportFile(p)).report));
        instability = Object.fromEntries(Object.entries(instabilityFromRepeats(a, b)).map(([k, v]) => [k, v.instability]));
      }
      const plan = planDetectable({
        dimensions,
        profiles,
        compare: config.compare,
        ...bench.sequential.enabled ? { sequential: { maxRequests: Math.max(bench.sequential.maxRequests, bench.requests), roundRequests: bench.sequential.roundRequests ?? bench.requests } } : {},
        ...baseline ? { baseline } : {},
        ...instability ? { instability } : {},
        assumedInstability: f.instability ?? 0,
        power: f.power,
        targets: { drop: f.drop, change: f.change }
      });
      if (f.json) {
        process.stdout.write(`${JSON.stringify(plan, null, 2)}
`);
      } else {
        const datasetLabel = dataset ? `${dataset.manifest.name}@${dataset.manifest.version}, ${dataset.items.length} items` : void 0;
        const benchLabel = profiles.length > 0 ? `${profiles.map((p) => p.profile).join(", ")}, ${bench.requests} requests a step` : void 0;
        process.stdout.write(`${formatPlan(plan, { ...datasetLabel ? { dataset: datasetLabel } : {}, ...benchLabel ? { bench: benchLabel } : {} })}
`);
      }
      return EXIT.pass;
    } catch (err) {
      if (err instanceof ConfigError || err instanceof DatasetError) return usageError(err.message, help8);
      if (err instanceof ReportReadError || err instanceof Error && /report/i.test(err.message)) {
        process.stderr.write(`error: ${err.message}
`);
        return EXIT.usage;
      }
      throw err;
    }
  }
};

// src/cli/gate-flags.ts
var gateFlagOptions = {
  config: { type: "string", short: CONFIG_FILE_OPTION.flag.short },
  ...Object.fromEntries(SETTING_NAMES.map((name) => [name, { type: "string", ...SETTINGS[name].flag.multiple ? { multiple: true } : {} }])),
  help: { type: "boolean", short: "h" }
};
var HELP_WIDTH = 100;
var HELP_COLUMN = 23;
function helpLine(flag, text) {
  const head = `  ${flag}`;
  const indent = " ".repeat(HELP_COLUMN);
  const lines = [];
  let line = head.length + 2 <= HELP_COLUMN ? head.padEnd(HELP_COLUMN) : `${head}  `;
  let empty = true;
  for (const word of text.split(" ")) {
    if (!empty && line.length + 1 + word.length > HELP_WIDTH) {
      lines.push(line);
      line = indent;
      empty = true;
    }
    line = empty ? `${line}${word}` : `${line} ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines.join("\n");
}
function withDefault(help11, shown) {
  return shown === void 0 ? help11 : `${help11} (default: ${shown})`;
}
function settingHelp(name) {
  const s = SETTINGS[name];
  return helpLine(`--${name} ${s.flag.arg}`, withDefault(s.flag.help, shownDefault(s)));
}
var gateFlagHelp = [
  "Target (one of):",
  ...SETTING_NAMES.filter((name) => SETTINGS[name].merge === "target").map(settingHelp),
  "Settings:",
  helpLine(`-${CONFIG_FILE_OPTION.flag.short}, --config ${CONFIG_FILE_OPTION.flag.arg}`, withDefault(CONFIG_FILE_OPTION.flag.help, CONFIG_FILE_OPTION.defaultText)),
  ...SETTING_NAMES.filter((name) => SETTINGS[name].merge !== "target").map(settingHelp)
].join("\n");
function overridesFromFlags(values) {
  return readOverrides(
    SETTING_NAMES,
    (name) => {
      const value = values[name];
      return value === void 0 ? void 0 : typeof value === "string" ? [value] : value;
    },
    (name) => `--${name}`
  );
}

// src/cli/commands/run.ts
var help9 = `Usage: llm-gate run [options]

Boots the target, waits for a real inference, runs the eval suite and the load benchmark,
compares with the baseline, writes OUT/report.json, OUT/summary.md, OUT/report.html and, with
probe advice, OUT/k8s-probes.yaml. Against a baseline each load step is sampled in rounds of
--requests until the comparison is decided, up to 512 requests a step (bench.sequential).
Exit: 0 pass, 1 regression or quality/SLO failure, 2 bad usage/config/dataset, 3 could not finish
(also interrupted by SIGINT/SIGTERM/SIGHUP: the target is stopped and the report written first).

${gateFlagHelp}`;
var runCommand = {
  summary: "run the whole gate on one target",
  async run(argv) {
    const args = parseCommandArgs(argv, gateFlagOptions, help9);
    if (!args.ok) return args.exitCode;
    const values = args.flags;
    let result;
    try {
      const config = await loadGateConfig({ env: process.env, path: values.config, overrides: overridesFromFlags(values), datasetDimensions: datasetDimensionNames });
      result = await runGateGuarded(config, { logger: stderrLogger, env: process.env });
    } catch (err) {
      if (err instanceof ConfigError) {
        process.stderr.write(`error: ${err.message}
`);
        return EXIT.usage;
      }
      throw err;
    }
    const { report } = result;
    const { hygiene, probes } = report.extras ?? {};
    const lines = [
      ...hygiene ? hygieneText(hygiene) : [],
      ...probes && result.probesPath !== void 0 ? probesText(probes, result.probesPath) : []
    ];
    if (lines.length > 0) process.stdout.write(`
${lines.join("\n")}
`);
    process.stdout.write(`
llm-gate: ${verdictWord(report.verdict, colourEnabled(process.stdout))}
`);
    for (const line of reasonLines(report.reasons)) process.stdout.write(`  - ${line}
`);
    process.stdout.write(`report: ${result.reportPath}
summary: ${result.summaryPath}
html: ${result.htmlPath}
`);
    return result.exitCode;
  }
};

// src/cli/commands/simulate.ts
import { parseArgs as parseArgs5 } from "node:util";

// src/eval/reference-answers.ts
async function referenceAnswers(path7) {
  const dataset = await loadDataset(path7);
  const answers = [];
  for (const item of dataset.items) {
    const prompt = item.messages.findLast((m) => m.role === "user")?.content;
    if (item.reference !== void 0 && prompt) answers.push({ prompt, reference: item.reference });
  }
  return answers;
}

// src/sim/options.ts
var simulatedAnswerSchema = external_exports.object({
  /** Matched against the last user message: equal first, else the longest prompt it contains. */
  prompt: external_exports.string().min(1),
  reference: external_exports.string()
});
var hangModeSchema = external_exports.enum(["off", "no-response", "after-first-chunk"]);
var simulatorFaultsSchema = external_exports.object({
  /** The server dies when inference request number N+1 arrives (only /v1 requests count). */
  crashAfterRequests: external_exports.number().int().min(0).optional(),
  /** The server dies this long after it started, whatever it is doing (a crash during loading). */
  crashAfterMs: external_exports.number().min(0).optional(),
  /** 'no-response': accept and never answer; 'after-first-chunk': a stream stalls after its first token. */
  hang: hangModeSchema.default("off"),
  /** Emit one data line that is not JSON in the middle of every stream. */
  malformedSse: external_exports.boolean().default(false),
  /** Probability that an inference request is answered with HTTP 500 (seeded per request number). */
  httpErrorRate: external_exports.number().min(0).max(1).default(0),
  /**
   * Probability that a stream fails halfway, the HTTP status already 200: an in-band `data: {"error":…}` event and
   * the stream ends with no finish chunk, usage or [DONE]; as llama.cpp, an SSE `error:` field and then
   * `data: [DONE]` (the personality's stream.errorEvent).
   */
  streamErrorRate: external_exports.number().min(0).max(1).default(0),
  /**
   * Server-wide stalls at random moments (a GC pause, a noisy neighbour, a scheduler hiccup): every running
   * stream pauses for stallMs. Starts are a seeded Poisson process with this mean gap; 0 turns stalls off.
   */
  stallEveryMs: external_exports.number().min(0).default(0),
  stallMs: external_exports.number().min(0).default(0),
  /** hang, malformedSse, httpErrorRate and streamErrorRate spare the first N inference requests (so readiness can pass). */
  afterRequests: external_exports.number().int().min(0).default(0)
});
var simulatorOptionsSchema = external_exports.object({
  host: external_exports.string().min(1).default("127.0.0.1"),
  /** 0 picks a free port. */
  port: external_exports.number().int().min(0).max(65535).default(0),
  model: external_exports.string().min(1).default("sim-model"),
  /**
   * Reproduce an engine's observable behaviour (its personality in the engine registry, src/engines/). Without
   * it: the port opens at once and /health and the API answer 503 until loaded, with vLLM's framing and metric names.
   */
  engine: external_exports.enum(ENGINE_NAMES).optional(),
  /** Time to load the model: how the server behaves meanwhile depends on the engine's readiness mode. */
  loadTimeMs: external_exports.number().min(0).default(0),
  /** Base time to first token, plus prefillMsPerToken for each prompt token. */
  ttftMs: external_exports.number().min(0).default(40),
  prefillMsPerToken: external_exports.number().min(0).default(0.02),
  /** Time per output token after the first (TPOT). */
  decodeMsPerToken: external_exports.number().min(0).default(8),
  /** Latency factor = 1 + slowdownPerActive * (running requests - 1), re-read at every token. */
  slowdownPerActive: external_exports.number().min(0).default(0.02),
  /** Relative jitter: each delay is multiplied by a seeded uniform factor in [1 - jitter, 1 + jitter]. */
  jitter: external_exports.number().min(0).max(1).default(0.05),
  seed: external_exports.number().int().default(1),
  /** Requests beyond this many running ones wait in a queue; default: the engine's (256, llama.cpp 4, Ollama 1). */
  maxRunning: external_exports.number().int().min(1).optional(),
  /** Context length: the default max_tokens is what the prompt leaves of it. */
  maxModelLen: external_exports.number().int().min(1).default(8192),
  /** KV-cache capacity in tokens, for the cache-usage gauge. */
  kvCacheTokens: external_exports.number().int().min(1).default(262144),
  /** Length of the filler answer to prompts without a known reference. */
  fillerTokens: external_exports.number().int().min(1).default(32),
  answers: external_exports.array(simulatedAnswerSchema).default([]),
  /** Probability that an answered prompt gets a wrong answer; drawn once per prompt, so stable across runs. */
  errorRate: external_exports.number().min(0).max(1).default(0),
  faults: simulatorFaultsSchema.prefault({}),
  /** Keep per-request send times of every content chunk (see RunningSimulator.sendTimes). */
  recordSendTimes: external_exports.boolean().default(false)
});

// src/sim/personalities.ts
var personalities = Object.fromEntries(
  ENGINES.map((e) => [e.name, { engine: e.name, ...e.personality }])
);
var simulatorPersonality = {
  ...personalities.vllm,
  engine: "simulator",
  readiness: "open-503",
  probes: [{ path: "/health", ready: answer(200, "", TEXT_TYPE), loading: answer(503, '{"error":{"message":"The model is still loading.","type":"ServiceUnavailableError","param":null,"code":503}}') }],
  loadingAnswer: { ...answer(503, '{"error":{"message":"The model is still loading; try again later.","type":"ServiceUnavailableError","param":null,"code":503}}'), allPaths: false },
  headers: {}
};

// src/sim/random.ts
function hash32(...parts) {
  let h = 2166136261;
  for (const part of parts) {
    const s = `${String(part)}\0`;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 16777619);
    }
  }
  return h >>> 0;
}
function unitFromKey(...parts) {
  return mulberry32(hash32(...parts))();
}

// src/sim/answers.ts
var FILLER_WORDS = [
  "the",
  "model",
  "returns",
  "a",
  "plausible",
  "sentence",
  "about",
  "serving",
  "latency",
  "and",
  "tokens",
  "while",
  "the",
  "scheduler",
  "batches",
  "requests",
  "on",
  "one",
  "device",
  "with",
  "care"
];
function fillerText(prompt, tokens, seed) {
  const rng = mulberry32(hash32(seed, "filler", prompt));
  const words = [];
  for (let i = 0; i < tokens; i++) {
    words.push(i % 12 === 11 ? "." : FILLER_WORDS[Math.floor(rng() * FILLER_WORDS.length)]);
  }
  return words.map((w, i) => i === 0 || w === "." ? w : ` ${w}`).join("");
}
function wrongAnswer(reference) {
  const trimmed = reference.trim();
  if (/^-?\d+$/.test(trimmed)) return String(BigInt(trimmed) + 1n);
  if (/^-?\d+\.\d+$/.test(trimmed)) return String(Number(trimmed) + 1);
  const candidate = "I am not sure.";
  return candidate.toLowerCase().includes(trimmed.toLowerCase()) ? "No idea." : candidate;
}
var normalize = (s) => s.trim().replace(/\s+/g, " ");
function answerBook(answers, errorRate, fillerTokens, seed) {
  const exact = /* @__PURE__ */ new Map();
  for (const a of answers) exact.set(normalize(a.prompt), a);
  const byLength = [...exact.values()].sort((a, b) => b.prompt.length - a.prompt.length);
  return {
    answer(prompt) {
      const key = normalize(prompt);
      const hit = exact.get(key) ?? byLength.find((a) => key.includes(normalize(a.prompt)));
      if (!hit) return fillerText(key, fillerTokens, seed);
      return unitFromKey(seed, "error", normalize(hit.prompt)) < errorRate ? wrongAnswer(hit.reference) : hit.reference;
    }
  };
}

// src/sim/context.ts
import { performance } from "node:perf_hooks";

// src/sim/wire.ts
var contentPartSchema = external_exports.object({ type: external_exports.string(), text: external_exports.string().optional() }).loose();
var chatRequestSchema = external_exports.object({
  model: external_exports.string().optional(),
  messages: external_exports.array(
    external_exports.object({ role: external_exports.string(), content: external_exports.union([external_exports.string(), external_exports.array(contentPartSchema), external_exports.null()]).optional() }).loose()
  ).min(1),
  stream: external_exports.boolean().nullish(),
  stream_options: external_exports.object({ include_usage: external_exports.boolean().nullish() }).loose().nullish(),
  max_tokens: external_exports.number().int().min(1).nullish(),
  max_completion_tokens: external_exports.number().int().min(1).nullish(),
  min_tokens: external_exports.number().int().min(0).nullish(),
  ignore_eos: external_exports.boolean().nullish()
}).loose();
var completionRequestSchema = external_exports.object({
  model: external_exports.string().optional(),
  prompt: external_exports.union([external_exports.string(), external_exports.array(external_exports.string()).min(1)]),
  stream: external_exports.boolean().nullish(),
  stream_options: external_exports.object({ include_usage: external_exports.boolean().nullish() }).loose().nullish(),
  max_tokens: external_exports.number().int().min(1).nullish(),
  min_tokens: external_exports.number().int().min(0).nullish(),
  ignore_eos: external_exports.boolean().nullish()
}).loose();
function messageText(m) {
  if (typeof m.content === "string") return m.content;
  if (Array.isArray(m.content)) return m.content.map((p) => p.text ?? "").join("");
  return "";
}
function lastUserText(messages) {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i].role === "user") return messageText(messages[i]);
  return "";
}
var usageOf = (prompt, completion) => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion
});
function errorBody(shape, message, type, status2) {
  switch (shape) {
    case "openai":
      return JSON.stringify({ error: { message, type, param: null, code: status2 } });
    case "openai-null-code":
      return JSON.stringify({ error: { message, type, param: null, code: null } });
    case "llamacpp":
      return JSON.stringify({ error: { code: status2, message, type } });
    case "tgi":
      return JSON.stringify({ error: message, error_type: type });
    case "object-error":
      return JSON.stringify({ object: "error", message, type, param: null, code: status2 });
  }
}
var Framer = class {
  #head;
  #usageHead;
  #framing;
  #tail;
  #chat;
  constructor(framing, kind, id, model, created) {
    this.#chat = kind === "chat";
    const object = this.#chat ? "chat.completion.chunk" : "text_completion";
    const common = `"object":"${object}","created":${created},"model":${JSON.stringify(model)},${framing.chunkFields}`;
    this.#framing = framing;
    this.#head = `{"id":${JSON.stringify(id)},${common}"choices":[{"index":0,${this.#chat ? '"delta"' : '"text"'}:`;
    this.#usageHead = `{"id":${JSON.stringify(framing.usageChunkId ?? id)},${common}"choices":[],"usage":`;
    this.#tail = this.#chat ? `,${framing.choiceFields}"finish_reason":` : ',"logprobs":null,"finish_reason":';
  }
  /** The frame(s) for visible token k, with the role chunk before the first where the engine sends one. */
  token(text, k, finish) {
    if (!this.#chat) return this.#frame(JSON.stringify(text), finish);
    const f = this.#framing;
    let out = "";
    if (k === 0 && f.role === "own-chunk") out = this.#frame(`{"role":"assistant","content":""}`, null);
    else if (k === 0 && f.role === "own-chunk-null") out = this.#frame(`{"role":"assistant","content":null}`, null);
    const withRole = f.role === "every-chunk" || f.role === "first-token" && k === 0;
    return out + this.#frame(`{${withRole ? '"role":"assistant",' : ""}"content":${JSON.stringify(text)}}`, finish);
  }
  /** Whether this stream sends usage even when the request did not ask for it. */
  get usageAlways() {
    return this.#chat ? this.#framing.usageUnasked : this.#framing.textUsageAlways;
  }
  /** Everything after the last token: finish chunk, usage, the engine's final fields, [DONE]. */
  end(finish, usage3) {
    const f = this.#framing;
    const bodies = [];
    const usageJson = usage3 === null ? null : JSON.stringify(usage3);
    const usageInFinish = usageJson !== null && (f.usage === "finish-chunk" || !this.#chat && f.textUsageAlways);
    if (f.finish === "own-chunk") {
      bodies.push(`${this.#head}${this.#chat ? "{}" : '""'}${this.#tail}"${finish}"}]${usageInFinish ? `,"usage":${usageJson}` : ""}}`);
    }
    if (usageJson !== null && !(usageInFinish && f.finish === "own-chunk")) bodies.push(`${this.#usageHead}${usageJson}}`);
    let out = "";
    for (const [i, body] of bodies.entries()) {
      const last = i === bodies.length - 1 && f.finalFields !== "";
      out += `data: ${last ? `${body.slice(0, -1)}${f.finalFields}}` : body}

`;
    }
    return `${out}data: [DONE]

`;
  }
  /** A data line cut off mid-object, as a buggy proxy or engine would emit. */
  malformed() {
    return `data: ${this.#head}{"content":

`;
  }
  #frame(delta, finish) {
    return `data: ${this.#head}${delta}${this.#tail}${finish === null ? "null" : `"${finish}"`}}]}

`;
  }
};

// src/sim/context.ts
var epochMs = () => performance.timeOrigin + performance.now();
function createContext(opts, persona, log, book) {
  const startedAt = performance.now();
  return {
    opts,
    persona,
    log,
    book,
    startedAt,
    created: Math.floor(Date.now() / 1e3),
    counters: { requests: 0, inference: 0, completed: 0, errors: 0, promptTokens: 0, generationTokens: 0, generationTokensFinished: 0 },
    finished: { stop: 0, length: 0, abort: 0 },
    timings: /* @__PURE__ */ new Map(),
    deferred: /* @__PURE__ */ new Set(),
    closingSockets: /* @__PURE__ */ new WeakSet(),
    crashed: false,
    closing: false,
    // A lazily loading engine starts its clock on the first inference request.
    loadedAt: persona.readiness === "lazy" ? void 0 : startedAt + opts.loadTimeMs
  };
}
var loaded = (ctx) => ctx.loadedAt !== void 0 && performance.now() >= ctx.loadedAt;
var warmingUp = (ctx) => ctx.loadedAt !== void 0 && performance.now() < ctx.loadedAt + ctx.persona.warmupMs;
var usage = (ctx, prompt, completion) => ({ ...usageOf(prompt, completion), ...ctx.persona.usageFields });
function send(ctx, res, a) {
  if (a.status >= 400) ctx.counters.errors++;
  res.writeHead(a.status, { "content-type": a.contentType, "content-length": Buffer.byteLength(a.body) }).end(a.body);
}
function sendError(ctx, res, kind, message) {
  send(ctx, res, { status: kind.status, body: errorBody(ctx.persona.errors.shape, message, kind.type, kind.status), contentType: ctx.persona.jsonContentType });
}

// src/sim/http-server.ts
import { createServer } from "node:http";
var MAX_BODY_BYTES = 8 * 1024 * 1024;
function createHttpServer(ctx, route) {
  const sockets = /* @__PURE__ */ new Set();
  const server = createServer((req, res) => {
    if (ctx.closingSockets.has(req.socket)) {
      req.socket.destroy();
      return;
    }
    const parts = [];
    let size = 0;
    req.on("data", (b) => {
      size += b.length;
      if (size <= MAX_BODY_BYTES) parts.push(b);
    });
    req.on("end", () => {
      if (ctx.crashed) return;
      if (size > MAX_BODY_BYTES) return sendError(ctx, res, ctx.persona.errors.badRequest, `The request body exceeds ${MAX_BODY_BYTES} bytes.`);
      route(req, res, Buffer.concat(parts).toString("utf8"));
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  return { server, sockets };
}

// src/sim/faults.ts
var StallSchedule = class {
  faults;
  rng;
  nextStallAt;
  stallUntil = 0;
  /** `startedAt`: performance.now() the schedule counts from. */
  constructor(faults, seed, startedAt) {
    this.faults = faults;
    this.rng = mulberry32(hash32(seed, "stalls", 0));
    this.nextStallAt = faults.stallEveryMs > 0 ? startedAt + this.gap() : Infinity;
  }
  gap() {
    return -Math.log(1 - this.rng()) * this.faults.stallEveryMs;
  }
  /** The end of the stall under way at `now` (0 when none): tokens due meanwhile wait for it. */
  stalledUntil(now) {
    while (now >= this.nextStallAt) {
      this.stallUntil = Math.max(this.stallUntil, this.nextStallAt + this.faults.stallMs);
      this.nextStallAt += this.gap();
    }
    return now < this.stallUntil ? this.stallUntil : 0;
  }
};
function requestFaults(faults, seed, n, stream) {
  const faulty = n > faults.afterRequests;
  return {
    faulty,
    httpError: faulty && faults.httpErrorRate > 0 && unitFromKey(seed, "http-error", n) < faults.httpErrorRate,
    noResponse: faulty && faults.hang === "no-response",
    streamError: faulty && stream && faults.streamErrorRate > 0 && unitFromKey(seed, "stream-error", n) < faults.streamErrorRate
  };
}

// src/sim/tokenizer.ts
var TOKEN = /\s*(?:[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_])/gu;
function tokenize(text) {
  const tokens = text.match(TOKEN) ?? [];
  const consumed = tokens.reduce((n, t) => n + t.length, 0);
  if (consumed < text.length) {
    const rest = text.slice(consumed);
    if (tokens.length === 0) return [rest];
    tokens[tokens.length - 1] += rest;
  }
  return tokens;
}
function countTokens(text) {
  return tokenize(text).length;
}

// src/sim/routes/completions.ts
function askedMaxTokens(ctx, req) {
  const fields = req;
  const asked = ctx.persona.maxTokensFields.map((name) => fields[name]).find((v) => typeof v === "number" && v >= 1);
  return typeof asked === "number" ? Math.floor(asked) : void 0;
}
function outputTokens(ctx, req, prompt, promptTokens) {
  const { opts, persona } = ctx;
  const natural = tokenize(ctx.book.answer(prompt));
  if (natural.length === 0) natural.push("");
  const asked = askedMaxTokens(ctx, req);
  const room = Math.max(1, opts.maxModelLen - promptTokens);
  const limit = asked === void 0 ? room : Math.min(asked, room);
  const ignoreEos = req.ignore_eos === true && persona.exactLength.ignoreEos;
  const minTokens = persona.exactLength.minTokens ? req.min_tokens ?? 0 : 0;
  let want = ignoreEos ? limit : Math.max(natural.length, minTokens);
  want = Math.min(want, limit);
  const tokens = want <= natural.length ? natural.slice(0, want) : [...natural, ...tokenize(` ${fillerText(prompt, want - natural.length, opts.seed)}`)];
  const finish = want === limit && (ignoreEos || natural.length >= limit) ? "length" : "stop";
  return { tokens, finish };
}
function readRequest(body, kind) {
  let json;
  try {
    json = JSON.parse(body);
  } catch {
    return { error: "json", message: "The request body is not valid JSON." };
  }
  if (kind === "chat") {
    const parsed2 = chatRequestSchema.safeParse(json);
    if (!parsed2.success) return { error: "shape", message: external_exports.prettifyError(parsed2.error) };
    const promptTokens = parsed2.data.messages.reduce((sum, m) => sum + countTokens(messageText(m)), 0);
    return { chat: parsed2.data, prompt: lastUserText(parsed2.data.messages), promptTokens };
  }
  const parsed = completionRequestSchema.safeParse(json);
  if (!parsed.success) return { error: "shape", message: external_exports.prettifyError(parsed.error) };
  const prompt = typeof parsed.data.prompt === "string" ? parsed.data.prompt : parsed.data.prompt[0];
  return { chat: parsed.data, prompt, promptTokens: countTokens(prompt) };
}
function acceptCompletion(ctx, scheduler, req, res, body, n, kind) {
  const { opts, persona } = ctx;
  const read = readRequest(body, kind);
  if ("error" in read) return sendError(ctx, res, read.error === "json" ? persona.errors.invalidJson : persona.errors.badRequest, read.message);
  const { chat, prompt, promptTokens } = read;
  const notFound = persona.errors.modelNotFound;
  if (notFound && chat.model !== void 0 && chat.model !== opts.model) {
    return sendError(ctx, res, notFound, notFound.message.replaceAll("{model}", chat.model));
  }
  const stream = chat.stream === true;
  const faults = requestFaults(opts.faults, opts.seed, n, stream);
  if (faults.httpError) return sendError(ctx, res, persona.errors.serverError, "Injected server error.");
  const asked = askedMaxTokens(ctx, chat);
  if (promptTokens >= opts.maxModelLen || persona.contextOverflow === "reject" && asked !== void 0 && promptTokens + asked > opts.maxModelLen) {
    return sendError(
      ctx,
      res,
      persona.errors.contextExceeded,
      `This model's maximum context length is ${opts.maxModelLen} tokens; the request has ${promptTokens} prompt tokens and asks for ${asked ?? "no limit on"} output tokens.`
    );
  }
  if (faults.noResponse) return;
  const requestId = req.headers["x-request-id"];
  const key = typeof requestId === "string" && requestId !== "" ? requestId : String(n);
  let timing;
  if (opts.recordSendTimes) {
    timing = { receivedAt: epochMs(), chunks: [] };
    ctx.timings.set(key, timing);
  }
  const { tokens, finish } = outputTokens(ctx, chat, prompt, promptTokens);
  ctx.counters.promptTokens += promptTokens;
  const id = `${kind === "chat" ? persona.stream.idPrefix : "cmpl-"}${hash32(opts.seed, "id", n).toString(16)}`;
  const f = {
    id,
    kind,
    res,
    stream,
    includeUsage: chat.stream_options?.include_usage === true,
    tokens,
    eos: persona.stream.eosChunk && finish === "stop",
    finish,
    promptTokens,
    sent: 0,
    state: "waiting",
    next: 0,
    timer: void 0,
    rng: mulberry32(hash32(opts.seed, "jitter", n)),
    faulty: faults.faulty,
    streamError: faults.streamError,
    framer: new Framer(persona.stream, kind, id, opts.model, ctx.created),
    timing
  };
  scheduler.flights.add(f);
  if (stream) {
    res.writeHead(200, { "content-type": "text/event-stream", ...persona.stream.headers }).flushHeaders();
  }
  res.on("close", () => scheduler.release(f, "abort"));
  scheduler.submit(f);
}

// src/sim/routes/lazy-load.ts
import { performance as performance2 } from "node:perf_hooks";
var LazyLoader = class {
  /** Requests waiting for the model being loaded now. */
  waiters = 0;
  ctx;
  constructor(ctx) {
    this.ctx = ctx;
  }
  /** Runs `fn` once the model is loaded, starting the load if none is under way; dropped if `res` closes first. */
  afterLoad(res, fn) {
    const { ctx } = this;
    const { opts, log } = ctx;
    if (ctx.loadedAt === void 0) {
      ctx.loadedAt = performance2.now() + opts.loadTimeMs;
      log.debug(`simulator: loading the model on first request (${opts.loadTimeMs} ms)`);
    }
    const wait = ctx.loadedAt - performance2.now();
    if (wait <= 0) return fn();
    this.waiters++;
    const t = setTimeout(() => {
      ctx.deferred.delete(t);
      this.waiters--;
      fn();
    }, wait);
    ctx.deferred.add(t);
    res.on("close", () => {
      if (!ctx.deferred.has(t)) return;
      clearTimeout(t);
      ctx.deferred.delete(t);
      if (--this.waiters === 0 && !loaded(ctx)) {
        ctx.loadedAt = void 0;
        log.debug("simulator: every request waiting for the model hung up; the load is abandoned");
      }
    });
  }
};

// src/sim/routes/metrics.ts
import { performance as performance3 } from "node:perf_hooks";

// src/sim/metrics.ts
var escapeLabel = (v) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
var pythonFloat = (v) => Number.isInteger(v) ? v.toFixed(1) : String(v);
function renderPrometheus(families, help11, totalInTypeLine = false, values = "plain") {
  const lines = [];
  for (const f of families) {
    const base = f.type === "counter" && !totalInTypeLine ? f.name.replace(/_total$/, "") : f.name;
    if (help11) lines.push(`# HELP ${base} ${f.help}`);
    lines.push(`# TYPE ${base} ${f.type}`);
    for (const v of f.values) {
      const entries = Object.entries(v.labels);
      const labels = entries.length === 0 ? "" : `{${entries.map(([k, val]) => `${k}="${escapeLabel(val)}"`).join(",")}}`;
      lines.push(`${f.name}${labels} ${values === "python" ? pythonFloat(v.value) : String(v.value)}`);
    }
  }
  return `${lines.join("\n")}
`;
}
function engineMetrics(spec, m) {
  const labels = { ...spec.modelLabel === null ? {} : { [spec.modelLabel]: m.model }, ...spec.labels };
  const one = (value) => [{ labels, value }];
  const families = [
    { name: spec.running, type: "gauge", help: "Number of requests being generated.", values: one(m.running) },
    { name: spec.waiting, type: "gauge", help: "Number of requests waiting to be scheduled.", values: one(m.waiting) }
  ];
  if (spec.kvCache) families.push({ name: spec.kvCache, type: "gauge", help: "KV-cache usage. 1 means 100 percent usage.", values: one(m.kvCacheUsage) });
  if (spec.promptTokens) families.push({ name: spec.promptTokens, type: "counter", help: "Number of prefill tokens processed.", values: one(m.promptTokens) });
  if (spec.generationTokens) {
    families.push({ name: spec.generationTokens, type: "counter", help: "Number of generation tokens processed.", values: one(m.generationTokens) });
  }
  if (spec.success) {
    const done = m.finished.stop + m.finished.length;
    families.push({
      name: spec.success.name,
      type: "counter",
      help: "Count of successfully processed requests.",
      values: spec.success.byReason ? ["stop", "length", "abort"].map((reason) => ({ labels: { ...labels, finished_reason: reason }, value: m.finished[reason] })) : one(done)
    });
  }
  for (const u of spec.unmodelled) families.push({ name: u.name, type: u.type, help: "Not modelled by the simulator.", values: one(0) });
  return renderPrometheus(families, spec.help, spec.totalInTypeLine, spec.values);
}

// src/sim/routes/metrics.ts
function sendMetrics(ctx, spec, scheduler, res) {
  const { opts, counters } = ctx;
  const startHeader = spec.startTimeHeader;
  if (startHeader) res.setHeader(startHeader, String(Math.floor(performance3.timeOrigin / 1e3)));
  res.writeHead(200, { "content-type": spec.contentType }).end(
    engineMetrics(spec, {
      model: opts.model,
      running: scheduler.running,
      waiting: scheduler.queue.length,
      kvCacheUsage: Math.min(1, scheduler.kvTokens / opts.kvCacheTokens),
      promptTokens: counters.promptTokens,
      generationTokens: spec.generationAtFinish ? counters.generationTokensFinished : counters.generationTokens,
      finished: ctx.finished
    })
  );
}

// src/sim/routes/models.ts
var modelInJson = (ctx) => JSON.stringify(ctx.opts.model).slice(1, -1);
function modelsBody(ctx) {
  const { opts, persona } = ctx;
  return JSON.stringify({
    ...persona.models.listFields,
    object: "list",
    data: [{ id: opts.model, object: "model", created: ctx.created, owned_by: persona.models.ownedBy, ...persona.models.extra }]
  }).replaceAll('"{maxModelLen}"', String(opts.maxModelLen)).replaceAll("{model}", modelInJson(ctx));
}
function sendModels(ctx, res, body) {
  res.writeHead(200, { "content-type": ctx.persona.jsonContentType }).end(body);
}

// src/sim/routes/probes.ts
function findProbe(ctx, method, path7) {
  return method === "GET" || method === "HEAD" ? ctx.persona.probes.find((p) => p.path === path7) : void 0;
}
function sendProbe(ctx, res, probe) {
  const fill = (a) => ({ ...a, body: a.body.replaceAll("{model}", modelInJson(ctx)) });
  if (!loaded(ctx) && ctx.persona.readiness !== "lazy") return send(ctx, res, fill(probe.loading ?? probe.ready));
  send(ctx, res, fill(warmingUp(ctx) && probe.warmup ? probe.warmup : probe.ready));
}

// src/sim/router.ts
function createRouter(ctx, scheduler, crash) {
  const { opts, persona } = ctx;
  const models = modelsBody(ctx);
  const lazy = new LazyLoader(ctx);
  return (req, res, body) => {
    ctx.counters.requests++;
    for (const [name, value] of Object.entries(persona.headers)) res.setHeader(name, value);
    const path7 = (req.url ?? "/").split("?")[0] ?? "/";
    const method = req.method ?? "GET";
    const probe = findProbe(ctx, method, path7);
    if (probe) return sendProbe(ctx, res, probe);
    const kind = method !== "POST" ? void 0 : path7 === "/v1/chat/completions" ? "chat" : path7 === "/v1/completions" ? "text" : void 0;
    const n = kind ? ++ctx.counters.inference : 0;
    if (kind && opts.faults.crashAfterRequests !== void 0 && n > opts.faults.crashAfterRequests) return crash(`request ${n} arrived`);
    const loading = persona.loadingAnswer;
    if (loading && !loaded(ctx) && persona.readiness === "open-503" && (loading.allPaths || path7.startsWith("/v1/"))) return send(ctx, res, loading);
    if (method === "GET" && persona.metrics && path7 === persona.metrics.path) {
      sendMetrics(ctx, persona.metrics, scheduler, res);
    } else if (method === "GET" && path7 === "/v1/models") {
      sendModels(ctx, res, models);
    } else if (kind) {
      if (persona.readiness === "lazy") lazy.afterLoad(res, () => acceptCompletion(ctx, scheduler, req, res, body, n, kind));
      else acceptCompletion(ctx, scheduler, req, res, body, n, kind);
    } else {
      send(ctx, res, persona.notFound);
    }
  };
}

// src/sim/scheduler.ts
import { performance as performance4 } from "node:perf_hooks";

// src/sim/routes/stream-output.ts
function writeStreamStep(ctx, f, k, steps) {
  const { persona, opts } = ctx;
  const last = k === steps - 1;
  let frame = "";
  if (f.faulty && opts.faults.malformedSse && k === Math.floor(steps / 2)) frame += f.framer.malformed();
  const visible = k < f.tokens.length;
  if (visible || persona.stream.finish === "last-token") {
    const finishHere = last && persona.stream.finish === "last-token" ? f.finish : null;
    frame += f.framer.token(visible ? f.tokens[k] : "", k, finishHere);
  }
  if (last) {
    const ask = f.includeUsage || f.framer.usageAlways;
    frame += f.framer.end(f.finish, ask ? usage(ctx, f.promptTokens, steps) : null);
  }
  if (visible) f.timing?.chunks.push(epochMs());
  if (last) {
    f.res.end(frame);
    if (persona.stream.closesConnection) closeAfterStream(ctx, f.res);
  } else f.res.write(frame);
}
function writeStreamFailure(ctx, f) {
  const { persona } = ctx;
  ctx.counters.errors++;
  const { status: status2, type } = persona.errors.serverError;
  const body = errorBody(persona.errors.shape, "Injected failure in the middle of the stream.", type, status2);
  f.res.end(persona.stream.errorEvent === "error-field" ? `error: ${body}

data: [DONE]

` : `data: ${body}

`);
}
function closeAfterStream(ctx, res) {
  const socket = res.socket;
  if (!socket) return;
  ctx.closingSockets.add(socket);
  res.once("finish", () => socket.destroySoon());
}

// src/sim/routes/whole-output.ts
function writeWholeCompletion(ctx, f, steps) {
  const { persona, opts } = ctx;
  const text = JSON.stringify(f.tokens.join(""));
  const choice = f.kind === "chat" ? `{"index":0,"message":{"role":"assistant","content":${text}},${persona.stream.choiceFields}"finish_reason":"${f.finish}"}` : `{"index":0,"text":${text},"logprobs":null,"finish_reason":"${f.finish}"}`;
  const object = f.kind === "chat" ? "chat.completion" : "text_completion";
  const body = `{"id":${JSON.stringify(f.id)},"object":"${object}","created":${ctx.created},"model":${JSON.stringify(opts.model)},${persona.completionFields}"choices":[${choice}],"usage":${JSON.stringify(usage(ctx, f.promptTokens, steps))}}`;
  f.res.writeHead(200, { "content-type": persona.jsonContentType }).end(body);
}

// src/sim/scheduler.ts
var Scheduler = class {
  /** Requests generating now. */
  running = 0;
  /** Tokens held in the KV cache by running requests (prompt and output so far). */
  kvTokens = 0;
  /** Requests waiting for a slot, in arrival order. */
  queue = [];
  /** Every request not yet done. */
  flights = /* @__PURE__ */ new Set();
  maxRunning;
  stalls;
  ctx;
  constructor(ctx) {
    this.ctx = ctx;
    this.maxRunning = ctx.opts.maxRunning ?? ctx.persona.maxRunning;
    this.stalls = new StallSchedule(ctx.opts.faults, ctx.opts.seed, ctx.startedAt);
  }
  /** Starts a request in `flights` at once when a slot is free, else queues it for one. */
  submit(f) {
    if (this.running < this.maxRunning) this.admit(f);
    else this.queue.push(f);
  }
  /** Ends a request (done, or its client hung up) and gives its slot to the next waiting one. */
  release(f, reason) {
    const { ctx } = this;
    if (f.state === "done") return;
    if (f.state === "running") {
      this.running--;
      this.kvTokens -= f.promptTokens + f.sent;
    } else {
      const i = this.queue.indexOf(f);
      if (i >= 0) this.queue.splice(i, 1);
    }
    clearTimeout(f.timer);
    f.state = "done";
    ctx.counters.generationTokensFinished += f.sent;
    this.flights.delete(f);
    ctx.finished[reason]++;
    if (reason !== "abort") ctx.counters.completed++;
    const nextUp = this.queue.shift();
    if (nextUp && !ctx.crashed && !ctx.closing) this.admit(nextUp);
  }
  /** Stops every request's timer (close, crash). */
  stopTimers() {
    for (const f of this.flights) clearTimeout(f.timer);
  }
  factor() {
    return 1 + this.ctx.opts.slowdownPerActive * Math.max(0, this.running - 1);
  }
  jitter(f) {
    return 1 + this.ctx.opts.jitter * (2 * f.rng() - 1);
  }
  schedule(f) {
    f.timer = setTimeout(this.step, Math.max(0, f.next - performance4.now()), f);
  }
  admit(f) {
    const { opts } = this.ctx;
    f.state = "running";
    this.running++;
    this.kvTokens += f.promptTokens;
    f.next = performance4.now() + (opts.ttftMs + opts.prefillMsPerToken * f.promptTokens) * this.factor() * this.jitter(f);
    this.schedule(f);
  }
  /** One token of `f` is due: writes it (or the injected failure) and schedules the next. */
  step = (f) => {
    const { ctx } = this;
    const { opts } = ctx;
    if (f.state !== "running") return;
    if (f.next - performance4.now() > 0.1) return this.schedule(f);
    const resume = this.stalls.stalledUntil(performance4.now());
    if (resume > 0) {
      f.next = resume;
      return this.schedule(f);
    }
    const k = f.sent;
    const steps = f.tokens.length + (f.eos ? 1 : 0);
    const last = k === steps - 1;
    f.sent++;
    this.kvTokens++;
    ctx.counters.generationTokens++;
    if (f.stream && f.streamError && k === Math.floor(steps / 2)) {
      writeStreamFailure(ctx, f);
      return this.release(f, "abort");
    }
    if (f.stream) writeStreamStep(ctx, f, k, steps);
    else if (last) writeWholeCompletion(ctx, f, steps);
    if (last) return this.release(f, f.finish);
    if (f.faulty && opts.faults.hang === "after-first-chunk" && k === 0) return;
    f.next += opts.decodeMsPerToken * this.factor() * this.jitter(f);
    this.schedule(f);
  };
};

// src/sim/server.ts
async function startSimulator(input, hooks = {}) {
  const opts = simulatorOptionsSchema.parse(input);
  const persona = opts.engine === void 0 ? simulatorPersonality : personalities[opts.engine];
  const log = hooks.logger ?? silentLogger;
  const ctx = createContext(opts, persona, log, answerBook(opts.answers, opts.errorRate, opts.fillerTokens, opts.seed));
  const scheduler = new Scheduler(ctx);
  const route = createRouter(ctx, scheduler, (why) => crash(why));
  const { server, sockets } = createHttpServer(ctx, route);
  let listenTimer;
  let crashTimer;
  function stopEverything() {
    clearTimeout(listenTimer);
    clearTimeout(crashTimer);
    for (const t of ctx.deferred) clearTimeout(t);
    scheduler.stopTimers();
    if (server.listening) server.close();
    for (const s of sockets) s.destroy();
  }
  function crash(why) {
    if (ctx.crashed || ctx.closing) return;
    ctx.crashed = true;
    log.error(`simulator: crash fault fired (${why})`);
    stopEverything();
    hooks.onCrash?.();
  }
  const listen = (port2) => new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port2, opts.host, () => {
      server.off("error", reject);
      const address = server.address();
      if (address === null || typeof address === "string") reject(new Error("simulator: the server has no TCP address"));
      else resolve(address.port);
    });
  });
  const port = await listen(opts.port);
  if (persona.readiness === "port-closed" && opts.loadTimeMs > 0) {
    await new Promise((resolve) => server.close(() => resolve()));
    listenTimer = setTimeout(() => {
      listen(port).catch((e) => crash(`port ${port} could not be reopened: ${e.message}`));
    }, opts.loadTimeMs);
  }
  const crashAfterMs = opts.faults.crashAfterMs;
  if (crashAfterMs !== void 0) crashTimer = setTimeout(() => crash(`${crashAfterMs} ms elapsed`), crashAfterMs);
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}`,
    port,
    personality: persona,
    close: async () => {
      if (ctx.closing) return;
      ctx.closing = true;
      const closed = new Promise((resolve) => server.listening ? server.close(() => resolve()) : resolve());
      stopEverything();
      await closed;
    },
    stats: () => ({
      requests: ctx.counters.requests,
      inferenceRequests: ctx.counters.inference,
      active: scheduler.running,
      waiting: scheduler.queue.length,
      completed: ctx.counters.completed,
      errors: ctx.counters.errors,
      loaded: loaded(ctx),
      listening: server.listening,
      crashed: ctx.crashed
    }),
    sendTimes: () => ctx.timings
  };
}

// src/cli/commands/simulate.ts
var help10 = `Usage: llm-gate simulate [options]

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
  --engine NAME        reproduce an engine's observable behaviour: ${ENGINE_NAMES.join(", ")}
                       (readiness phases, health paths, SSE framing and usage, error bodies, metric names)
  --help               show this help`;
var isEngineName = (name) => ENGINE_NAMES.includes(name);
function parseDurationMs(text) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new Error(`expected a duration such as 5s, 500ms or 2m, found "${text}"`);
  const unit = m[2] ?? "ms";
  return Number(m[1]) * (unit === "m" ? 6e4 : unit === "s" ? 1e3 : 1);
}
function num(flag, text) {
  if (text === void 0) return void 0;
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n)) throw new Error(`--${flag}: expected a number, found "${text}"`);
  return n;
}
var options5 = {
  port: { type: "string" },
  host: { type: "string" },
  model: { type: "string" },
  "load-time": { type: "string" },
  "ttft-ms": { type: "string" },
  "prefill-ms": { type: "string" },
  "tpot-ms": { type: "string" },
  slowdown: { type: "string" },
  jitter: { type: "string" },
  "max-running": { type: "string" },
  dataset: { type: "string" },
  "error-rate": { type: "string" },
  seed: { type: "string" },
  "crash-after": { type: "string" },
  "crash-after-ms": { type: "string" },
  hang: { type: "boolean" },
  stall: { type: "boolean" },
  "malformed-sse": { type: "boolean" },
  "http-error-rate": { type: "string" },
  "stream-error-rate": { type: "string" },
  "faults-after": { type: "string" },
  engine: { type: "string" },
  help: { type: "boolean" }
};
var FLAG_OF_OPTION = {
  port: "port",
  host: "host",
  model: "model",
  loadTimeMs: "load-time",
  ttftMs: "ttft-ms",
  prefillMsPerToken: "prefill-ms",
  decodeMsPerToken: "tpot-ms",
  slowdownPerActive: "slowdown",
  jitter: "jitter",
  maxRunning: "max-running",
  errorRate: "error-rate",
  seed: "seed",
  "faults.crashAfterRequests": "crash-after",
  "faults.crashAfterMs": "crash-after-ms",
  "faults.httpErrorRate": "http-error-rate",
  "faults.streamErrorRate": "stream-error-rate",
  "faults.afterRequests": "faults-after"
};
var flagOf = (option) => FLAG_OF_OPTION[option] ? `--${FLAG_OF_OPTION[option]}` : `option ${option}`;
var simulateCommand = {
  summary: "Serve a simulated OpenAI-compatible LLM server (latency, load time, faults)",
  async run(argv) {
    let values;
    try {
      ({ values } = parseArgs5({
        args: argv,
        strict: true,
        options: options5
      }));
    } catch (e) {
      return usageError(describeArgsError(e, options5), help10);
    }
    if (values.help) {
      process.stdout.write(`${help10}
`);
      return EXIT.pass;
    }
    let input;
    try {
      const engine = values.engine;
      if (engine !== void 0 && !isEngineName(engine)) throw new Error(`--engine: expected one of ${ENGINE_NAMES.join("|")}, found "${engine}"`);
      if (values.hang && values.stall) throw new Error("--hang and --stall exclude each other");
      const hang = values.hang ? "no-response" : values.stall ? "after-first-chunk" : void 0;
      input = {
        engine,
        port: num("port", values.port) ?? (engine === void 0 ? 8e3 : personalities[engine].defaultPort),
        host: values.host,
        model: values.model,
        loadTimeMs: values["load-time"] === void 0 ? void 0 : parseDurationMs(values["load-time"]),
        ttftMs: num("ttft-ms", values["ttft-ms"]),
        prefillMsPerToken: num("prefill-ms", values["prefill-ms"]),
        decodeMsPerToken: num("tpot-ms", values["tpot-ms"]),
        slowdownPerActive: num("slowdown", values.slowdown),
        jitter: num("jitter", values.jitter),
        maxRunning: num("max-running", values["max-running"]),
        errorRate: num("error-rate", values["error-rate"]),
        seed: num("seed", values.seed),
        answers: values.dataset === void 0 ? void 0 : await referenceAnswers(values.dataset),
        faults: {
          crashAfterRequests: num("crash-after", values["crash-after"]),
          crashAfterMs: num("crash-after-ms", values["crash-after-ms"]),
          hang,
          malformedSse: values["malformed-sse"],
          httpErrorRate: num("http-error-rate", values["http-error-rate"]),
          streamErrorRate: num("stream-error-rate", values["stream-error-rate"]),
          afterRequests: num("faults-after", values["faults-after"])
        }
      };
      const checked = simulatorOptionsSchema.safeParse(input);
      if (!checked.success) {
        throw new Error(checked.error.issues.map((i) => `${flagOf(i.path.join("."))}: ${i.message}`).join("\n"));
      }
    } catch (e) {
      process.stderr.write(`error: ${e.message}
`);
      return EXIT.usage;
    }
    const sim = await startSimulator(input, {
      logger: stderrLogger,
      // A crash fault must look like a dead engine to whoever supervises this process.
      onCrash: () => process.exit(1)
    });
    process.stdout.write(`${sim.url}
`);
    stderrLogger.info(
      `simulator (${sim.personality.engine}) serving model "${input.model ?? "sim-model"}" at ${sim.url}/v1 (Ctrl-C to stop)`
    );
    await new Promise((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    await sim.close();
    return EXIT.pass;
  }
};

// src/cli/commands/index.ts
var commands = {
  run: runCommand,
  demo: demoCommand,
  simulate: simulateCommand,
  eval: evalCommand,
  compare: compareCommand,
  bench: benchCommand,
  report: reportCommand,
  history: historyCommand,
  merge: mergeCommand,
  plan: planCommand
};

// src/cli/main.ts
var usage2 = `llm-gate: a promotion gate for self-hosted LLM inference images

Usage: llm-gate <command> [options]

Commands:
${Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`).join("\n")}

Run 'llm-gate <command> --help' for a command's options.
Exit codes: 0 pass, 1 regression or quality/SLO failure, 2 bad usage/config/dataset, 3 the gate could not finish (or was interrupted).`;
async function main(argv) {
  const [name, ...rest] = argv;
  if (name === void 0 || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${usage2}
`);
    return name === void 0 ? EXIT.usage : EXIT.pass;
  }
  if (name === "--version") {
    process.stdout.write(`${TOOL_VERSION}
`);
    return EXIT.pass;
  }
  const command = commands[name];
  if (!command) {
    const near = nearest(name, Object.keys(commands));
    process.stderr.write(`error: unknown command '${name}'${near === void 0 ? "" : `: did you mean '${near}'?`}

${usage2}
`);
    return EXIT.usage;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    const text = err instanceof Error ? (process.env.LLM_GATE_DEBUG ? err.stack : void 0) ?? err.message : String(err);
    process.stderr.write(`error: llm-gate could not finish: ${text}
`);
    return EXIT.error;
  }
}
process.exit(await main(process.argv.slice(2)));
//# sourceMappingURL=cli.js.map
