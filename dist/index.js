import { createRequire as __llmGateCreateRequire } from 'node:module'; const require = __llmGateCreateRequire(import.meta.url);
import {
  ConfigError,
  EXIT,
  SETTINGS,
  SETTING_NAMES,
  SUMMARY_LIMITS,
  createStore,
  datasetDimensionNames,
  loadGateConfig,
  mergeCells,
  mergedMarkdown,
  mergedReasons,
  mergedTitle,
  readCells,
  readHistory,
  readOverrides,
  renderSummary,
  runGateGuarded,
  suggestion,
  trendCharts,
  verdictTitle
} from "./chunks/chunk-WV2YHRPA.js";
import {
  checkAnnotations,
  clearTarget,
  clearTargets,
  completeCheckRun,
  conclusionFor,
  createCheckRun,
  createClient,
  debug,
  describeApiError,
  error,
  getInput,
  getMultilineInput,
  group,
  info,
  notice,
  readGitHubContext,
  requestOptions,
  saveCheckRun,
  saveTarget,
  setFailed,
  setOutput,
  setSecret,
  summary,
  warning
} from "./chunks/chunk-4JPWBJS4.js";
import {
  escapeInline
} from "./chunks/chunk-OIZKBE6S.js";
import "./chunks/chunk-HGILKTQ3.js";
import {
  external_exports
} from "./chunks/chunk-CBO2WUS7.js";
import {
  errorText
} from "./chunks/chunk-7VG5NXZU.js";

// src/report/github/comment.ts
function commentMarker(name) {
  return `<!-- llm-gate:${name.replace(/[^A-Za-z0-9._/ -]/g, "_").replace(/-{2,}/g, "-")} -->`;
}
async function upsertComment(client, ctx, pullNumber, name, body) {
  const marker = commentMarker(name);
  const text = `${marker}
${body}`;
  const comments = await client.paginate(client.rest.issues.listComments, {
    owner: ctx.owner,
    repo: ctx.repo,
    issue_number: pullNumber,
    per_page: 100,
    ...requestOptions()
  });
  for (const existing of comments.filter((c) => c.body?.startsWith(marker) === true)) {
    try {
      const { data: data2 } = await client.rest.issues.updateComment({
        owner: ctx.owner,
        repo: ctx.repo,
        comment_id: existing.id,
        body: text,
        ...requestOptions()
      });
      return { id: data2.id, url: data2.html_url, action: "updated" };
    } catch (err) {
      if (!describeApiError(err).permission) throw err;
    }
  }
  const { data } = await client.rest.issues.createComment({
    owner: ctx.owner,
    repo: ctx.repo,
    issue_number: pullNumber,
    body: text,
    ...requestOptions()
  });
  return { id: data.id, url: data.html_url, action: "created" };
}

// src/report/github/status.ts
async function postCommitStatus(client, ctx, name, conclusion, description) {
  await client.rest.repos.createCommitStatus({
    owner: ctx.owner,
    repo: ctx.repo,
    sha: ctx.sha,
    // Statuses have no neutral state: a skipped gate does not block.
    state: conclusion === "failure" ? "failure" : "success",
    context: name,
    // GitHub rejects descriptions over 140 characters.
    description: description.length > 140 ? `${description.slice(0, 139)}\u2026` : description,
    ...ctx.runUrl !== void 0 ? { target_url: ctx.runUrl } : {},
    ...requestOptions()
  });
}

// src/report/github/reporter.ts
var WRAPPER_BYTES = 2e3;
var GitHubReporter = class {
  #options;
  #checkRunId;
  #checksDenied;
  #notices = [];
  constructor(options) {
    this.#options = options;
  }
  /** The in-progress check run, for the post step to close if the job is cancelled. */
  get checkRunId() {
    return this.#checkRunId;
  }
  /** Shows the gate as running on the commit while the image boots. */
  async start() {
    if (!this.#options.checkRun) return [];
    try {
      this.#checkRunId = await createCheckRun(this.#options.client, this.#options.context, this.#options.name);
    } catch (err) {
      this.#checksDenied = describeApiError(err);
      this.#notices.push(this.#notice(this.#checksDenied, "create the check run", "checks: write", "Will post a commit status instead."));
    }
    return this.#takeNotices();
  }
  /**
   * Completes the check run and updates the comment. `skipped` concludes neutral; `error` (the gate threw
   * before it had a report) concludes failure, since a gate that could not decide must not pass.
   */
  async finish(outcome) {
    const result = { statusPosted: false, notices: [] };
    const { context, name } = this.#options;
    const report = "report" in outcome ? outcome.report : null;
    let conclusion;
    let title;
    let summary2;
    if ("report" in outcome) {
      conclusion = conclusionFor(outcome.report.verdict);
      title = verdictTitle(outcome.report);
      summary2 = renderSummary(outcome.report, { maxBytes: SUMMARY_LIMITS.checkRun, name });
    } else if ("merged" in outcome) {
      conclusion = conclusionFor(outcome.merged.verdict);
      title = outcome.merged.title;
      summary2 = outcome.merged.markdown.slice(0, SUMMARY_LIMITS.checkRun);
    } else if ("skipped" in outcome) {
      conclusion = conclusionFor("skipped");
      title = "llm-gate: SKIPPED";
      summary2 = `The gate was skipped: ${escapeInline(outcome.skipped, 500)}`;
    } else {
      conclusion = "failure";
      title = "llm-gate: ERROR \u2014 the gate could not finish";
      summary2 = `The gate failed before it could write a report: ${escapeInline(outcome.error, 2e3)}`;
    }
    if (this.#options.checkRun) {
      if (this.#checksDenied === void 0) {
        try {
          result.checkRun = await completeCheckRun(this.#options.client, context, name, this.#checkRunId, {
            conclusion,
            title,
            summary: summary2,
            annotations: report ? checkAnnotations(report, context.workspace) : []
          });
        } catch (err) {
          this.#checksDenied = describeApiError(err);
          this.#notices.push(this.#notice(this.#checksDenied, "complete the check run", "checks: write", "Posting a commit status instead."));
        }
      }
      if (this.#checksDenied !== void 0) {
        try {
          await postCommitStatus(this.#options.client, context, name, conclusion, title);
          result.statusPosted = true;
        } catch (err) {
          this.#notices.push(this.#notice(describeApiError(err), "post a commit status", "statuses: write"));
        }
      }
    }
    const merged = "merged" in outcome ? outcome.merged.markdown.slice(0, SUMMARY_LIMITS.comment - WRAPPER_BYTES) : null;
    if (this.#options.comment && (report || merged !== null) && context.pullRequest) {
      const links = context.runUrl !== void 0 ? `[Workflow run](${context.runUrl})` : void 0;
      const body = report ? renderSummary(report, {
        maxBytes: SUMMARY_LIMITS.comment - WRAPPER_BYTES,
        name,
        collapse: true,
        ...links !== void 0 ? { links } : {}
      }) : merged;
      try {
        result.comment = await upsertComment(this.#options.client, context, context.pullRequest.number, name, body);
      } catch (err) {
        this.#notices.push(this.#notice(describeApiError(err), `comment on pull request #${context.pullRequest.number}`, "pull-requests: write"));
      }
    }
    result.notices = this.#takeNotices();
    return result;
  }
  #notice(failure, what, permission, next = "") {
    const fork = this.#options.context.pullRequest?.fromFork === true;
    const why = failure.permission ? fork ? "This pull request comes from a fork, whose token is read-only whatever the workflow asks." : `The token needs "${permission}" in the workflow's permissions.` : "The GitHub API failed.";
    return {
      level: failure.permission ? "notice" : "warning",
      message: `llm-gate could not ${what} (${failure.status !== void 0 ? `HTTP ${failure.status}: ` : ""}${failure.message}). ${why} ${next} The verdict is in the job summary and the step outputs.`.replace(/ {2,}/g, " ")
    };
  }
  #takeNotices() {
    return this.#notices.splice(0);
  }
};

// src/action/event.ts
import { readFileSync } from "node:fs";
var eventSchema = external_exports.object({
  repository: external_exports.object({ default_branch: external_exports.string().optional() }).passthrough().optional(),
  pull_request: external_exports.object({ labels: external_exports.array(external_exports.object({ name: external_exports.string(), description: external_exports.string().nullable().optional() })).optional() }).passthrough().optional()
});
function readWorkflowEvent(file) {
  if (!file) return { labels: [] };
  try {
    const parsed = eventSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
    if (!parsed.success) return { labels: [] };
    const d = parsed.data;
    return {
      ...d.repository?.default_branch ? { defaultBranch: d.repository.default_branch } : {},
      labels: (d.pull_request?.labels ?? []).map((l) => ({ name: l.name, ...l.description ? { description: l.description } : {} }))
    };
  } catch {
    return { labels: [] };
  }
}
var ACCEPT_LABEL_PREFIX = "llm-gate:accept:";
function acceptFromLabels(labels) {
  return labels.flatMap((l) => {
    if (!l.name.startsWith(ACCEPT_LABEL_PREFIX)) return [];
    const dimensions = l.name.slice(ACCEPT_LABEL_PREFIX.length).split(",").map((d) => d.trim()).filter(Boolean);
    if (dimensions.length === 0) return [];
    return [{ dimensions, reason: l.description ?? `pull-request label "${l.name}"`, source: `pull-request label ${l.name}` }];
  });
}
function tagOfRef(ref) {
  return ref?.startsWith("refs/tags/") ? ref.slice("refs/tags/".length) : void 0;
}

// src/action/inputs.ts
var InputError = class extends Error {
  name = "InputError";
};
function optional(name) {
  const value = getInput(name);
  return value === "" ? void 0 : value;
}
function boolean(name, fallback) {
  const value = getInput(name);
  if (value === "") return fallback;
  if (/^(true|True|TRUE)$/.test(value)) return true;
  if (/^(false|False|FALSE)$/.test(value)) return false;
  throw new InputError(`input "${name}": expected true or false, found "${value}"`);
}
var ACTION_OWN_INPUTS = {
  name: {
    description: "Name of the check run, commit status context and PR comment. Give each gate of a matrix its own (e.g. `llm-gate (${{ matrix.gpu }})`) so they do not overwrite each other.",
    default: "llm-gate"
  },
  "github-token": {
    description: "Token for the check run, commit status and PR comment. Needs `checks: write` (or `statuses: write`) and `pull-requests: write`. Empty: no GitHub reporting beyond the job summary and outputs.",
    default: "${{ github.token }}"
  },
  "check-run": {
    description: "Create a check run with the verdict and annotations on failing dataset items (a commit status where checks cannot be written).",
    default: "true"
  },
  comment: { description: "On pull requests, keep one comment with the verdict, updated in place on every push.", default: "true" },
  "job-summary": { description: "Write the summary (tables and charts) to the job summary.", default: "true" },
  merge: {
    description: "Merge mode: report.json paths or globs, one a line (e.g. `reports/*/report.json` after actions/download-artifact), of a matrix's cells. Instead of running a gate, the step combines them into one verdict (the worst cell's), one job summary and one check run; each cell was already compared with its own baseline line.",
    default: ""
  },
  skip: { description: "Skip the gate and conclude the check run neutral (e.g. when no model files changed).", default: "false" },
  "skip-reason": { description: 'Why the gate was skipped, shown on the check run. Default "skipped by the workflow".', default: "" }
};
var SETTING_INPUTS = SETTING_NAMES.filter((name) => SETTINGS[name].input !== void 0);
var ACTION_INPUTS = ["config", ...SETTING_INPUTS, ...Object.keys(ACTION_OWN_INPUTS)];
function refuseUnknownInputs(env) {
  const declared = new Map(ACTION_INPUTS.map((name) => [`INPUT_${name.replace(/ /g, "_").toUpperCase()}`, name]));
  const unknown = Object.keys(env).filter((key) => key.startsWith("INPUT_") && !declared.has(key));
  if (unknown.length === 0) return;
  throw new InputError(
    unknown.map((key) => {
      const name = key.slice("INPUT_".length).toLowerCase();
      return `unknown input "${name}"${suggestion(name, ACTION_INPUTS, (n) => `"${n}"`)}`;
    }).join("\n")
  );
}
function getInputs() {
  refuseUnknownInputs(process.env);
  const overrides = readOverrides(
    SETTING_INPUTS,
    (name) => {
      const value = optional(name);
      return value === void 0 ? void 0 : [value];
    },
    (name) => `input "${name}"`
  );
  const skip = boolean("skip", false);
  return {
    configPath: optional("config"),
    overrides,
    name: optional("name") ?? ACTION_OWN_INPUTS.name.default,
    token: optional("github-token"),
    checkRun: boolean("check-run", true),
    comment: boolean("comment", true),
    jobSummary: boolean("job-summary", true),
    skip: skip ? optional("skip-reason") ?? "skipped by the workflow" : void 0,
    merge: getMultilineInput("merge").length > 0 ? getMultilineInput("merge") : void 0
  };
}
function actionFallbacks() {
  const fallback = (name) => SETTINGS[name].input?.fallback;
  return readOverrides(SETTING_INPUTS.filter((name) => fallback(name) !== void 0), (name) => [fallback(name)], (name) => `input "${name}"`);
}
function loadActionConfig(inputs, cwd = process.cwd()) {
  return loadGateConfig({
    env: process.env,
    ...inputs.configPath !== void 0 ? { path: inputs.configPath } : {},
    overrides: inputs.overrides,
    fallbacks: actionFallbacks(),
    overridesSource: "Action inputs",
    datasetDimensions: datasetDimensionNames,
    cwd
  });
}

// src/action/logger.ts
var actionLogger = {
  info: (m) => info(m),
  warn: (m) => warning(m),
  error: (m) => error(m),
  debug: (m) => debug(m),
  group: (title, fn) => group(title, fn)
};

// src/action/merge.ts
async function runMerge(patterns, reporter, jobSummary, show2) {
  let cells;
  try {
    cells = await readCells(patterns);
  } catch (err) {
    setOutput("verdict", "error");
    setOutput("exit-code", "2");
    if (reporter) show2((await reporter.finish({ error: err.message })).notices);
    setFailed(`llm-gate merge: ${err.message}`);
    return;
  }
  const merged = mergeCells(cells);
  const markdown = mergedMarkdown(merged, cells);
  setOutput("verdict", merged.verdict);
  setOutput("exit-code", merged.verdict === "pass" ? "0" : merged.verdict === "fail" ? "1" : "3");
  if (reporter) {
    const published = await reporter.finish({ merged: { verdict: merged.verdict, title: mergedTitle(merged), markdown } });
    show2(published.notices);
    if (published.checkRun) setOutput("check-run-url", published.checkRun.url);
    if (published.comment) setOutput("comment-url", published.comment.url);
  }
  if (jobSummary) await summary.addRaw(markdown).write();
  if (merged.verdict !== "pass") {
    const why = mergedReasons(merged).map((r) => `${r.dimension}: ${r.message}`).join("; ");
    setFailed(`${mergedTitle(merged)}: ${why.length > 1e3 ? `${why.slice(0, 1e3)}\u2026` : why}`);
  }
}

// src/action/trend.ts
var TREND_RELEASES = 10;
async function trendMarkdown(config, report, env) {
  if (!report.identity) return { markdown: "" };
  try {
    const store = createStore(config.compare, env);
    const tag = config.tag ?? "this run";
    const { lines } = await readHistory(store, { n: TREND_RELEASES, line: report.identity.line, current: { tag, report } });
    const charts = trendCharts(lines[0]?.points ?? [], report.identity.line);
    return { markdown: charts ? `### Trend over the last releases

${charts}
` : "" };
  } catch (err) {
    return { markdown: "", note: `no trend chart: ${errorText(err)}` };
  }
}

// src/action/outputs.ts
function reportOutputs(report) {
  const runs = report.performance?.runs ?? [];
  const last = runs[runs.length - 1];
  const figure = (x) => x === null || x === void 0 ? "" : String(Math.round(x * 1e3) / 1e3);
  const scores = Object.fromEntries(Object.entries(report.quality?.dimensions ?? {}).map(([name, d]) => [name, d.score]));
  return {
    verdict: report.verdict,
    "ttft-p99-ms": figure(last?.ttftMs.p99),
    "tpot-p50-ms": figure(last?.tpotMs.p50),
    "seconds-to-ready": figure(report.readiness?.secondsToReady),
    scores: JSON.stringify(scores),
    regressions: JSON.stringify(
      Object.entries(report.comparison?.dimensions ?? {}).filter(([, d]) => d.regressed).map(([name]) => name)
    )
  };
}

// src/action/main.ts
function show(notices) {
  for (const n of notices) (n.level === "notice" ? notice : warning)(n.message);
}
function maskSecrets(inputs, config) {
  if (inputs.token) setSecret(inputs.token);
  if (config?.target.apiKey) setSecret(config.target.apiKey);
  for (const name of config?.target.passEnv ?? []) {
    const value = process.env[name];
    if (value) setSecret(value);
  }
}
function reporterFor(inputs) {
  const context = readGitHubContext();
  if (!inputs.token || !context || !inputs.checkRun && !inputs.comment) return null;
  return new GitHubReporter({
    client: createClient(inputs.token, context.apiUrl),
    context,
    name: inputs.name,
    checkRun: inputs.checkRun,
    comment: inputs.comment
  });
}
var STEP_ANNOTATIONS_PER_LEVEL = 10;
function annotateStep(annotations) {
  const emit = { failure: error, warning, notice };
  for (const level of ["failure", "warning", "notice"]) {
    for (const a of annotations.filter((x) => x.annotation_level === level).slice(0, STEP_ANNOTATIONS_PER_LEVEL)) {
      emit[level](a.message, { title: a.title, file: a.path, startLine: a.start_line, endLine: a.end_line });
    }
  }
}
async function writeJobSummary(markdown) {
  try {
    await summary.addRaw(markdown).write();
  } catch (err) {
    warning(`could not write the job summary: ${errorText(err)}`);
  }
}
async function skipStep(inputs, reason) {
  setOutput("verdict", "skipped");
  setOutput("exit-code", "0");
  const reporter = reporterFor(inputs);
  if (reporter) show((await reporter.finish({ skipped: reason })).notices);
  if (inputs.jobSummary) await writeJobSummary(`## llm-gate: SKIPPED

${escapeInline(reason, 500)}
`);
}
async function mergeStep(inputs, patterns) {
  const reporter = reporterFor(inputs);
  if (reporter) show(await reporter.start());
  saveCheckRun(reporter?.checkRunId);
  await runMerge(patterns, reporter, inputs.jobSummary, show);
  saveCheckRun(void 0);
}
async function run() {
  let inputs;
  let config;
  const event = readWorkflowEvent(process.env.GITHUB_EVENT_PATH);
  try {
    inputs = getInputs();
    maskSecrets(inputs, void 0);
    Reflect.deleteProperty(process.env, "INPUT_GITHUB-TOKEN");
    if (inputs.skip !== void 0) {
      await skipStep(inputs, inputs.skip);
      return;
    }
    if (inputs.merge !== void 0) {
      await mergeStep(inputs, inputs.merge);
      return;
    }
    config = await group("llm-gate: configuration", () => loadActionConfig(inputs));
    config.compare.branch ??= process.env.GITHUB_BASE_REF || void 0;
    config.tag ??= tagOfRef(process.env.GITHUB_REF);
    config.compare.accept.push(...acceptFromLabels(event.labels));
    maskSecrets(inputs, config);
  } catch (err) {
    const usage = err instanceof InputError || err instanceof ConfigError;
    setOutput("verdict", "error");
    setOutput("exit-code", usage ? "2" : "3");
    setFailed(usage ? errorText(err) : `llm-gate could not start: ${errorText(err)}`);
    return;
  }
  const reporter = reporterFor(inputs);
  const notices = reporter ? await reporter.start() : [];
  show(notices);
  saveCheckRun(reporter?.checkRunId);
  let result;
  try {
    result = await runGateGuarded(config, {
      logger: actionLogger,
      env: process.env,
      runContext: {
        eventName: process.env.GITHUB_EVENT_NAME ?? "local",
        ...process.env.GITHUB_REF ? { ref: process.env.GITHUB_REF } : {},
        ...event.defaultBranch ? { defaultBranch: event.defaultBranch } : {}
      },
      ...inputs.token ? { githubToken: inputs.token } : {},
      hooks: {
        onCleanupState: saveTarget,
        onCleanedUp: (state) => clearTarget(state.kind)
      }
    });
    clearTargets();
  } catch (err) {
    const usage = err instanceof ConfigError;
    const message = usage ? errorText(err) : `llm-gate could not finish: ${errorText(err)}`;
    setOutput("verdict", "error");
    setOutput("exit-code", usage ? "2" : "3");
    if (reporter) show((await reporter.finish({ error: errorText(err) })).notices);
    saveCheckRun(void 0);
    setFailed(message);
    return;
  }
  const { report } = result;
  for (const [name, value] of Object.entries(reportOutputs(report))) setOutput(name, value);
  setOutput("exit-code", String(result.exitCode));
  setOutput("report-path", result.reportPath);
  setOutput("summary-path", result.summaryPath);
  const published = reporter ? await group("llm-gate: report to GitHub", () => reporter.finish({ report })) : null;
  saveCheckRun(void 0);
  if (published) {
    show(published.notices);
    notices.push(...published.notices);
    if (published.checkRun) setOutput("check-run-url", published.checkRun.url);
    if (published.comment) setOutput("comment-url", published.comment.url);
  }
  if (!published?.checkRun) annotateStep(checkAnnotations(report, readGitHubContext()?.workspace ?? process.cwd()));
  if (inputs.jobSummary) {
    const notes = notices.map((n) => `> ${escapeInline(n.message, 1e3)}`).join("\n>\n");
    const name = inputs.name !== "llm-gate" ? inputs.name : void 0;
    const trend = await trendMarkdown(config, report, inputs.token ? { ...process.env, GITHUB_TOKEN: inputs.token } : process.env);
    if (trend.note) info(trend.note);
    await writeJobSummary(`${renderSummary(report, name !== void 0 ? { name } : {})}${trend.markdown ? `
${trend.markdown}` : ""}${notes ? `
${notes}
` : ""}`);
  }
  if (report.verdict !== "pass") {
    const why = report.reasons.map((r) => `${r.dimension}: ${r.message}`).join("; ");
    const what = report.verdict === "fail" ? "the candidate failed the gate" : result.exitCode === EXIT.usage ? "the gate was given something it cannot use" : "the gate could not finish";
    setFailed(`${what}: ${why.length > 1e3 ? `${why.slice(0, 1e3)}\u2026` : why || report.verdict}`);
  }
}

// src/action/index.ts
await run();
process.exit();
//# sourceMappingURL=index.js.map
