import { createRequire as __llmGateCreateRequire } from 'node:module'; const require = __llmGateCreateRequire(import.meta.url);
import {
  external_exports
} from "./chunk-CBO2WUS7.js";
import {
  TargetError,
  errorText
} from "./chunk-7VG5NXZU.js";

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

// src/target/docker/args.ts
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

// src/target/docker/exec.ts
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
    child.stdin.on("error", () => void 0).end(options.input ?? "");
  });
}

// src/target/docker/cli.ts
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
async function imageIdentity(image, logger) {
  const inspect = ["image", "inspect", "--format", "{{json .}}", image];
  const what = `docker image inspect ${image}`;
  const first = await docker(inspect);
  let out = first.stdout.trim();
  if (first.code !== 0) {
    if (!/no such image/i.test(first.stderr)) throw new TargetError(`${what} failed (docker exit ${first.code}): ${first.stderr.trim().split("\n").slice(-5).join(" | ")}`);
    logger.info(`pulling ${image}: not on this machine`);
    await dockerOk(["pull", image], `docker pull ${image}`, { onLine: (l) => logger.info(`[pull] ${l}`) });
    out = await dockerOk(inspect, what);
  }
  const info = imageInspectSchema.parse(JSON.parse(out));
  const repoDigest = info.RepoDigests?.[0]?.split("@")[1];
  return { id: info.Id, digest: repoDigest, exposedPorts: Object.keys(info.Config?.ExposedPorts ?? {}) };
}

// src/target/docker/cleanup.ts
var containerCleanupSchema = external_exports.object({ kind: external_exports.literal("image"), container: external_exports.string().min(1) });
async function cleanUpContainer(state) {
  await removeContainer(state.container);
  return `removed container ${state.container}`;
}
var containerCleanupFailure = (state) => `could not remove container ${state.container}`;

// src/target/kubernetes/cleanup-state.ts
var runStateSchema = external_exports.object({
  kubeconfig: external_exports.string().optional(),
  context: external_exports.string().optional(),
  namespace: external_exports.string().min(1),
  /** True: the gate created the namespace and deletes it whole. False: it deletes `objects` only. */
  ephemeral: external_exports.boolean(),
  objects: external_exports.array(external_exports.object({ apiVersion: external_exports.string(), kind: external_exports.string(), name: external_exports.string(), namespace: external_exports.string() }))
});
var kubernetesCleanupSchema = external_exports.object({ kind: external_exports.literal("kubernetes"), run: runStateSchema });
var kubernetesCleanupFailure = () => "could not delete the Kubernetes run";

// src/target/process/group.ts
var KILL_GRACE_MS = 5e3;
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

// src/target/process/cleanup.ts
var processCleanupSchema = external_exports.object({ kind: external_exports.literal("command"), pgid: external_exports.number().int().gt(1) });
async function cleanUpProcessGroup(state) {
  if (!groupAlive(state.pgid)) return void 0;
  await killProcessGroup(state.pgid);
  return `stopped process group ${state.pgid}`;
}
var processCleanupFailure = (state) => `could not stop process group ${state.pgid}`;

// src/target/cleanup.ts
var cleanupStateSchema = external_exports.discriminatedUnion("kind", [containerCleanupSchema, processCleanupSchema, kubernetesCleanupSchema]);
var CLEANERS = {
  image: { clean: (s) => cleanUpContainer(s), failure: containerCleanupFailure },
  command: { clean: (s) => cleanUpProcessGroup(s), failure: processCleanupFailure },
  kubernetes: {
    clean: async (s, waitS) => {
      const { deleteSavedRun } = await import("./cleanup-OVR5WIZE.js");
      return deleteSavedRun(s, waitS);
    },
    failure: kubernetesCleanupFailure
  }
};
async function cleanUpTarget(state, waitS) {
  const cleaner = CLEANERS[state.kind];
  try {
    const done = await cleaner.clean(state, waitS);
    return done === void 0 ? {} : { done };
  } catch (err) {
    return { failed: `${cleaner.failure(state)}: ${errorText(err)}` };
  }
}

export {
  stripControl,
  truncate,
  escapeInline,
  escapeHtml,
  codeBlock,
  mermaidLabel,
  details,
  dockerRunArgs,
  parsePublishedPort,
  DOCKER,
  docker,
  dockerOk,
  containerState,
  removeContainer,
  buildImage,
  imageIdentity,
  groupAlive,
  killProcessGroup,
  cleanupStateSchema,
  cleanUpTarget
};
//# sourceMappingURL=chunk-OIZKBE6S.js.map
