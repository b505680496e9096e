import { codeBlock, details, escapeInline, stripControl } from './escape.ts';
import type { ManifestFinding, ProbesSection } from './schema.ts';

function measured(section: ProbesSection): string {
  const { coldSeconds, worstSeconds, spreadSeconds, boots } = section.advice.measurement;
  return `cold ${coldSeconds.toFixed(0)} s, slowest ${worstSeconds.toFixed(0)} s${boots > 1 ? `, spread ${spreadSeconds.toFixed(0)} s over ${boots} boots` : ''}`;
}

function where(f: ManifestFinding): string {
  return `${f.file}${f.line !== undefined ? `:${f.line}` : ''} ${f.resource} ${f.field}`;
}

/** Where the gate writes the probe YAML, beside report.json: a file to patch with, not text to copy out of a log. */
export const PROBES_FILE = 'k8s-probes.yaml';

function engineName(section: ProbesSection): string {
  return section.advice.engine === 'openai' ? 'a server whose engine was not recognised' : `a ${section.advice.engine} server`;
}

/**
 * The job-summary section: the manifest lint first (it can fail the gate), then the advice, folded away:
 * the YAML is in PROBES_FILE beside report.json.
 */
export function probesMarkdown(section: ProbesSection): string {
  const parts = [
    `### Kubernetes probes\n\nMeasured seconds-to-ready: ${measured(section)}. Probe settings for ${engineName(section)} are in \`${PROBES_FILE}\` beside report.json.`,
  ];
  if (section.manifest) {
    const { file, findings } = section.manifest;
    parts.push(
      findings.length === 0
        ? `Manifest ${escapeInline(file, 200)}: no probe problems for this load time.`
        : [
            `Manifest ${escapeInline(file, 200)}:`,
            '',
            '| Severity | Where | Finding |',
            '| --- | --- | --- |',
            ...findings.map((f) => `| ${f.severity} | ${escapeInline(where(f), 300)} | ${escapeInline(f.message, 400)} |`),
          ].join('\n'),
    );
  }
  const budget = section.advice.startupBudgetSeconds;
  parts.push(
    details(
      `Suggested probe settings (startup allowed ${budget} s)`,
      `${section.advice.notes.map((n) => `- ${escapeInline(n, 400)}`).join('\n')}\n\n${codeBlock(section.yaml, 8000, 'yaml')}`,
    ),
  );
  return parts.join('\n\n');
}

/** Lines for the CLI: manifest findings, then where the YAML to paste was written (`yamlPath`), not the YAML. */
export function probesText(section: ProbesSection, yamlPath: string): string[] {
  const lines = [`kubernetes probes: measured seconds-to-ready ${measured(section)}; suggested settings for ${engineName(section)} in ${yamlPath}`];
  if (section.manifest) {
    const { file, findings } = section.manifest;
    lines.push(findings.length === 0 ? `  ${file}: no probe problems for this load time` : `  ${file}:`);
    for (const f of findings) lines.push(`  ${f.severity.padEnd(8)} ${where(f)}: ${f.message}`);
  }
  return lines.map(stripControl);
}
