import * as core from '@actions/core';
import { ConfigError } from '../config/load.ts';
import type { GateConfig } from '../config/schema.ts';
import { EXIT } from '../exit-codes.ts';
import { runGateGuarded } from '../guard.ts';
import { escapeInline } from '../report/escape.ts';
import { renderSummary } from '../report/markdown.ts';
import { checkAnnotations, type Annotation } from '../report/github/annotations.ts';
import { createClient } from '../report/github/client.ts';
import { readGitHubContext } from '../report/github/context.ts';
import { GitHubReporter, type Notice } from '../report/github/reporter.ts';
import { acceptFromLabels, readWorkflowEvent, tagOfRef } from './event.ts';
import { getInputs, InputError, loadActionConfig, type ActionInputs } from './inputs.ts';
import { actionLogger } from './logger.ts';
import { runMerge } from './merge.ts';
import { trendMarkdown } from './trend.ts';
import { reportOutputs } from './outputs.ts';
import { clearTarget, clearTargets, saveCheckRun, saveTarget } from './state.ts';
import { errorText } from '../log.ts';

function show(notices: Notice[]): void {
  for (const n of notices) (n.level === 'notice' ? core.notice : core.warning)(n.message);
}

/** Secrets never reach the log: the token, the target's API key, and the variables passed into the target. */
function maskSecrets(inputs: ActionInputs, config: GateConfig | undefined): void {
  if (inputs.token) core.setSecret(inputs.token);
  if (config?.target.apiKey) core.setSecret(config.target.apiKey);
  for (const name of config?.target.passEnv ?? []) {
    const value = process.env[name];
    if (value) core.setSecret(value);
  }
}

function reporterFor(inputs: ActionInputs): GitHubReporter | null {
  const context = readGitHubContext();
  if (!inputs.token || !context || (!inputs.checkRun && !inputs.comment)) return null;
  return new GitHubReporter({
    client: createClient(inputs.token, context.apiUrl),
    context,
    name: inputs.name,
    checkRun: inputs.checkRun,
    comment: inputs.comment,
  });
}

/** Workflow-command annotations show at most this many per level and step. */
const STEP_ANNOTATIONS_PER_LEVEL = 10;

/**
 * Without a check run (a fork's read-only token, or check-run: false) failing items still reach the PR's
 * Files tab: workflow-command annotations need no permission, only fit fewer.
 */
function annotateStep(annotations: Annotation[]): void {
  const emit = { failure: core.error, warning: core.warning, notice: core.notice } as const;
  for (const level of ['failure', 'warning', 'notice'] as const) {
    for (const a of annotations.filter((x) => x.annotation_level === level).slice(0, STEP_ANNOTATIONS_PER_LEVEL)) {
      emit[level](a.message, { title: a.title, file: a.path, startLine: a.start_line, endLine: a.end_line });
    }
  }
}

async function writeJobSummary(markdown: string): Promise<void> {
  try {
    await core.summary.addRaw(markdown).write();
  } catch (err) {
    // Outside a runner (no GITHUB_STEP_SUMMARY) the outputs and summary.md still carry everything.
    core.warning(`could not write the job summary: ${errorText(err)}`);
  }
}

/** A gate the workflow skipped on purpose: recorded as skipped (check run, summary), with no config needed. */
async function skipStep(inputs: ActionInputs, reason: string): Promise<void> {
  core.setOutput('verdict', 'skipped');
  core.setOutput('exit-code', '0');
  const reporter = reporterFor(inputs);
  if (reporter) show((await reporter.finish({ skipped: reason })).notices);
  if (inputs.jobSummary) await writeJobSummary(`## llm-gate: SKIPPED\n\n${escapeInline(reason, 500)}\n`);
}

async function mergeStep(inputs: ActionInputs, patterns: string[]): Promise<void> {
  const reporter = reporterFor(inputs);
  if (reporter) show(await reporter.start());
  saveCheckRun(reporter?.checkRunId);
  await runMerge(patterns, reporter, inputs.jobSummary, show);
  saveCheckRun(undefined);
}

/** The Action: inputs -> config -> runGate -> outputs, job summary, check run, PR comment, step result. */
export async function run(): Promise<void> {
  let inputs: ActionInputs;
  let config: GateConfig;
  const event = readWorkflowEvent(process.env.GITHUB_EVENT_PATH);
  try {
    inputs = getInputs();
    maskSecrets(inputs, undefined);
    // A `command` target inherits this environment: the token must not reach the candidate's process.
    Reflect.deleteProperty(process.env, 'INPUT_GITHUB-TOKEN');
    // A skipped gate and merge mode boot nothing and need no gate config (their jobs have no target).
    if (inputs.skip !== undefined) {
      await skipStep(inputs, inputs.skip);
      return;
    }
    if (inputs.merge !== undefined) {
      await mergeStep(inputs, inputs.merge);
      return;
    }
    config = await core.group('llm-gate: configuration', () => loadActionConfig(inputs));
    // A pull request compares with the latest report of the branch it targets (baseline auto, no tag).
    config.compare.branch ??= process.env.GITHUB_BASE_REF || undefined;
    // A tag push gates that tag: it finds the previous tag's report and is stored as the next one's.
    config.tag ??= tagOfRef(process.env.GITHUB_REF);
    config.compare.accept.push(...acceptFromLabels(event.labels));
    maskSecrets(inputs, config);
  } catch (err) {
    // A bad input or config is the user's to fix (exit 2, as in the CLI); anything else is the gate's (3).
    const usage = err instanceof InputError || err instanceof ConfigError;
    core.setOutput('verdict', 'error');
    core.setOutput('exit-code', usage ? '2' : '3');
    core.setFailed(usage ? errorText(err) : `llm-gate could not start: ${errorText(err)}`);
    return;
  }

  const reporter = reporterFor(inputs);
  const notices: Notice[] = reporter ? await reporter.start() : [];
  show(notices);
  saveCheckRun(reporter?.checkRunId);

  let result: Awaited<ReturnType<typeof runGateGuarded>>;
  try {
    result = await runGateGuarded(config, {
      logger: actionLogger,
      env: process.env,
      runContext: {
        eventName: process.env.GITHUB_EVENT_NAME ?? 'local',
        ...(process.env.GITHUB_REF ? { ref: process.env.GITHUB_REF } : {}),
        ...(event.defaultBranch ? { defaultBranch: event.defaultBranch } : {}),
      },
      ...(inputs.token ? { githubToken: inputs.token } : {}),
      hooks: {
        onCleanupState: saveTarget,
        onCleanedUp: (state) => clearTarget(state.kind),
      },
    });
    // runGate stopped its target; the post step has nothing left to do.
    clearTargets();
  } catch (err) {
    // An out folder that cannot be used is the user's to fix (2); otherwise a bug or a broken runner (3).
    const usage = err instanceof ConfigError;
    const message = usage ? errorText(err) : `llm-gate could not finish: ${errorText(err)}`;
    core.setOutput('verdict', 'error');
    core.setOutput('exit-code', usage ? '2' : '3');
    if (reporter) show((await reporter.finish({ error: errorText(err) })).notices);
    saveCheckRun(undefined);
    core.setFailed(message);
    return;
  }

  const { report } = result;
  for (const [name, value] of Object.entries(reportOutputs(report))) core.setOutput(name, value);
  core.setOutput('exit-code', String(result.exitCode));
  core.setOutput('report-path', result.reportPath);
  core.setOutput('summary-path', result.summaryPath);

  const published = reporter ? await core.group('llm-gate: report to GitHub', () => reporter.finish({ report })) : null;
  saveCheckRun(undefined);
  if (published) {
    show(published.notices);
    notices.push(...published.notices);
    if (published.checkRun) core.setOutput('check-run-url', published.checkRun.url);
    if (published.comment) core.setOutput('comment-url', published.comment.url);
  }
  if (!published?.checkRun) annotateStep(checkAnnotations(report, readGitHubContext()?.workspace ?? process.cwd()));
  if (inputs.jobSummary) {
    const notes = notices.map((n) => `> ${escapeInline(n.message, 1000)}`).join('\n>\n');
    const name = inputs.name !== 'llm-gate' ? inputs.name : undefined;
    const trend = await trendMarkdown(config, report, inputs.token ? { ...process.env, GITHUB_TOKEN: inputs.token } : process.env);
    if (trend.note) core.info(trend.note);
    await writeJobSummary(`${renderSummary(report, name !== undefined ? { name } : {})}${trend.markdown ? `\n${trend.markdown}` : ''}${notes ? `\n${notes}\n` : ''}`);
  }
  if (report.verdict !== 'pass') {
    const why = report.reasons.map((r) => `${r.dimension}: ${r.message}`).join('; ');
    // Exit 2 is the workflow's to fix (a dataset, a config, an input), not the candidate's or the runner's.
    const what = report.verdict === 'fail' ? 'the candidate failed the gate' : result.exitCode === EXIT.usage ? 'the gate was given something it cannot use' : 'the gate could not finish';
    core.setFailed(`${what}: ${why.length > 1000 ? `${why.slice(0, 1000)}…` : why || report.verdict}`);
  }
}
