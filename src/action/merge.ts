import * as core from '@actions/core';
import { mergeCells, mergedMarkdown, mergedReasons, mergedTitle } from '../merge/merge.ts';
import { readCells } from '../merge/read.ts';
import type { GitHubReporter, Notice } from '../report/github/reporter.ts';

/**
 * The Action's merge mode (`merge:` input): a matrix's report.json files, downloaded into one job, become
 * one verdict, one job summary and one check run. Nothing is booted; no baseline is read or stored (each
 * cell was compared with its own line when it ran). A pattern that matches nothing fails the step.
 */
export async function runMerge(patterns: string[], reporter: GitHubReporter | null, jobSummary: boolean, show: (n: Notice[]) => void): Promise<void> {
  let cells;
  try {
    cells = await readCells(patterns);
  } catch (err) {
    core.setOutput('verdict', 'error');
    core.setOutput('exit-code', '2');
    if (reporter) show((await reporter.finish({ error: (err as Error).message })).notices);
    core.setFailed(`llm-gate merge: ${(err as Error).message}`);
    return;
  }
  const merged = mergeCells(cells);
  const markdown = mergedMarkdown(merged, cells);
  core.setOutput('verdict', merged.verdict);
  core.setOutput('exit-code', merged.verdict === 'pass' ? '0' : merged.verdict === 'fail' ? '1' : '3');
  if (reporter) {
    const published = await reporter.finish({ merged: { verdict: merged.verdict, title: mergedTitle(merged), markdown } });
    show(published.notices);
    if (published.checkRun) core.setOutput('check-run-url', published.checkRun.url);
    if (published.comment) core.setOutput('comment-url', published.comment.url);
  }
  if (jobSummary) await core.summary.addRaw(markdown).write();
  if (merged.verdict !== 'pass') {
    const why = mergedReasons(merged).map((r) => `${r.dimension}: ${r.message}`).join('; ');
    core.setFailed(`${mergedTitle(merged)}: ${why.length > 1000 ? `${why.slice(0, 1000)}…` : why}`);
  }
}
