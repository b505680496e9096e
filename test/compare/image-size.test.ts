import { describe, expect, it } from 'vitest';
import { compareReports } from '../../src/compare/compare.ts';
import { compareConfigSchema } from '../../src/config/schema.ts';
import type { Report } from '../../src/report/schema.ts';
import { makeReport } from './fixtures.ts';

function report(sizeBytes: number | undefined): Report {
  const base = makeReport({});
  return sizeBytes === undefined ? base : { ...base, extras: { hygiene: { image: 'x', sizeBytes, layers: 3, user: '1000', findings: [] } } };
}

describe('image size as a tracked dimension', () => {
  const config = compareConfigSchema.parse({});

  it('regresses when the image grows beyond its tolerance', () => {
    const d = compareReports(report(10e9), report(14e9), config).dimensions['image.sizeBytes'];
    expect(d?.regressed).toBe(true);
    expect(d?.direction).toBe('lower-is-better');
  });

  it('passes a small growth and is absent when a report has no hygiene section', () => {
    expect(compareReports(report(10e9), report(10.5e9), config).dimensions['image.sizeBytes']?.regressed).toBe(false);
    expect(compareReports(report(10e9), report(undefined), config).dimensions['image.sizeBytes']).toBeUndefined();
  });
});
