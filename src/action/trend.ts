import type { GateConfig } from '../config/schema.ts';
import { readHistory } from '../history/read.ts';
import { trendCharts } from '../history/trend.ts';
import type { Report } from '../report/schema.ts';
import { createStore } from '../store/create.ts';
import { errorText } from '../log.ts';

/** Releases the job summary's trend shows. */
const TREND_RELEASES = 10;

/**
 * The trend of this run's identity line over the last releases in the store, this run included, as
 * Mermaid charts for the job summary; '' with fewer than two releases. Never throws: a store that
 * cannot be read costs the chart, not the verdict (the note says why).
 */
export async function trendMarkdown(config: GateConfig, report: Report, env: NodeJS.ProcessEnv): Promise<{ markdown: string; note?: string }> {
  if (!report.identity) return { markdown: '' };
  try {
    const store = createStore(config.compare, env);
    const tag = config.tag ?? 'this run';
    const { lines } = await readHistory(store, { n: TREND_RELEASES, line: report.identity.line, current: { tag, report } });
    const charts = trendCharts(lines[0]?.points ?? [], report.identity.line);
    return { markdown: charts ? `### Trend over the last releases\n\n${charts}\n` : '' };
  } catch (err) {
    return { markdown: '', note: `no trend chart: ${errorText(err)}` };
  }
}
