import { escapeInline } from './escape.ts';
import type { Report } from './schema.ts';

/** What was measured, in one line under the subject: the reader sees that the comparison was like with like. */
export function identityLine(report: Report): string | null {
  const i = report.identity;
  if (!i) return null;
  const gpu = i.gpu ? (i.gpu.count > 0 ? `${i.gpu.count}x ${i.gpu.name}${i.gpu.driver ? ` (driver ${i.gpu.driver})` : ''}` : 'no GPU') : null;
  const runner = i.runner ? [i.runner.os, i.runner.arch, i.runner.name].filter(Boolean).join('/') : '';
  const parts = [
    i.engine ? `engine ${escapeInline(`${i.engine}${i.engineVersion ? ` ${i.engineVersion}` : ''}`, 60)}` : null,
    i.weightsDigest ? `weights ${escapeInline(i.weightsDigest.slice(0, 19), 30)}` : null,
    gpu ? escapeInline(gpu, 120) : null,
    i.datasetSha256 ? `dataset sha256 ${i.datasetSha256.slice(0, 12)}` : null,
    runner ? `runner ${escapeInline(runner, 80)}` : null,
    `baseline line ${escapeInline(i.line, 100)}`,
  ].filter((p): p is string => p !== null);
  return `Measured: ${parts.join(' · ')}`;
}
