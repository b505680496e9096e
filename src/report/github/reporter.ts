import { escapeInline } from '../escape.ts';
import { renderSummary, SUMMARY_LIMITS, verdictTitle } from '../markdown.ts';
import type { Report, Verdict } from '../schema.ts';
import { checkAnnotations } from './annotations.ts';
import { completeCheckRun, conclusionFor, createCheckRun, type Conclusion } from './check-run.ts';
import { describeApiError, type ApiFailure, type GitHubClient } from './client.ts';
import { upsertComment } from './comment.ts';
import type { GitHubContext } from './context.ts';
import { postCommitStatus } from './status.ts';

/** Something the user should know about the reporting; the Action shows it as a notice or warning. */
export interface Notice {
  level: 'notice' | 'warning';
  message: string;
}

export interface ReporterOptions {
  client: GitHubClient;
  context: GitHubContext;
  /** Check run name, status context and comment marker; distinct per gate in a matrix. */
  name: string;
  checkRun: boolean;
  comment: boolean;
}

export interface PublishResult {
  checkRun?: { id: number; url: string };
  statusPosted: boolean;
  comment?: { id: number; url: string; action: 'created' | 'updated' };
  notices: Notice[];
}

/** Room left in a comment or check run text for the marker, links and the <details> wrapper. */
const WRAPPER_BYTES = 2_000;

/**
 * Reports one gate to GitHub: a check run started at the beginning and completed with the verdict (a commit
 * status where checks cannot be written), and one PR comment updated in place. Nothing here throws: a
 * token that may not write (a fork's) degrades to notices, and the job summary and outputs carry the verdict.
 */
export class GitHubReporter {
  readonly #options: ReporterOptions;
  #checkRunId: number | undefined;
  #checksDenied: ApiFailure | undefined;
  readonly #notices: Notice[] = [];

  constructor(options: ReporterOptions) {
    this.#options = options;
  }

  /** The in-progress check run, for the post step to close if the job is cancelled. */
  get checkRunId(): number | undefined {
    return this.#checkRunId;
  }

  /** Shows the gate as running on the commit while the image boots. */
  async start(): Promise<Notice[]> {
    if (!this.#options.checkRun) return [];
    try {
      this.#checkRunId = await createCheckRun(this.#options.client, this.#options.context, this.#options.name);
    } catch (err) {
      this.#checksDenied = describeApiError(err);
      this.#notices.push(this.#notice(this.#checksDenied, 'create the check run', 'checks: write', 'Will post a commit status instead.'));
    }
    return this.#takeNotices();
  }

  /**
   * Completes the check run and updates the comment. `skipped` concludes neutral; `error` (the gate threw
   * before it had a report) concludes failure, since a gate that could not decide must not pass.
   */
  async finish(
    outcome: { report: Report } | { skipped: string } | { error: string } | { merged: { verdict: Verdict; title: string; markdown: string } },
  ): Promise<PublishResult> {
    const result: PublishResult = { statusPosted: false, notices: [] };
    const { context, name } = this.#options;
    const report = 'report' in outcome ? outcome.report : null;
    let conclusion: Conclusion;
    let title: string;
    let summary: string;
    if ('report' in outcome) {
      conclusion = conclusionFor(outcome.report.verdict);
      title = verdictTitle(outcome.report);
      summary = renderSummary(outcome.report, { maxBytes: SUMMARY_LIMITS.checkRun, name });
    } else if ('merged' in outcome) {
      // A matrix's cells as one check run (llm-gate merge): the summary is already rendered and escaped.
      conclusion = conclusionFor(outcome.merged.verdict);
      title = outcome.merged.title;
      summary = outcome.merged.markdown.slice(0, SUMMARY_LIMITS.checkRun);
    } else if ('skipped' in outcome) {
      conclusion = conclusionFor('skipped');
      title = 'llm-gate: SKIPPED';
      summary = `The gate was skipped: ${escapeInline(outcome.skipped, 500)}`;
    } else {
      conclusion = 'failure';
      title = 'llm-gate: ERROR — the gate could not finish';
      summary = `The gate failed before it could write a report: ${escapeInline(outcome.error, 2000)}`;
    }
    if (this.#options.checkRun) {
      if (this.#checksDenied === undefined) {
        try {
          result.checkRun = await completeCheckRun(this.#options.client, context, name, this.#checkRunId, {
            conclusion,
            title,
            summary,
            annotations: report ? checkAnnotations(report, context.workspace) : [],
          });
        } catch (err) {
          this.#checksDenied = describeApiError(err);
          this.#notices.push(this.#notice(this.#checksDenied, 'complete the check run', 'checks: write', 'Posting a commit status instead.'));
        }
      }
      if (this.#checksDenied !== undefined) {
        try {
          await postCommitStatus(this.#options.client, context, name, conclusion, title);
          result.statusPosted = true;
        } catch (err) {
          this.#notices.push(this.#notice(describeApiError(err), 'post a commit status', 'statuses: write'));
        }
      }
    }
    const merged = 'merged' in outcome ? outcome.merged.markdown.slice(0, SUMMARY_LIMITS.comment - WRAPPER_BYTES) : null;
    if (this.#options.comment && (report || merged !== null) && context.pullRequest) {
      const links = context.runUrl !== undefined ? `[Workflow run](${context.runUrl})` : undefined;
      const body = report
        ? renderSummary(report, {
            maxBytes: SUMMARY_LIMITS.comment - WRAPPER_BYTES,
            name,
            collapse: true,
            ...(links !== undefined ? { links } : {}),
          })
        : merged!;
      try {
        result.comment = await upsertComment(this.#options.client, context, context.pullRequest.number, name, body);
      } catch (err) {
        this.#notices.push(this.#notice(describeApiError(err), `comment on pull request #${context.pullRequest.number}`, 'pull-requests: write'));
      }
    }
    result.notices = this.#takeNotices();
    return result;
  }

  #notice(failure: ApiFailure, what: string, permission: string, next = ''): Notice {
    const fork = this.#options.context.pullRequest?.fromFork === true;
    const why = failure.permission
      ? fork
        ? 'This pull request comes from a fork, whose token is read-only whatever the workflow asks.'
        : `The token needs "${permission}" in the workflow's permissions.`
      : 'The GitHub API failed.';
    return {
      level: failure.permission ? 'notice' : 'warning',
      message: `llm-gate could not ${what} (${failure.status !== undefined ? `HTTP ${failure.status}: ` : ''}${failure.message}). ${why} ${next} The verdict is in the job summary and the step outputs.`.replace(/ {2,}/g, ' '),
    };
  }

  #takeNotices(): Notice[] {
    return this.#notices.splice(0);
  }
}
