import { describe, expect, it } from 'vitest';
import { hygieneMarkdown, hygieneText } from '../../src/report/hygiene-summary.ts';
import type { HygieneReport } from '../../src/report/schema.ts';

const report: HygieneReport = {
  image: 'acme/llm:1.2',
  sizeBytes: 9.5 * 1024 ** 3,
  layers: 31,
  user: '',
  findings: [
    { id: 'runs-as-root', severity: 'high', message: 'The image sets no USER.', evidence: 'Config.User=""' },
    { id: 'secret-in-history', severity: 'critical', message: 'A build step recorded a token.', evidence: '|1 X=<img src=x> | @team \u001b[31m' },
  ],
};

describe('hygiene summaries', () => {
  it('renders image facts and one escaped table row per finding', () => {
    const md = hygieneMarkdown(report);
    expect(md).toContain('acme/llm:1.2: 9.5 GiB');
    expect(md).toContain('31 layers, user root (no USER)');
    const row = md.split('\n').find((l) => l.includes('secret-in-history'))!;
    expect(row).not.toContain('<img');
    // Four columns: five unescaped pipes, whatever the evidence holds.
    expect(row.match(/(?<!\\)\|/g)).toHaveLength(5);
    expect(row).not.toContain('\u001b');
  });

  it('says so when there is nothing to report', () => {
    expect(hygieneMarkdown({ ...report, user: '1000', findings: [] })).toMatch(/user 1000\n\nNo findings\.$/);
  });

  it('prints one line per finding for the terminal, without control characters', () => {
    const lines = hygieneText(report);
    expect(lines[0]).toBe('image hygiene: acme/llm:1.2: 9.5 GiB, 31 layers, user root (no USER)');
    expect(lines).toHaveLength(3);
    expect(lines.join('\n')).not.toContain('\u001b');
  });
});
