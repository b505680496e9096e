import { codeBlock, escapeInline, stripControl } from '../report/escape.ts';
import type { ManifestFinding } from './manifest-lint.ts';
import type { ProbesSection } from './section.ts';

function measured(section: ProbesSection): string {
  const { coldSeconds, worstSeconds, spreadSeconds, boots } = section.advice.measurement;
  return `cold ${coldSeconds.toFixed(0)} s, slowest ${worstSeconds.toFixed(0)} s${boots > 1 ? `, spread ${spreadSeconds.toFixed(0)} s over ${boots} boots` : ''}`;
}

function where(f: ManifestFinding): string {
  return `${f.file}${f.line !== undefined ? `:${f.line}` : ''} ${f.resource} ${f.field}`;
}

/** The job-summary section: the manifest lint first (it can fail the gate), then the advice to paste. */
export function probesMarkdown(section: ProbesSection): string {
  const parts = [`### Kubernetes probes\n\nMeasured seconds-to-ready: ${measured(section)}.`];
  if (section.manifest) {
    const { file, findings } = section.manifest;
    parts.push(
      findings.length === 0
        ? `${escapeInline(file, 200)}: no probe problems for this load time.`
        : [
            `${escapeInline(file, 200)}:`,
            '',
            '| Severity | Where | Finding |',
            '| --- | --- | --- |',
            ...findings.map((f) => `| ${f.severity} | ${escapeInline(where(f), 300)} | ${escapeInline(f.message, 400)} |`),
          ].join('\n'),
    );
  }
  parts.push(`Suggested settings:\n\n${section.advice.notes.map((n) => `- ${escapeInline(n, 400)}`).join('\n')}`);
  parts.push(codeBlock(section.yaml, 8000));
  return parts.join('\n\n');
}

/** Lines for the CLI: manifest findings, then the YAML to paste. */
export function probesText(section: ProbesSection): string[] {
  const lines = [`kubernetes probes: measured seconds-to-ready ${measured(section)}`];
  if (section.manifest) {
    const { file, findings } = section.manifest;
    lines.push(findings.length === 0 ? `  ${file}: no probe problems for this load time` : `  ${file}:`);
    for (const f of findings) lines.push(`  ${f.severity.padEnd(8)} ${where(f)}: ${f.message}`);
  }
  lines.push('  suggested settings (paste or kubectl patch --type strategic):', ...section.yaml.trimEnd().split('\n').map((l) => `    ${l}`));
  return lines.map(stripControl);
}
