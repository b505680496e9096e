import { renderXyChart, sweepCharts, sweepComparisonCharts, ttftHistogram, worseningChart, type XyChart } from './charts.ts';
import { acceptanceSection } from './acceptance-md.ts';
import { identityLine } from './identity-md.ts';
import { codeBlock, details, escapeHtml, escapeInline } from './escape.ts';
import { extrasMarkdown, extrasWithoutView } from './extras.ts';
import { gpuMarkdown, serverMetricsMarkdown } from './metrics-tables.ts';
import {
  formatDuration,
  formatNumber,
  formatPercent,
  formatPercentiles,
  formatSigned,
  plural,
} from './format.ts';
import type { BenchRun, Comparison, ComparisonDimension, DimensionResult, Quality, Readiness, Report } from './schema.ts';

/**
 * Where a summary goes decides how long it may be: GitHub drops an oversize job summary whole (1 MiB per
 * step), and check run text and comment bodies stop at 65,535 characters. Bytes are counted, which is
 * never less than characters.
 */
export const SUMMARY_LIMITS = {
  jobSummary: 1_000_000,
  checkRun: 65_000,
  comment: 65_000,
} as const;

export interface SummaryOptions {
  /** Largest size in UTF-8 bytes; detail is dropped step by step until the summary fits. */
  maxBytes?: number;
  /** A title suffix naming the gate, for workflows that run several (a matrix). */
  name?: string;
  /** Markdown placed under the reasons (links to the run or check); trusted text only. */
  links?: string;
  /** Folds everything after the verdict, reasons and links into one collapsed section (PR comments). */
  collapse?: boolean;
  /** How a chart becomes markdown: a Mermaid block by default; the HTML report passes inline SVG. */
  chart?: (chart: XyChart) => string;
}

/** How much detail one rendering carries; the renderer walks down this list until the summary fits. */
interface Detail {
  itemsPerDimension: number;
  outputChars: number;
  logLines: number;
  charts: boolean;
  extras: boolean;
}

const DETAIL_LEVELS: Detail[] = [
  { itemsPerDimension: 50, outputChars: 400, logLines: 50, charts: true, extras: true },
  { itemsPerDimension: 20, outputChars: 160, logLines: 30, charts: true, extras: false },
  { itemsPerDimension: 5, outputChars: 80, logLines: 15, charts: true, extras: false },
  { itemsPerDimension: 0, outputChars: 0, logLines: 10, charts: false, extras: false },
];

/** The report as markdown for a job summary, check run or PR comment: verdict first, then evidence. */
export function renderSummary(report: Report, options: SummaryOptions = {}): string {
  const maxBytes = options.maxBytes ?? SUMMARY_LIMITS.jobSummary;
  for (const detail of DETAIL_LEVELS) {
    const text = renderAt(report, detail, options);
    if (Buffer.byteLength(text) <= maxBytes) return text;
  }
  // Even the leanest rendering is too long (thousands of reasons or dimensions): cut, and say so.
  const note = '\n\n_Summary cut to fit the size limit; report.json has everything._\n';
  const lean = renderAt(report, DETAIL_LEVELS[DETAIL_LEVELS.length - 1]!, options);
  const budget = Math.max(0, maxBytes - Buffer.byteLength(note));
  return `${Buffer.from(lean).subarray(0, budget).toString('utf8').replace(/\uFFFD$/, '')}${note}`;
}

function renderAt(report: Report, detail: Detail, options: SummaryOptions): string {
  const present = (sections: (string | null)[]): string[] => sections.filter((s): s is string => s !== null && s !== '');
  const chart = options.chart ?? renderXyChart;
  const runs = report.performance?.runs ?? [];
  const compared = report.comparison?.baseline != null;
  const head = present([headline(report, options.name), gatedLine(report), decidingList(report), acceptanceSection(report), identityLine(report), options.links ?? null]);
  const body = present([
    report.comparison ? comparisonSection(report.comparison, runs, detail, chart) : null,
    report.readiness ? readinessSection(report.readiness, detail) : null,
    report.quality ? qualitySection(report.quality, detail) : null,
    report.performance ? performanceSection(report.performance.runs, detail, compared, chart) : null,
    ...extrasMarkdown(report.extras ?? {}),
    detail.extras ? metricsSections(report) : null,
    detail.extras ? otherExtras(report) : null,
    footer(report),
  ]);
  const rest = options.collapse === true ? [details('Full report', body.join('\n\n'))] : body;
  return `${[...head, ...rest].join('\n\n')}\n`;
}

function regressedCount(report: Report): number {
  return Object.values(report.comparison?.dimensions ?? {}).filter((d) => d.regressed && d.accepted !== true).length;
}

const VERDICT_LABEL = { pass: 'PASS', fail: 'FAIL', error: 'ERROR' } as const;
/** Seen before the words are read; the words stay for screen readers and plain-text views. */
const VERDICT_ICON = { pass: '✅', fail: '❌', error: '⚠️' } as const;

/**
 * The verdict and why in a few words, plain text with nothing untrusted in it: the check run title, the
 * status description and the summary's first line share it.
 */
export function verdictDetail(report: Report): string {
  const reasons = report.reasons.length;
  if (report.verdict === 'pass') {
    const accepted = report.acceptance?.accepted.length ?? 0;
    if (accepted > 0) return `${plural(accepted, 'accepted regression')} against the baseline, nothing else regressed`;
    return report.comparison?.baseline
      ? 'no regressions against the baseline'
      : 'no baseline to compare with; absolute checks passed';
  }
  if (report.verdict === 'error') {
    return `the gate could not finish${reasons > 0 ? ` (${plural(reasons, 'reason')})` : ''}`;
  }
  const regressed = regressedCount(report);
  const others = reasons - regressed;
  const parts = [
    regressed > 0 ? plural(regressed, 'regression') : null,
    others > 0 ? plural(others, regressed > 0 ? 'other failure' : 'failed check') : null,
  ].filter((p): p is string => p !== null);
  return parts.length > 0 ? parts.join(', ') : 'see the reasons';
}

/** `llm-gate: FAIL — 2 regressions`, plain text. */
export function verdictTitle(report: Report): string {
  return `llm-gate: ${VERDICT_LABEL[report.verdict]} — ${verdictDetail(report)}`;
}

function headline(report: Report, name: string | undefined): string {
  const suffix = name !== undefined ? ` (${escapeInline(name, 80)})` : '';
  return `## ${VERDICT_ICON[report.verdict]} llm-gate: ${VERDICT_LABEL[report.verdict]} — ${verdictDetail(report)}${suffix}`;
}

/**
 * What was gated, in one line: the image (or the engine, for a command or URL target, whose command line
 * says nothing a reader needs), the model, the tag and the baseline it was compared with.
 */
function gatedLine(report: Report): string {
  const s = report.subject;
  const baseline = report.comparison?.baseline;
  const parts = [
    s.image !== undefined ? `image ${escapeInline(s.image, 120)}` : `engine ${escapeInline(s.engine ?? 'unknown', 40)}`,
    s.image !== undefined && s.engine !== undefined ? `engine ${escapeInline(s.engine, 40)}` : null,
    s.kubernetes !== undefined
      ? `${escapeInline(s.kubernetes.workload, 120)} in namespace ${escapeInline(s.kubernetes.namespace, 80)} of ${escapeInline(s.kubernetes.context, 80)}`
      : null,
    s.model !== undefined ? `model ${escapeInline(s.model, 120)}` : null,
    s.tag !== undefined ? `tag ${escapeInline(s.tag, 80)}` : null,
    baseline ? `baseline ${escapeInline(baseline.tag ?? baseline.ref, 80)}` : report.comparison ? 'no baseline' : null,
  ].filter((p): p is string => p !== null);
  return `**Gated:** ${parts.join(' · ')}`;
}

/** Reasons beyond this many fold into a collapsed list: the table below has the detail. */
const REASONS_SHOWN = 8;

/**
 * The dimensions that decided the verdict, one line each: a dimension that both regressed and fell below a
 * floor is named once, and a regression reads as `baseline → candidate (change)`, the interval and method
 * being in the table below.
 */
function decidingList(report: Report): string {
  if (report.reasons.length === 0) return '';
  const byDimension = new Map<string, string[]>();
  for (const r of report.reasons) {
    // Messages often repeat their dimension's name first; once is enough.
    const message = r.message.startsWith(`${r.dimension} `) ? r.message.slice(r.dimension.length + 1) : r.message;
    byDimension.set(r.dimension, [...(byDimension.get(r.dimension) ?? []), message]);
  }
  const dims = report.comparison?.dimensions ?? {};
  // Regressions first: they are what a gate against a baseline is for.
  const entries = [...byDimension].sort(([a], [b]) => Number(dims[b]?.regressed === true) - Number(dims[a]?.regressed === true));
  const item = ([dimension, messages]: [string, string[]]): string => {
    const d = dims[dimension];
    const parts = d?.regressed
      ? [
          `regressed ${formatValue(d, d.baseline)} → ${formatValue(d, d.candidate)} (${formatChange(d, d.relativeDelta ?? d.delta)}, tolerance ${formatTolerance(d)})`,
          ...messages.filter((m) => !m.startsWith('regressed')).map((m) => escapeInline(m, 300)),
        ]
      : messages.map((m) => escapeInline(m, 600));
    return `- **${escapeInline(dimension, 80)}**: ${parts.join('; ')}`;
  };
  const shown = entries.slice(0, REASONS_SHOWN).map(item).join('\n');
  const rest = entries.slice(REASONS_SHOWN);
  const heading = report.verdict === 'error' ? '**Why it could not finish:**' : '**Decided by:**';
  if (rest.length === 0) return `${heading}\n\n${shown}`;
  return `${heading}\n\n${shown}\n\n${details(`${plural(rest.length, 'more dimension')}`, rest.map(item).join('\n'))}`;
}

/** Score dimensions read in points (0.03 = 3 pt), as tolerances are written; others in their unit. */
function formatValue(d: ComparisonDimension, x: number): string {
  if (d.unit === 'share') return formatPercent(x);
  if (d.unit === undefined || d.unit === 'score') return formatNumber(x);
  return `${formatNumber(x)} ${escapeInline(d.unit, 12)}`;
}

function formatChange(d: ComparisonDimension, x: number): string {
  if (d.relativeDelta !== undefined) return formatPercent(x, true);
  if (d.unit === 'score' || d.unit === 'share') return `${formatSigned(Number((x * 100).toFixed(1)))} pt`;
  return formatSigned(x);
}

function formatDelta(d: ComparisonDimension): string {
  if (d.relativeDelta !== undefined) return `${formatSigned(d.delta)} (${formatPercent(d.relativeDelta, true)})`;
  return formatChange(d, d.delta);
}

/** The interval is on the relative change where relativeDelta is set, else on the absolute delta (schema). */
function formatInterval(d: ComparisonDimension): string {
  return d.ci ? `[${formatChange(d, d.ci[0])}, ${formatChange(d, d.ci[1])}]` : '—';
}

function formatTolerance(d: ComparisonDimension): string {
  if (d.tolerance === undefined) return '';
  if (d.relativeDelta !== undefined) return `±${formatPercent(d.tolerance)}`;
  return d.unit === 'score' || d.unit === 'share' ? `±${(d.tolerance * 100).toFixed(1)} pt` : `±${formatNumber(d.tolerance)}`;
}

function resultWord(d: ComparisonDimension): string {
  if (d.regressed && d.accepted === true) return '**accepted** (regressed)';
  if (d.regressed) return '**regressed**';
  if (d.improved === true) return 'improved';
  // Without an interval a change beyond the tolerance was shown but not decided (too few samples).
  const change = d.relativeDelta ?? d.delta;
  const worse = (d.direction === 'lower-is-better' ? change : -change) > (d.tolerance ?? 0);
  if (d.ci === null && worse) return 'worse, not decided (too little data)';
  return 'no significant change';
}

function comparisonSection(comparison: Comparison, runs: BenchRun[], detail: Detail, chart: (c: XyChart) => string): string {
  const lines = ['### Comparison with the baseline'];
  if (comparison.baseline === null) {
    lines.push(`No baseline${comparison.note !== undefined ? `: ${escapeInline(comparison.note, 400)}` : '.'}`);
    return lines.join('\n\n');
  }
  const dims = Object.entries(comparison.dimensions);
  if (comparison.note !== undefined) lines.push(escapeInline(comparison.note, 400));
  const problems = comparison.problems ?? [];
  if (problems.length > 0) {
    lines.push(
      ['**Not compared:**', ...problems.map((p) => `- **${escapeInline(p.dimension, 80)}**: ${escapeInline(p.message, 400)}`)].join('\n'),
    );
  }
  if (dims.length === 0) {
    lines.push('No dimension was present in both reports.');
    return lines.join('\n\n');
  }
  const rows = [
    '| Dimension | Baseline | Candidate | Delta | Interval | Tolerance | Result |',
    '|---|--:|--:|--:|:-:|:-:|---|',
    // Regressions first: they are what the reader came for.
    ...[...dims]
      .sort(([, a], [, b]) => Number(b.regressed) - Number(a.regressed))
      .map(([name, d]) => {
        const arrow = d.direction === 'lower-is-better' ? '↓' : '↑';
        return `| ${escapeInline(name, 80)} ${arrow} | ${formatValue(d, d.baseline)} | ${formatValue(d, d.candidate)} | ${formatDelta(d)} | ${formatInterval(d)} | ${formatTolerance(d)} | ${resultWord(d)} |`;
      }),
  ];
  lines.push(rows.join('\n'));
  const perDimension = dims.find(([, d]) => d.confidence !== undefined)?.[1].confidence;
  const coverage =
    perDimension !== undefined
      ? ` Intervals: ${formatPercent(perDimension)} two-sided per dimension${
          comparison.confidence !== undefined && comparison.tests !== undefined
            ? `, ${formatPercent(comparison.confidence)} over all ${plural(comparison.tests, 'test')}`
            : ''
        }; a dimension regresses when its whole interval lies beyond the tolerance.`
      : '';
  lines.push(`<sub>↑ higher is better, ↓ lower is better. Relative intervals and tolerances for latency and throughput, score points for quality.${coverage}</sub>`);
  const notes = dims.flatMap(([name, d]) => {
    const text = [d.method, d.note].filter((t): t is string => t !== undefined).join('; ');
    return text !== '' ? [`- ${escapeInline(name, 80)}: ${escapeInline(text, 300)}`] : [];
  });
  if (notes.length > 0) lines.push(details('How each dimension was decided', notes.join('\n')));
  if (detail.charts) {
    const worse = worseningChart(comparison);
    if (worse) lines.push(chart(worse));
    for (const c of sweepComparisonCharts(comparison, runs)) lines.push(chart(c));
  }
  return lines.join('\n\n');
}

function readinessSection(readiness: Readiness, detail: Detail): string {
  const lines = ['### Readiness'];
  if (readiness.ready) {
    const seconds = readiness.secondsToReady !== null ? formatDuration(readiness.secondsToReady) : 'unknown time';
    lines.push(`Ready after ${seconds} and ${plural(readiness.attempts, 'probe attempt')} (a real one-token inference).`);
  } else {
    lines.push(`**Not ready** after ${plural(readiness.attempts, 'probe attempt')}.`);
  }
  if (readiness.exit) {
    const { code, oomKilled, signal } = readiness.exit;
    const facts = [
      `exit code ${code ?? 'unknown'}`,
      signal !== undefined ? `signal ${escapeInline(signal, 20)}` : null,
      oomKilled ? '**killed for running out of memory (OOM)**' : null,
    ].filter((f): f is string => f !== null);
    lines.push(`The target exited: ${facts.join(', ')}.`);
  }
  if (readiness.lastError !== undefined) lines.push(`Last probe error: ${escapeInline(readiness.lastError, 400)}`);
  if (readiness.logTail && readiness.logTail.length > 0 && detail.logLines > 0) {
    const tail = readiness.logTail.slice(-detail.logLines);
    lines.push(details(`Last ${plural(tail.length, 'log line')}`, codeBlock(tail.join('\n'), 8000)));
  }
  return lines.join('\n\n');
}

function qualitySection(quality: Quality, detail: Detail): string {
  const ds = quality.dataset;
  const lines = [
    '### Quality',
    `Dataset ${escapeInline(ds.name, 80)} ${escapeInline(ds.version, 40)}, ${plural(ds.items, 'item')}, sha256 ${escapeInline(ds.sha256.slice(0, 12), 12)}.`,
  ];
  const dims = Object.entries(quality.dimensions);
  if (dims.length === 0) return [...lines, 'No dimension was scored.'].join('\n\n');
  lines.push(
    [
      '| Dimension | Score | Items | Threshold | Failing items |',
      '|---|--:|--:|--:|--:|',
      ...dims.map(([name, d]) => {
        const failing = d.items.filter(isFailing).length;
        const below = d.threshold !== undefined && d.score < d.threshold ? ' **below threshold**' : '';
        return `| ${escapeInline(name, 80)} | ${d.score.toFixed(3)}${below} | ${d.n} | ${d.threshold !== undefined ? d.threshold.toFixed(3) : '—'} | ${failing} |`;
      }),
    ].join('\n'),
  );
  const judged = dims.flatMap(([name, d]) => (d.judge ? [judgeNote(name, d)] : []));
  const requests = quality.requests
    ? `${plural(quality.requests.sent, 'model request')}, ${plural(quality.requests.retries, 'transport retry', 'transport retries')}, ${quality.requests.failed} failed (failed items score 0).`
    : null;
  const notes = [...judged, ...(requests ? [requests] : [])];
  if (notes.length > 0) lines.push(`<sub>${notes.join('<br>')}</sub>`);
  if (detail.itemsPerDimension > 0) {
    for (const [name, d] of dims) {
      const failing = d.items.filter(isFailing).sort((a, b) => a.score - b.score);
      if (failing.length === 0) continue;
      const shown = failing.slice(0, detail.itemsPerDimension);
      const table = [
        '| Item | Line | Score | Why | Output |',
        '|---|--:|--:|---|---|',
        ...shown.map(
          (item) =>
            `| ${escapeInline(item.id, 80)} | ${item.line ?? ''} | ${item.score.toFixed(2)} | ${escapeInline(item.error ?? item.reason ?? '', 200)} | ${escapeInline(item.output, detail.outputChars)} |`,
        ),
      ].join('\n');
      const more =
        failing.length > shown.length
          ? `\n\n_${failing.length - shown.length} more failing items not shown; report.json has all of them._`
          : '';
      lines.push(details(`Failing items in ${escapeHtml(name, 80)} (${failing.length} of ${d.n})`, table + more));
    }
  }
  return lines.join('\n\n');
}

/** Whether a judge-scored dimension may gate: its agreement with the dataset's human labels. */
function judgeNote(name: string, d: DimensionResult): string {
  const judge = `${escapeInline(name, 80)}: judged by ${escapeInline(d.judge!.model, 80)}`;
  const c = d.calibration;
  if (!c) return `${judge}, not calibrated against human labels.`;
  const kappa = c.kappa !== null ? `κ ${c.kappa.toFixed(2)}` : 'κ undefined';
  const verdict = c.trusted ? 'trusted' : '**not trusted: reported, not gating**';
  return `${judge}; agreement with ${plural(c.n, 'human label')}: ${kappa}, accuracy ${formatPercent(c.accuracy)} (floor κ ${c.floor.kappa.toFixed(2)}): ${verdict}.`;
}

function isFailing(item: { score: number; error?: string | undefined }): boolean {
  return item.score < 1 || item.error !== undefined;
}

function stepName(run: BenchRun): string {
  const load =
    run.concurrency !== undefined ? `concurrency ${run.concurrency}` : run.rate !== undefined ? `${run.rate} req/s` : '';
  const squash = (t: string): string => t.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (load === '' || squash(run.profile) === squash(load)) return escapeInline(run.profile, 60);
  return `${escapeInline(run.profile, 60)} · ${load}`;
}

function errorsCell(run: BenchRun): string {
  const kinds = Object.entries(run.errorsByKind).filter(([, n]) => n > 0);
  if (run.errors === 0) return '0';
  const byKind = kinds.map(([kind, n]) => `${escapeInline(kind, 30)} ${n}`).join(', ');
  return `**${run.errors}**${byKind !== '' ? ` (${byKind})` : ''}`;
}

function goodputCell(run: BenchRun): string {
  if (!run.goodput) return '—';
  return `${formatPercent(run.goodput.ratio)} (${formatNumber(run.goodput.requestsPerSec)} req/s)`;
}

function performanceSection(runs: BenchRun[], detail: Detail, compared: boolean, chart: (c: XyChart) => string): string {
  const lines = ['### Latency and throughput'];
  if (runs.length === 0) return [...lines, 'No load step ran.'].join('\n\n');
  lines.push(
    [
      '| Load step | OK / requests | Errors | TTFT ms p50 / p90 / p99 | TPOT ms p50 / p90 / p99 | ITL ms p50 / p90 / p99 | E2E ms p50 / p90 / p99 | Output tok/s | Req/s | Goodput |',
      '|---|--:|---|--:|--:|--:|--:|--:|--:|--:|',
      ...runs.map(
        (r) =>
          `| ${stepName(r)} | ${r.ok} / ${r.requests} | ${errorsCell(r)} | ${formatPercentiles(r.ttftMs)} | ${formatPercentiles(r.tpotMs)} | ${formatPercentiles(r.itlMs)} | ${formatPercentiles(r.e2eMs)} | ${formatNumber(r.outputTokensPerSec)} | ${formatNumber(r.requestsPerSec)} | ${goodputCell(r)} |`,
      ),
    ].join('\n'),
  );
  const counted = runs.filter((r) => r.tokenSource === 'counted').map((r) => escapeInline(r.profile, 60));
  const tokenized = runs.filter((r) => r.tokenSource === 'tokenizer').map((r) => escapeInline(r.profile, 60));
  const slo = runs.find((r) => r.goodput)?.goodput?.slo;
  const notes = [
    'TTFT: request sent to first generated token (reasoning and tool calls count). TPOT: (E2E − TTFT) / (output tokens − 1). ITL: each gap between streamed chunks spread over the tokens the chunk carried. E2E: request sent to last byte.',
    counted.length > 0
      ? `Output tokens were counted as one a chunk (no usage, no tokenizer endpoint), so ITL is per chunk, in: ${counted.join(', ')}.`
      : null,
    tokenized.length > 0 ? `Output tokens were counted with the engine's /tokenize (the server reported no usage) in: ${tokenized.join(', ')}.` : null,
    slo
      ? `Goodput: share of requests meeting ${Object.entries(slo)
          .map(([k, v]) => `${escapeInline(k, 40)} ≤ ${formatNumber(v)}`)
          .join(', ')}.`
      : null,
  ].filter((n): n is string => n !== null);
  lines.push(`<sub>${notes.join(' ')}</sub>`);
  if (detail.charts) {
    // Against a baseline, the comparison's charts show the sweep with both versions.
    if (!compared) for (const c of sweepCharts(runs)) lines.push(chart(c));
    const last = runs[runs.length - 1];
    const histogram = last ? ttftHistogram(last) : null;
    if (histogram) lines.push(details(`TTFT distribution, ${escapeHtml(last!.profile, 60)}`, chart(histogram)));
  }
  return lines.join('\n\n');
}

/** Server metrics and GPU samples as collapsed tables, only when there is room. */
function metricsSections(report: Report): string | null {
  const sections = [
    report.performance?.server ? serverMetricsMarkdown(report.performance.server) : null,
    report.performance?.gpu ? gpuMarkdown(report.performance.gpu) : null,
  ].filter((s): s is string => s !== null);
  return sections.length > 0 ? sections.join('\n\n') : null;
}

/** Sections without a view of their own as JSON in collapsed sections, only when there is room. */
function otherExtras(report: Report): string | null {
  const sections = extrasWithoutView(report.extras ?? {});
  if (sections.length === 0) return null;
  return sections
    .map(([key, value]) =>
      details(`More: ${escapeHtml(key, 60)}`, codeBlock(JSON.stringify(value, null, 2) ?? 'null', 6000)),
    )
    .join('\n\n');
}

function footer(report: Report): string {
  const started = Date.parse(report.subject.startedAt);
  const finished = Date.parse(report.subject.finishedAt);
  const took = Number.isFinite(started) && Number.isFinite(finished) ? ` in ${formatDuration((finished - started) / 1000)}` : '';
  return `<sub>llm-gate ${escapeInline(report.tool.version, 40)} · report.json schema ${report.schemaVersion} · finished ${escapeInline(report.subject.finishedAt, 40)}${took}</sub>`;
}
