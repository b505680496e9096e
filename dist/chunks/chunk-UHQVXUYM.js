import { createRequire as __llmGateCreateRequire } from 'node:module'; const require = __llmGateCreateRequire(import.meta.url);
import {
  DEFAULT_PORT,
  containerPort,
  require_dist
} from "./chunk-UXU63PQL.js";
import {
  TargetError,
  __toESM,
  external_exports
} from "./chunk-IGG7X3JS.js";

// src/report/escape.ts
var ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;
var CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
var BIDI = /[\u202a-\u202e\u2066-\u2069]/g;
var ZWSP = "\u200B";
function stripControl(text) {
  return text.replace(ANSI, "").replace(/\r\n?/g, "\n").replace(CONTROL, "").replace(BIDI, "");
}
function truncate(text, max) {
  const points = Array.from(text);
  if (points.length <= max) return text;
  return `${points.slice(0, max).join("")}\u2026 (${points.length - max} more characters)`;
}
function neutralizeReferences(text) {
  return text.replace(/@/g, `@${ZWSP}`).replace(/#(?=\d)/g, `#${ZWSP}`).replace(/:\/\//g, `:${ZWSP}//`).replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}${ZWSP}.`);
}
var HTML_ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
var INLINE_PUNCTUATION = /[\\`*[\]|~$]/g;
var UNDERSCORE_AT_EDGE = /(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu;
var LINE_START = /^(?:(#{1,6}|[-+=])(?=[\s=-]|$)|(\d{1,9})([.)])(?=\s|$))/;
function escapeInline(text, maxLength = 300) {
  const capped = truncate(stripControl(text).replace(/\s*\n\s*/g, " ").trimStart(), maxLength);
  return neutralizeReferences(capped).replace(/[&<>"]/g, (c) => HTML_ENTITIES[c] ?? c).replace(INLINE_PUNCTUATION, (c) => `\\${c}`).replace(UNDERSCORE_AT_EDGE, "\\_").replace(LINE_START, (_m, mark, digits, dot) => mark !== void 0 ? `\\${mark}` : `${digits}\\${dot}`);
}
function escapeHtml(text, maxLength = 300) {
  const capped = truncate(stripControl(text).replace(/\s*\n\s*/g, " "), maxLength);
  return neutralizeReferences(capped).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}
function codeBlock(text, maxLength = 2e3, language = "text") {
  const body = truncate(stripControl(text), maxLength);
  const longestRun = Math.max(0, ...Array.from(body.matchAll(/`+/g), (m) => m[0].length));
  const fence = "`".repeat(Math.max(3, longestRun + 1));
  return `${fence}${language}
${body}
${fence}`;
}
function mermaidLabel(text, maxLength = 40) {
  const points = Array.from(stripControl(text).replace(/["[\]{}\n;`]/g, " ").trim());
  return points.length <= maxLength ? points.join("") : `${points.slice(0, maxLength - 1).join("")}\u2026`;
}
function details(summary, body) {
  return `<details><summary>${summary}</summary>

${body}

</details>`;
}

// src/target/docker.ts
import { spawn as spawn2 } from "node:child_process";
import { randomBytes } from "node:crypto";

// src/target/docker-args.ts
function dockerRunArgs(spec) {
  const out = ["run", "--detach", "--name", spec.name, "--label", "llm-gate=1", "--publish", `127.0.0.1::${spec.containerPort}`];
  if (spec.gpus) out.push("--gpus", spec.gpus);
  if (spec.shmSize) out.push("--shm-size", spec.shmSize);
  for (const name of spec.envNames) out.push("--env", name);
  for (const v of spec.volumes) out.push("--volume", `${v.host}:${v.container}${v.readOnly ? ":ro" : ""}`);
  out.push(...spec.runArgs, spec.image, ...spec.args);
  return out;
}
function dockerBuildArgs(o) {
  const out = ["build", "--tag", o.tag];
  if (o.dockerfile) out.push("--file", o.dockerfile);
  for (const [k, v] of Object.entries(o.args)) out.push("--build-arg", `${k}=${v}`);
  out.push(o.context);
  return out;
}
function parsePublishedPort(output) {
  for (const line of output.split("\n")) {
    const m = /:(\d+)\s*$/.exec(line.trim());
    if (m) return Number(m[1]);
  }
  return null;
}

// src/target/exec.ts
import { spawn } from "node:child_process";
function execCommand(file, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: options.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let pending = "";
    const feed = (text) => {
      if (!options.onLine) return;
      pending += text;
      const lines = pending.split(/\r?\n/);
      pending = lines.pop() ?? "";
      for (const l of lines) options.onLine(l);
    };
    child.stdout.setEncoding("utf8").on("data", (t) => {
      stdout += t;
      feed(t);
    });
    child.stderr.setEncoding("utf8").on("data", (t) => {
      stderr += t;
      feed(t);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (pending && options.onLine) options.onLine(pending);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}

// src/target/environment.ts
var WITHHELD = /^(ACTIONS_|INPUT_|GITHUB_TOKEN$|GH_TOKEN$|LLM_GATE_JUDGE_API_KEY$)/;
function inheritedEnvironment(env) {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !WITHHELD.test(name)));
}
function passedEnvironment(names, env = process.env) {
  return Object.fromEntries(names.flatMap((k) => env[k] !== void 0 ? [[k, env[k]]] : []));
}

// src/target/log-tail.ts
var LogTail = class {
  lines = [];
  partial = "";
  size;
  onLine;
  constructor(size, onLine) {
    this.size = size;
    this.onLine = onLine;
  }
  push(chunk) {
    const text = this.partial + chunk;
    const parts = text.split(/\r?\n/);
    this.partial = parts.pop() ?? "";
    for (const line of parts) this.add(line);
  }
  add(line) {
    this.lines.push(line);
    if (this.lines.length > this.size) this.lines.shift();
    this.onLine?.(line);
  }
  tail() {
    return this.partial ? [...this.lines, this.partial] : [...this.lines];
  }
};

// src/target/docker.ts
var DOCKER = process.env.LLM_GATE_DOCKER ?? "docker";
async function docker(args, options = {}) {
  try {
    return await execCommand(DOCKER, args, options);
  } catch (err) {
    throw new TargetError(`cannot run '${DOCKER}': ${err.message}. Is docker installed and on PATH?`);
  }
}
async function dockerOk(args, what, options = {}) {
  const r = await docker(args, options);
  if (r.code !== 0) throw new TargetError(`${what} failed (docker exit ${r.code}): ${r.stderr.trim().split("\n").slice(-5).join(" | ")}`);
  return r.stdout.trim();
}
var stateSchema = external_exports.object({
  Status: external_exports.string(),
  Running: external_exports.boolean(),
  OOMKilled: external_exports.boolean(),
  ExitCode: external_exports.number().int()
});
async function containerState(id) {
  const r = await docker(["inspect", "--format", "{{json .State}}", id]);
  if (r.code !== 0) return null;
  return stateSchema.parse(JSON.parse(r.stdout));
}
async function removeContainer(id) {
  const r = await docker(["rm", "--force", "--volumes", id]);
  if (r.code !== 0 && !/No such container/i.test(r.stderr)) {
    throw new TargetError(`docker rm ${id} failed: ${r.stderr.trim()}`);
  }
}
async function buildImage(build, tag, logger) {
  logger.info(`building ${tag} from ${build.context}`);
  await dockerOk(dockerBuildArgs({ context: build.context, tag, dockerfile: build.dockerfile, args: build.args }), `docker build of ${build.context}`, {
    onLine: (l) => logger.info(`[build] ${l}`)
  });
}
var imageInspectSchema = external_exports.object({
  Id: external_exports.string(),
  RepoDigests: external_exports.array(external_exports.string()).nullish(),
  Config: external_exports.object({ ExposedPorts: external_exports.record(external_exports.string(), external_exports.unknown()).nullish() }).nullish()
});
async function imageIdentity(image) {
  const out = await dockerOk(["image", "inspect", "--format", "{{json .}}", image], `docker image inspect ${image}`);
  const info = imageInspectSchema.parse(JSON.parse(out));
  const repoDigest = info.RepoDigests?.[0]?.split("@")[1];
  return { id: info.Id, digest: repoDigest, exposedPorts: Object.keys(info.Config?.ExposedPorts ?? {}) };
}
async function startContainer(config, logger, hooks = {}) {
  let image = config.image;
  if (config.build) {
    image ??= `llm-gate-candidate:${randomBytes(4).toString("hex")}`;
    await buildImage(config.build, image, logger);
  }
  if (!image) throw new TargetError("target.image is required to run a container");
  const identity = await imageIdentity(image);
  const resolved = containerPort(config.port, identity.exposedPorts);
  if (resolved.source === "image") logger.info(`port: ${resolved.port}, the one port the image exposes (none configured)`);
  if (resolved.note) logger.warn(`port: ${resolved.note}`);
  const name = `llm-gate-${randomBytes(5).toString("hex")}`;
  const passed = passedEnvironment(config.passEnv);
  const env = { ...process.env, ...config.env, ...passed };
  const args = dockerRunArgs({
    image,
    name,
    containerPort: resolved.port,
    gpus: config.gpus,
    shmSize: config.shmSize,
    envNames: [...Object.keys(config.env), ...Object.keys(passed)],
    volumes: config.volumes,
    runArgs: config.runArgs,
    args: config.args
  });
  logger.info(`docker ${args.join(" ")}`);
  const id = await dockerOk(args, `docker run ${image}`, { env });
  hooks.onContainerStarted?.(id);
  let removed = false;
  const stop = async () => {
    if (removed) return;
    removed = true;
    logs.kill();
    await removeContainer(id);
    logger.info(`removed container ${name}`);
  };
  const tail = new LogTail(200, (line) => logger.info(`[${name}] ${line}`));
  const logs = spawn2(DOCKER, ["logs", "--follow", id], { stdio: ["ignore", "pipe", "pipe"] });
  logs.stdout.setEncoding("utf8").on("data", (t) => tail.push(t));
  logs.stderr.setEncoding("utf8").on("data", (t) => tail.push(t));
  logs.on("error", () => void 0);
  let exit = null;
  const exited = (async () => {
    const waited = await docker(["wait", id]);
    const state2 = await containerState(id);
    exit = { code: state2?.ExitCode ?? (Number(waited.stdout.trim()) || null), oomKilled: state2?.OOMKilled ?? false };
    return exit;
  })();
  exited.catch(() => void 0);
  const target = (rootURL) => ({
    kind: "image",
    rootURL,
    exited,
    exitInfo: () => exit,
    logTail: () => tail.tail(),
    stop,
    subject: { image, digest: identity.digest ?? identity.id },
    containerPort: resolved.port,
    ...resolved.note ? { portNote: resolved.note } : {}
  });
  const published = await docker(["port", id, `${resolved.port}/tcp`]);
  const port = published.code === 0 ? parsePublishedPort(published.stdout) : null;
  if (port !== null) return target(`http://127.0.0.1:${port}`);
  const state = await containerState(id);
  if (state && !state.Running) return target("http://127.0.0.1:9");
  await stop();
  throw new TargetError(`container ${name} published no host port for ${resolved.port}/tcp: ${published.stderr.trim()}`);
}

// src/target/process.ts
import { spawn as spawn3 } from "node:child_process";
var KILL_GRACE_MS = 5e3;
var OUTPUT_DRAIN_MS = 1e3;
var GROUP_POLL_MS = 250;
function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return err.code === "EPERM";
  }
}
function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
  }
}
var sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function killProcessGroup(pgid, graceMs = KILL_GRACE_MS) {
  if (!groupAlive(pgid)) return;
  signalGroup(pgid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid) && Date.now() < deadline) await sleep(50);
  if (!groupAlive(pgid)) return;
  signalGroup(pgid, "SIGKILL");
  const reaped = Date.now() + 1e3;
  while (groupAlive(pgid) && Date.now() < reaped) await sleep(50);
}
function startProcess(config, logger, hooks = {}) {
  const port = config.port ?? DEFAULT_PORT;
  const passed = passedEnvironment(config.passEnv);
  const child = spawn3("sh", ["-c", config.command], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...inheritedEnvironment(process.env), ...config.env, ...passed, PORT: String(port) }
  });
  logger.info(`started: ${config.command} (pid ${child.pid ?? "?"})`);
  if (child.pid !== void 0) hooks.onProcessStarted?.(child.pid);
  const tail = new LogTail(200, (line) => logger.info(`[server] ${line}`));
  child.stdout.setEncoding("utf8").on("data", (t) => tail.push(t));
  child.stderr.setEncoding("utf8").on("data", (t) => tail.push(t));
  let exit = null;
  let leader;
  let following;
  let stopping;
  let settle = () => void 0;
  const exited = new Promise((resolve) => {
    settle = (info) => {
      clearInterval(following);
      exit ??= info;
      resolve(exit);
    };
  });
  const outputRead = new Promise((resolve) => {
    child.once("close", () => resolve());
  });
  const settleAfterOutput = (info) => {
    void Promise.race([outputRead, new Promise((resolve) => setTimeout(resolve, OUTPUT_DRAIN_MS))]).then(() => settle(info));
  };
  child.on("exit", (code, signal) => {
    const info = { code, oomKilled: false, ...signal ? { signal } : {} };
    const pgid = child.pid;
    if (pgid === void 0 || !groupAlive(pgid)) return settleAfterOutput(info);
    leader = info;
    if (!stopping) logger.info(`the command's first process exited (${code !== null ? `code ${code}` : signal}) while its process group runs on: following the group`);
    following = setInterval(() => {
      if (!groupAlive(pgid)) {
        clearInterval(following);
        settleAfterOutput(info);
      }
    }, GROUP_POLL_MS);
  });
  child.on("error", (err) => {
    tail.push(`${err.message}
`);
    settle({ code: null, oomKilled: false });
  });
  const stop = () => {
    stopping ??= (async () => {
      if (child.pid !== void 0) await killProcessGroup(child.pid);
      if (leader) settle(leader);
      child.stdout.destroy();
      child.stderr.destroy();
      logger.info(`stopped: ${config.command}`);
    })();
    return stopping;
  };
  return {
    kind: "command",
    rootURL: `http://127.0.0.1:${port}`,
    exited,
    exitInfo: () => exit,
    logTail: () => tail.tail(),
    stop,
    subject: { command: config.command }
  };
}

// src/hygiene/findings.ts
var severitySchema = external_exports.enum(["critical", "high", "medium", "low", "info"]);
var findingSchema = external_exports.object({
  /** Stable identifier of the check, e.g. `runs-as-root`, `secret-in-env`. */
  id: external_exports.string(),
  severity: severitySchema,
  message: external_exports.string(),
  /** Where it was seen; secret values in it are masked, never written whole. */
  evidence: external_exports.string().optional()
});
var hygieneReportSchema = external_exports.object({
  image: external_exports.string(),
  sizeBytes: external_exports.number().int().nonnegative(),
  layers: external_exports.number().int().nonnegative(),
  /** The image's `Config.User`; empty means the container runs as root. */
  user: external_exports.string(),
  findings: external_exports.array(findingSchema)
});
var severityRank = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
function sortFindings(findings) {
  return [...findings].sort((a, b) => severityRank[a.severity] - severityRank[b.severity]);
}

// src/probes/advice.ts
var import_yaml = __toESM(require_dist(), 1);

// src/probes/engines.ts
var GENERIC_EARLY_PATHS = ["/", "/health", "/healthz", "/health/live", "/livez", "/ping", "/metrics", "/version"];
var ENGINE_PROBES = {
  // vLLM binds its socket early but listens only once the engine has loaded the weights (connections
  // are refused before); /health checks the engine is alive but runs no generation.
  vllm: { livenessPath: "/health", earlyPaths: [], hasPython: true },
  // TGI's router /health runs a one-token prefill when no request succeeded recently.
  tgi: { readyPath: "/health", earlyPaths: [], hasPython: true },
  // SGLang's /health_generate runs a generation; /health differs across versions, so liveness uses TCP.
  sglang: { readyPath: "/health_generate", earlyPaths: [], hasPython: true },
  // llama.cpp server listens at once and answers 503 on /health until the model is loaded; /health
  // never generates, so readiness posts a one-token completion (the server image ships curl).
  llamacpp: { earlyPaths: [], hasPython: false },
  // Ollama loads a model on its first request: everything but a generation answers before that.
  ollama: { livenessPath: "/api/version", earlyPaths: ["/", "/api/version", "/api/tags", "/api/ps", "/v1/models"], hasPython: false },
  // NIM separates liveness (up at once) from readiness (model loaded).
  nim: { livenessPath: "/v1/health/live", readyPath: "/v1/health/ready", earlyPaths: ["/v1/health/live"], hasPython: true },
  openai: { earlyPaths: GENERIC_EARLY_PATHS, hasPython: false }
};
function engineProbeFacts(engine) {
  return ENGINE_PROBES[engine ?? "openai"] ?? ENGINE_PROBES.openai;
}

// src/probes/advice.ts
var probeSchema = external_exports.object({
  httpGet: external_exports.object({ path: external_exports.string(), port: external_exports.union([external_exports.number(), external_exports.string()]) }).optional(),
  tcpSocket: external_exports.object({ port: external_exports.union([external_exports.number(), external_exports.string()]) }).optional(),
  exec: external_exports.object({ command: external_exports.array(external_exports.string()) }).optional(),
  initialDelaySeconds: external_exports.number().int().nonnegative().optional(),
  periodSeconds: external_exports.number().int().positive(),
  timeoutSeconds: external_exports.number().int().positive(),
  failureThreshold: external_exports.number().int().positive(),
  successThreshold: external_exports.number().int().positive().optional()
});
var startupMeasurementSchema = external_exports.object({
  /** Seconds from container start to the first successful one-token inference; the first is the cold boot. */
  secondsToReady: external_exports.array(external_exports.number().positive()).min(1),
  /** From the benchmark, when it ran: sizes the readiness timeout and the termination grace period. */
  ttftP99Ms: external_exports.number().positive().optional(),
  e2eP99Ms: external_exports.number().positive().optional()
});
var probeAdviceSchema = external_exports.object({
  engine: external_exports.string(),
  containerName: external_exports.string(),
  measurement: external_exports.object({
    coldSeconds: external_exports.number(),
    worstSeconds: external_exports.number(),
    /** Slowest minus fastest boot; 0 with one boot. */
    spreadSeconds: external_exports.number(),
    boots: external_exports.number().int()
  }),
  /** Seconds the startup probe tolerates before Kubernetes restarts the container. */
  startupBudgetSeconds: external_exports.number().int(),
  startupProbe: probeSchema,
  readinessProbe: probeSchema,
  livenessProbe: probeSchema,
  terminationGracePeriodSeconds: external_exports.number().int(),
  minReadySeconds: external_exports.number().int(),
  /** Why each number is what it is, for the summary and the YAML comments. */
  notes: external_exports.array(external_exports.string())
});
function inferenceCommand(port, model, timeoutS, python) {
  const body = { ...model ? { model } : {}, prompt: "ping", max_tokens: 1 };
  const url = `http://127.0.0.1:${port}/v1/completions`;
  if (python) {
    return [
      "python3",
      "-c",
      `import json, urllib.request as r; r.urlopen(r.Request(${JSON.stringify(url)}, json.dumps(${JSON.stringify(body)}).encode(), {"Content-Type": "application/json"}), timeout=${timeoutS}).read()`
    ];
  }
  return ["curl", "-sf", "-o", "/dev/null", "-m", String(timeoutS), "-H", "Content-Type: application/json", "-d", JSON.stringify(body), url];
}
function adviseProbes(measurement, options) {
  const m = startupMeasurementSchema.parse(measurement);
  const engine = options.engine ?? "openai";
  const facts = engineProbeFacts(engine);
  const margin = options.margin ?? { factor: 2, constantS: 60 };
  const samples = m.secondsToReady;
  const cold = samples[0];
  const worst = Math.max(...samples);
  const spread = worst - Math.min(...samples);
  const notes = [];
  const budget = Math.ceil(margin.factor * worst + margin.constantS);
  const startupPeriod = budget <= 120 ? 5 : 10;
  const cheapHandler = facts.livenessPath ? { httpGet: { path: facts.livenessPath, port: options.port } } : { tcpSocket: { port: options.port } };
  const startupProbe = {
    ...cheapHandler,
    periodSeconds: startupPeriod,
    timeoutSeconds: 5,
    failureThreshold: Math.ceil(budget / startupPeriod)
  };
  notes.push(
    `startupProbe allows ${budget} s (${margin.factor} \xD7 the slowest measured load of ${worst.toFixed(0)} s + ${margin.constantS} s) before Kubernetes restarts a loading container.`
  );
  if (samples.length > 1) {
    notes.push(`${samples.length} boots measured: cold ${cold.toFixed(0)} s, spread ${spread.toFixed(0)} s between fastest and slowest.`);
  } else {
    notes.push("One boot measured; loads on other nodes (cold page cache, weights fetched at start) can be slower: the margin covers part of that, not a download.");
  }
  const readinessTimeout = Math.max(10, Math.ceil(3 * (m.ttftP99Ms ?? 0) / 1e3));
  const readinessHandler = facts.readyPath ? { httpGet: { path: facts.readyPath, port: options.port } } : { exec: { command: inferenceCommand(options.port, options.model, Math.max(1, readinessTimeout - 1), facts.hasPython) } };
  const readinessProbe = { ...readinessHandler, periodSeconds: 10, timeoutSeconds: readinessTimeout, failureThreshold: 3, successThreshold: 1 };
  notes.push(
    facts.readyPath ? `readinessProbe uses ${facts.readyPath}, which ${engine} answers only once the model serves.` : engine === "openai" ? `readinessProbe posts a one-token completion: the engine was not recognised, and common health endpoints (${facts.earlyPaths.join(", ")}) may answer while the weights still load.` : `readinessProbe posts a one-token completion: ${engine}'s health endpoints answer without running the model${facts.earlyPaths.length > 0 ? ` (${facts.earlyPaths.join(", ")} answer while the weights load)` : ""}.`
  );
  if (!facts.readyPath && !options.model) notes.push('No model id was known: add "model" to the probe body if the server requires it.');
  if (!facts.readyPath && !facts.hasPython) notes.push("The exec probe runs curl inside the container: make sure the image ships it.");
  const livenessProbe = { ...cheapHandler, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 };
  notes.push("livenessProbe never runs inference and restarts only after 2 minutes without an answer: a restart costs a full weight load.");
  const terminationGracePeriodSeconds = m.e2eP99Ms !== void 0 ? Math.max(60, Math.ceil(2 * m.e2eP99Ms / 1e3) + 30) : 120;
  notes.push(
    m.e2eP99Ms !== void 0 ? `terminationGracePeriodSeconds ${terminationGracePeriodSeconds}: twice the measured end-to-end p99 plus 30 s lets in-flight streams finish.` : `terminationGracePeriodSeconds ${terminationGracePeriodSeconds}: no end-to-end latency measured; raise it to cover your longest generation.`
  );
  const minReadySeconds = Math.min(300, Math.max(30, Math.ceil(worst / 4)));
  notes.push(`minReadySeconds ${minReadySeconds}: a new pod must stay ready this long before the rollout removes an old one.`);
  return probeAdviceSchema.parse({
    engine,
    containerName: options.containerName ?? "inference",
    measurement: { coldSeconds: cold, worstSeconds: worst, spreadSeconds: spread, boots: samples.length },
    startupBudgetSeconds: budget,
    startupProbe,
    readinessProbe,
    livenessProbe,
    terminationGracePeriodSeconds,
    minReadySeconds,
    notes
  });
}
function commentKey(node, key, comment) {
  if (!(0, import_yaml.isMap)(node)) return;
  for (const pair of node.items) {
    if ((0, import_yaml.isPair)(pair) && (0, import_yaml.isScalar)(pair.key) && pair.key.value === key) pair.key.commentBefore = ` ${comment}`;
  }
}
function renderProbeYaml(advice) {
  const container = {
    name: advice.containerName,
    startupProbe: advice.startupProbe,
    readinessProbe: advice.readinessProbe,
    livenessProbe: advice.livenessProbe
  };
  const doc = new import_yaml.Document({
    spec: {
      minReadySeconds: advice.minReadySeconds,
      template: { spec: { terminationGracePeriodSeconds: advice.terminationGracePeriodSeconds, containers: [container] } }
    }
  });
  const { coldSeconds, worstSeconds, spreadSeconds, boots } = advice.measurement;
  doc.commentBefore = [
    ` llm-gate probe advice (${advice.engine === "openai" ? "engine not recognised" : advice.engine}): measured seconds-to-ready: cold ${coldSeconds.toFixed(0)} s, slowest ${worstSeconds.toFixed(0)} s` + (boots > 1 ? `, spread ${spreadSeconds.toFixed(0)} s over ${boots} boots` : ", one boot"),
    " Merge into your Deployment/StatefulSet, or: kubectl patch deployment NAME --type strategic --patch-file THIS_FILE"
  ].join("\n");
  commentKey(doc.getIn(["spec"]), "minReadySeconds", "a new pod must stay ready this long before it counts as available");
  commentKey(doc.getIn(["spec", "template", "spec"]), "terminationGracePeriodSeconds", "lets in-flight generations finish after SIGTERM");
  const c = doc.getIn(["spec", "template", "spec", "containers", 0]);
  commentKey(c, "startupProbe", `allows ${advice.startupBudgetSeconds} s of loading before a restart; liveness waits for it`);
  commentKey(c, "readinessProbe", "gates traffic: passes only when the model answers, not when the port opens");
  commentKey(c, "livenessProbe", "cheap and generous: never runs inference, so a busy pod is not restarted");
  return doc.toString({ lineWidth: 0 });
}

// src/probes/manifest-lint.ts
var import_yaml2 = __toESM(require_dist(), 1);
import { readFile } from "node:fs/promises";
var manifestFindingSchema = findingSchema.extend({
  /** `Kind/name` of the workload, e.g. `Deployment/inference-server`. */
  resource: external_exports.string(),
  /** Field path inside the resource, e.g. `spec.template.spec.containers[0].livenessProbe`. */
  field: external_exports.string(),
  file: external_exports.string(),
  /** 1-based line of the field (or of its container when the field is missing). */
  line: external_exports.number().int().optional()
});
var DEFAULT_INFERENCE_PATHS = [
  "/v1/completions",
  "/v1/chat/completions",
  "/generate",
  "/generate_stream",
  "/api/generate",
  "/api/chat",
  "/health_generate",
  "/v1/health/ready"
];
var portSchema = external_exports.union([external_exports.number(), external_exports.string()]);
var probeSchema2 = external_exports.looseObject({
  httpGet: external_exports.looseObject({ path: external_exports.string().optional(), port: portSchema }).optional(),
  tcpSocket: external_exports.looseObject({ port: portSchema }).optional(),
  exec: external_exports.looseObject({ command: external_exports.array(external_exports.string()).optional() }).optional(),
  grpc: external_exports.looseObject({ port: external_exports.number() }).optional(),
  initialDelaySeconds: external_exports.number().optional(),
  periodSeconds: external_exports.number().optional(),
  failureThreshold: external_exports.number().optional()
});
var containerSchema = external_exports.looseObject({
  name: external_exports.string(),
  resources: external_exports.looseObject({
    limits: external_exports.record(external_exports.string(), external_exports.union([external_exports.string(), external_exports.number()])).nullish(),
    requests: external_exports.record(external_exports.string(), external_exports.union([external_exports.string(), external_exports.number()])).nullish()
  }).nullish(),
  volumeMounts: external_exports.array(external_exports.looseObject({ name: external_exports.string(), mountPath: external_exports.string() })).nullish(),
  startupProbe: probeSchema2.nullish(),
  readinessProbe: probeSchema2.nullish(),
  livenessProbe: probeSchema2.nullish()
});
var podSpecSchema = external_exports.looseObject({
  containers: external_exports.array(containerSchema).min(1),
  volumes: external_exports.array(external_exports.looseObject({ name: external_exports.string(), emptyDir: external_exports.looseObject({ medium: external_exports.string().optional() }).nullish() })).nullish()
});
var templated = /* @__PURE__ */ new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"]);
var fieldName = (path) => path.map((p, i) => typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`).join("");
function isGpuResource(name) {
  return /^(?:nvidia\.com|amd\.com)\/gpu$|^nvidia\.com\/mig-/.test(name);
}
function gpuCount(c) {
  return Object.entries(c.resources?.limits ?? {}).filter(([k]) => isGpuResource(k)).reduce((n, [, v]) => n + (Number(v) || 0), 0);
}
function probeBudget(p) {
  return (p.initialDelaySeconds ?? 0) + (p.failureThreshold ?? 3) * (p.periodSeconds ?? 10);
}
var pathOf = (p) => p.httpGet?.path?.split("?")[0] ?? "/";
function describeProbe(p) {
  if (p.httpGet) return `httpGet ${p.httpGet.path ?? "/"}`;
  if (p.tcpSocket) return `tcpSocket ${p.tcpSocket.port}`;
  if (p.exec) return `exec ${(p.exec.command ?? []).join(" ").slice(0, 80)}`;
  return p.grpc ? "grpc" : "probe";
}
function lintContainer(c, base, pod, o) {
  const out = [];
  const load = o.loadSeconds;
  const inference = o.inferencePaths ?? DEFAULT_INFERENCE_PATHS;
  const loadText = `${load.toFixed(0)} s`;
  const guard = c.startupProbe ? "startupProbe" : c.livenessProbe ? "livenessProbe" : void 0;
  const guardProbe = c.startupProbe ?? c.livenessProbe;
  if (guard && guardProbe) {
    const budget = probeBudget(guardProbe);
    const settings = `initialDelaySeconds ${guardProbe.initialDelaySeconds ?? 0} + failureThreshold ${guardProbe.failureThreshold ?? 3} \xD7 periodSeconds ${guardProbe.periodSeconds ?? 10} = ${budget} s`;
    if (budget < load) {
      out.push({
        path: [...base, guard],
        id: guard === "startupProbe" ? "startup-kills-loading-pod" : "liveness-kills-loading-pod",
        severity: "critical",
        message: guard === "startupProbe" ? `The startupProbe gives up after ${budget} s but the image took ${loadText} to load in the gate: Kubernetes restarts the container before the model is loaded, in a loop.` : `The livenessProbe restarts the container after ${budget} s of failed checks and no startupProbe holds it off, but the image took ${loadText} to load in the gate: the pod is killed while loading weights, in a restart loop. Add a startupProbe that covers the load.`,
        evidence: settings
      });
    } else if (budget < 1.5 * load) {
      out.push({
        path: [...base, guard],
        id: "startup-thin-margin",
        severity: "medium",
        message: `The ${guard} allows ${budget} s, less than 1.5 \xD7 the measured load of ${loadText}: a slower node or a colder cache restarts the pod mid-load.`,
        evidence: settings
      });
    }
  }
  if (c.livenessProbe) {
    const p = c.livenessProbe;
    const cmd = (p.exec?.command ?? []).join(" ");
    if (p.httpGet && inference.includes(pathOf(p)) || inference.some((i) => cmd.includes(i))) {
      out.push({
        path: [...base, "livenessProbe"],
        id: "liveness-runs-inference",
        severity: "medium",
        message: "The livenessProbe depends on a generation: under load it times out and Kubernetes restarts a busy, healthy pod (a full reload). Keep inference in the readinessProbe; make liveness a cheap check.",
        evidence: describeProbe(p)
      });
    }
  }
  const r = c.readinessProbe;
  if (!r) {
    out.push({
      path: base,
      id: "no-readiness-probe",
      severity: "high",
      message: "The container has no readinessProbe: it receives traffic as soon as it starts, minutes before the model can answer."
    });
  } else if (r.tcpSocket) {
    out.push({
      path: [...base, "readinessProbe"],
      id: "readiness-port-only",
      severity: "high",
      message: "The readinessProbe only checks that the port is open: several engines (llama.cpp server, Ollama, the NIM proxy, most wrappers) accept connections before the weights are loaded, so traffic reaches a pod that answers errors. Probe a path that runs inference.",
      evidence: describeProbe(r)
    });
  } else if (r.httpGet && o.nonInferencePaths.includes(pathOf(r))) {
    out.push({
      path: [...base, "readinessProbe", "httpGet", "path"],
      id: "readiness-before-load",
      severity: "high",
      message: `The readinessProbe uses ${pathOf(r)}, which answers before the model is loaded: the pod is marked ready and receives traffic while it still loads weights. Probe a path that runs a one-token inference.`,
      evidence: describeProbe(r)
    });
  }
  const gpus = gpuCount(c);
  if ((o.needsGpu ?? true) && gpus === 0) {
    const requested = Object.keys(c.resources?.requests ?? {}).some(isGpuResource);
    out.push({
      path: [...base, "resources", "limits"],
      id: "no-gpu-limit",
      severity: "high",
      message: requested ? 'The GPU is requested but not limited: Kubernetes rejects extended resources in requests alone. Set resources.limits["nvidia.com/gpu"].' : "No nvidia.com/gpu in resources.limits: the device plugin assigns no GPU, so the pod may land on a CPU node or see GPUs the scheduler has given to others."
    });
  }
  if (o.needsShm ?? true) {
    const mount = c.volumeMounts?.find((m) => m.mountPath.replace(/\/$/, "") === "/dev/shm");
    const volume = mount ? pod.volumes?.find((v) => v.name === mount.name) : void 0;
    if (!mount) {
      out.push({
        path: [...base, "volumeMounts"],
        id: "no-shm-volume",
        severity: gpus > 1 ? "high" : "medium",
        message: `No memory-backed /dev/shm: containers get 64 MiB, which starves NCCL${gpus > 1 ? ` across the ${gpus} GPUs of this pod` : " and engine worker processes"}. Mount an emptyDir with medium: Memory at /dev/shm.`
      });
    } else if (volume?.emptyDir?.medium !== "Memory") {
      out.push({
        path: [...base, "volumeMounts"],
        id: "shm-not-memory",
        severity: "medium",
        message: `/dev/shm is mounted from volume ${mount.name}, which is not an emptyDir with medium: Memory; shared memory on disk slows NCCL and worker IPC.`
      });
    }
  }
  return out;
}
function offsetOf(doc, path) {
  for (let n = path.length; n > 0; n--) {
    const parent = n === 1 ? doc.contents : doc.getIn(path.slice(0, n - 1), true);
    const key = path[n - 1];
    if ((0, import_yaml2.isMap)(parent)) {
      const pair = parent.items.find((p) => (0, import_yaml2.isScalar)(p.key) && p.key.value === key);
      if (pair && (0, import_yaml2.isScalar)(pair.key) && pair.key.range) return pair.key.range[0];
    } else if ((0, import_yaml2.isSeq)(parent) && typeof key === "number") {
      const item = parent.items[key];
      if ((0, import_yaml2.isNode)(item) && item.range) return item.range[0];
    }
  }
  return void 0;
}
function lintManifestText(text, file, options) {
  const lineCounter = new import_yaml2.LineCounter();
  const docs = (0, import_yaml2.parseAllDocuments)(text, { lineCounter });
  if (!Array.isArray(docs)) throw new Error(`${file}: not a YAML stream`);
  const findings = [];
  const checked = [];
  let workloads = 0;
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) throw new Error(`${file}:${lineCounter.linePos(err.pos[0]).line}: invalid YAML: ${err.message.split("\n")[0]}`);
    const value = doc.toJS();
    const head = external_exports.looseObject({ kind: external_exports.string(), metadata: external_exports.looseObject({ name: external_exports.string().optional() }).optional() }).safeParse(value);
    if (!head.success || !templated.has(head.data.kind) && head.data.kind !== "Pod") continue;
    const resource = `${head.data.kind}/${head.data.metadata?.name ?? "(unnamed)"}`;
    const podPath = head.data.kind === "Pod" ? ["spec"] : ["spec", "template", "spec"];
    const podValue = podPath.reduce((v, k) => v && typeof v === "object" ? v[k] : void 0, value);
    const pod = podSpecSchema.safeParse(podValue);
    if (!pod.success) {
      const issue = pod.error.issues[0];
      throw new Error(`${file}: ${resource}: ${fieldName([...podPath, ...issue.path])}: ${issue.message}`);
    }
    workloads++;
    const containers = pod.data.containers.map((c, i) => ({ c, i }));
    const chosen = options.containerName ? containers.filter(({ c }) => c.name === options.containerName) : containers.some(({ c }) => gpuCount(c) > 0) ? containers.filter(({ c }) => gpuCount(c) > 0) : containers;
    if (options.containerName && chosen.length === 0) {
      throw new Error(`${file}: ${resource}: no container named "${options.containerName}" (found ${containers.map(({ c }) => c.name).join(", ")})`);
    }
    for (const { c, i } of chosen) {
      checked.push({ resource, name: c.name });
      for (const { path, ...rest } of lintContainer(c, [...podPath, "containers", i], pod.data, options)) {
        const offset = offsetOf(doc, path);
        const line = offset === void 0 ? void 0 : lineCounter.linePos(offset).line;
        findings.push({ ...rest, resource, field: fieldName(path), file, ...line !== void 0 ? { line } : {} });
      }
    }
  }
  if (workloads === 0) throw new Error(`${file}: no Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or Pod found`);
  return { findings: sortFindings(findings), containers: checked };
}
async function lintManifest(file, options) {
  let text;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new Error(`--k8s-manifest ${file}: cannot read: ${err.message}`, { cause: err });
  }
  return lintManifestText(text, file, options);
}

// src/probes/section.ts
var probesSectionSchema = external_exports.object({
  advice: probeAdviceSchema,
  yaml: external_exports.string(),
  manifest: external_exports.object({ file: external_exports.string(), findings: external_exports.array(manifestFindingSchema) }).nullable()
});
async function probesSection(measurement, options) {
  const facts = engineProbeFacts(options.engine);
  const worst = Math.max(...startupMeasurementSchema.parse(measurement).secondsToReady);
  const lint = options.manifestPath === void 0 ? void 0 : await lintManifest(options.manifestPath, {
    loadSeconds: worst,
    nonInferencePaths: options.nonInferencePaths ?? facts.earlyPaths,
    // An engine's ready path (TGI's /health generates) is as wrong for liveness as a completion.
    inferencePaths: facts.readyPath ? [...DEFAULT_INFERENCE_PATHS, facts.readyPath] : DEFAULT_INFERENCE_PATHS,
    ...options.containerName !== void 0 ? { containerName: options.containerName } : {},
    ...options.needsGpu !== void 0 ? { needsGpu: options.needsGpu } : {},
    ...options.needsShm !== void 0 ? { needsShm: options.needsShm } : {}
  });
  const containerName = options.containerName ?? lint?.containers[0]?.name;
  const advice = adviseProbes(measurement, {
    port: options.port,
    ...options.engine !== void 0 ? { engine: options.engine } : {},
    ...options.model !== void 0 ? { model: options.model } : {},
    ...containerName !== void 0 ? { containerName } : {}
  });
  return {
    advice,
    yaml: renderProbeYaml(advice),
    manifest: options.manifestPath === void 0 || !lint ? null : { file: options.manifestPath, findings: lint.findings }
  };
}

export {
  severitySchema,
  hygieneReportSchema,
  sortFindings,
  probesSectionSchema,
  probesSection,
  stripControl,
  truncate,
  escapeInline,
  escapeHtml,
  codeBlock,
  mermaidLabel,
  details,
  removeContainer,
  startContainer,
  groupAlive,
  killProcessGroup,
  startProcess
};
//# sourceMappingURL=chunk-UHQVXUYM.js.map
