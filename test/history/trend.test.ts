import { describe, expect, it } from 'vitest';
import { readHistory } from '../../src/history/read.ts';
import { lastTags, trendCharts, trendPoint, trendTable } from '../../src/history/trend.ts';
import { LocalDirStore } from '../../src/store/local.ts';
import { makeReport } from '../compare/fixtures.ts';
import { useTempDirs } from '../store/helpers.ts';

const tempDir = useTempDirs();

describe('release trend', () => {
  it('orders releases by semver and keeps the last N', () => {
    expect(lastTags(['v1.10.0', 'v1.2.0', 'nightly', 'v1.9.0', 'v2.0.0-rc.1'], 3)).toEqual(['v1.10.0', 'v2.0.0-rc.1', 'nightly']);
    expect(lastTags(['v1.0.0'], 10)).toEqual(['v1.0.0']);
  });

  it('reads each line of a store, oldest first, with the run being reported on in its own trend', async () => {
    const store = new LocalDirStore(await tempDir());
    for (const tag of ['v1.0.0', 'v1.1.0', 'v1.2.0']) await store.write(makeReport({ tag }), { kind: 'tag', name: tag, line: 'a' });
    await store.write(makeReport({ tag: 'v1.0.0' }), { kind: 'tag', name: 'v1.0.0', line: 'b' });
    const all = await readHistory(store, { n: 2 });
    expect(all.lines.map((l) => [l.line, l.points.map((p) => p.tag)])).toEqual([
      ['a', ['v1.1.0', 'v1.2.0']],
      ['b', ['v1.0.0']],
    ]);
    const current = makeReport({ tag: 'v1.3.0' });
    const withCurrent = await readHistory(store, { n: 3, line: 'a', current: { tag: 'v1.3.0', report: current } });
    expect(withCurrent.lines[0]!.points.map((p) => p.tag)).toEqual(['v1.1.0', 'v1.2.0', 'v1.3.0']);
  });

  it('prints a table a person reads, and charts only where there is a trend', () => {
    const points = ['v1.0.0', 'v1.1.0'].map((tag) => trendPoint(tag, makeReport({ tag })));
    const table = trendTable(points);
    expect(table.split('\n')[0]).toMatch(/^tag\s+TTFT p99 ms\s+TPOT p50 ms\s+tok\/s\s+quality\s+ready s\s+accepted$/);
    expect(table.split('\n')).toHaveLength(3);
    expect(trendCharts(points.slice(0, 1), 'a')).toBe('');
  });
});
