// Writes what the settings' declarations (src/config/settings.ts) make outside the code: action.yml's
// `inputs:` section and the settings table docs/settings.md. `npm run gen:settings` after changing a
// declaration; test/inputs/settings.test.ts fails while either file differs from what this writes.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { ACTION_OWN_INPUTS, SETTING_INPUTS } from '../src/action/inputs.ts';
import { CONFIG_FILE_OPTION, SETTING_NAMES, SETTINGS, shownDefault, shownInputDefault, type Setting } from '../src/config/settings.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ACTION_YML = path.join(ROOT, 'action.yml');
export const SETTINGS_DOC = path.join(ROOT, 'docs/settings.md');

/** Folded descriptions wrap at this column; a description that fits in PLAIN_WIDTH stays on its line. */
const YAML_WIDTH = 110;
const PLAIN_WIDTH = 130;

/** One input as action.yml declares it: description (and its default, said in words) and the runner's default. */
export interface InputDeclaration {
  name: string;
  description: string;
  default: string;
}

const withDefault = (text: string, shown: string | undefined) => (shown === undefined ? text : `${text} Default ${shown}.`);

/** Every input of action.yml, in order: the config file, the settings the Action takes, the Action's own. */
export function declaredInputs(): InputDeclaration[] {
  return [
    { name: 'config', description: withDefault(CONFIG_FILE_OPTION.description, CONFIG_FILE_OPTION.defaultText), default: '' },
    ...SETTING_INPUTS.map((name) => ({ name, description: withDefault(SETTINGS[name].description, shownInputDefault(SETTINGS[name])), default: '' })),
    ...Object.entries(ACTION_OWN_INPUTS).map(([name, input]) => ({ name, description: input.description, default: input.default })),
  ];
}

/** A scalar as YAML reads it back unchanged on one line, else undefined. */
function plain(text: string): string | undefined {
  if (text === '' || text === 'true' || text === 'false') return undefined;
  try {
    return (parse(`k: ${text}`) as { k: unknown }).k === text ? text : undefined;
  } catch {
    return undefined;
  }
}

/** `description: TEXT` on one line where it fits and reads back the same, else folded (`>-`) at YAML_WIDTH. */
function descriptionYaml(text: string): string {
  const line = `    description: ${text}`;
  if (line.length <= PLAIN_WIDTH && plain(text) !== undefined) return line;
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    if (current !== '' && 6 + current.length + 1 + word.length > YAML_WIDTH) {
      lines.push(current);
      current = word;
    } else {
      current = current === '' ? word : `${current} ${word}`;
    }
  }
  lines.push(current);
  return ['    description: >-', ...lines.map((l) => `      ${l}`)].join('\n');
}

/** action.yml's `inputs:` section, from its `inputs:` line to its last input's last line. */
export function inputsYaml(): string {
  const entries = declaredInputs().map((input) =>
    [`  ${input.name}:`, descriptionYaml(input.description), '    required: false', `    default: ${plain(input.default) ?? `'${input.default}'`}`].join('\n'),
  );
  return ['inputs:', ...entries].join('\n');
}

/** `action` with its `inputs:` section (up to the blank line before `outputs:`) replaced by inputsYaml(). */
export function withGeneratedInputs(action: string): string {
  const start = action.indexOf('\ninputs:\n');
  const end = action.indexOf('\n\noutputs:\n');
  if (start < 0 || end < start) throw new Error('action.yml: expected an `inputs:` section followed by a blank line and `outputs:`');
  return `${action.slice(0, start + 1)}${inputsYaml()}${action.slice(end)}`;
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

function settingRow(name: keyof typeof SETTINGS): string {
  const s: Setting = SETTINGS[name];
  const cliDefault = shownDefault(s);
  const actionDefault = s.input === undefined ? cliDefault : shownInputDefault(s);
  const shown = actionDefault === cliDefault ? (cliDefault ?? '') : `${cliDefault ?? 'none'}; the Action: ${actionDefault ?? 'none'}`;
  const merge = s.merge === 'append' ? " Added to the file's list." : s.merge === 'target' ? " Replaces the file's target kind." : '';
  return `| \`${s.path.join('.')}\` | \`--${name} ${s.flag.arg}\`${s.flag.multiple ? ' (repeatable)' : ''} | ${s.input === undefined ? '' : `\`${name}\``} | ${cell(shown)} | ${cell(`${s.description}${merge}`)} |`;
}

/** docs/settings.md: one row per setting, with its key in llm-gate.yml, its flag, its input and its default. */
export function settingsDoc(): string {
  return [
    '# Settings',
    '',
    '<!-- Generated from src/config/settings.ts by `npm run gen:settings`; edit the declarations, not this file. -->',
    '',
    'Each setting is a key of llm-gate.yml, a flag of `llm-gate run` and, where named, an input of the Action',
    '(`with:`). A flag or an input overrides the file; whatever the source, the value is checked by the same',
    'schema and a bad one is named with its source: `--concurrency: …`, `input "concurrency": …`,',
    '`llm-gate.yml:4: field "bench.concurrency[1]": …`. Every other key of llm-gate.yml is set in the file only',
    '(src/config/schema.ts); the Action\'s own inputs are described in [action.yml](../action.yml).',
    '',
    '| llm-gate.yml | CLI flag | Action input | Default | What |',
    '|---|---|---|---|---|',
    `| (the file itself) | \`-${CONFIG_FILE_OPTION.flag.short}, --config ${CONFIG_FILE_OPTION.flag.arg}\` | \`config\` | ${cell(CONFIG_FILE_OPTION.defaultText)} | ${cell(CONFIG_FILE_OPTION.description)} |`,
    ...SETTING_NAMES.map(settingRow),
    '',
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(ACTION_YML, withGeneratedInputs(readFileSync(ACTION_YML, 'utf8')));
  writeFileSync(SETTINGS_DOC, settingsDoc());
}
