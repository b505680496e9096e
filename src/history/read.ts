import type { Report } from '../report/schema.ts';
import type { BaselineStore } from '../store/types.ts';
import { lastTags, trendPoint, type TrendPoint } from './trend.ts';
import { errorText } from '../log.ts';

export interface LineHistory {
  line: string;
  points: TrendPoint[];
}

/**
 * The last `n` releases of each identity line in a store (or only `line`), oldest first. Reports stored
 * before lines existed are grouped as line `(none)`. A report that cannot be read is skipped with a note.
 */
export async function readHistory(store: BaselineStore, opts: { n: number; line?: string; current?: { tag: string; report: Report } }): Promise<{ lines: LineHistory[]; notes: string[] }> {
  const refs = (await store.list()).filter((r) => r.kind === 'tag' && (opts.line === undefined || r.line === opts.line));
  const byLine = new Map<string, typeof refs>();
  for (const r of refs) byLine.set(r.line ?? '(none)', [...(byLine.get(r.line ?? '(none)') ?? []), r]);
  if (opts.line !== undefined && !byLine.has(opts.line)) byLine.set(opts.line, []);
  const notes: string[] = [];
  const lines: LineHistory[] = [];
  for (const [line, lineRefs] of [...byLine].sort(([a], [b]) => a.localeCompare(b))) {
    const tags = new Set(lineRefs.map((r) => r.name));
    // The run being reported on is part of its own trend, stored or not (a failing run is never stored).
    if (opts.current) tags.add(opts.current.tag);
    const points: TrendPoint[] = [];
    for (const tag of lastTags([...tags], opts.n)) {
      if (opts.current?.tag === tag) {
        points.push(trendPoint(tag, opts.current.report));
        continue;
      }
      const ref = lineRefs.find((r) => r.name === tag)!;
      try {
        points.push(trendPoint(tag, await store.read(ref)));
      } catch (err) {
        notes.push(`skipped ${tag} of line ${line}: ${errorText(err)}`);
      }
    }
    lines.push({ line, points });
  }
  return { lines, notes };
}
