import type { ParseArgsConfig } from 'node:util';
import { readOverrides } from '../config/load.ts';
import { CONFIG_FILE_OPTION, SETTING_NAMES, SETTINGS, shownDefault, type ConfigOverrides, type Setting, type SettingName } from '../config/settings.ts';

type SettingFlagOptions = {
  [K in SettingName]: (typeof SETTINGS)[K]['flag'] extends { multiple: true } ? { type: 'string'; multiple: true } : { type: 'string' };
};

/** Flags shared by every command that runs the gate on a target: the config file, one per setting, and help. */
export const gateFlagOptions = {
  config: { type: 'string', short: CONFIG_FILE_OPTION.flag.short },
  ...(Object.fromEntries(SETTING_NAMES.map((name) => [name, { type: 'string', ...(SETTINGS[name].flag.multiple ? { multiple: true } : {}) }])) as SettingFlagOptions),
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

const HELP_WIDTH = 100;
const HELP_COLUMN = 23;

/** `  --name ARG           help (default: X)`, wrapped at HELP_WIDTH and continued under the help column. */
function helpLine(flag: string, text: string): string {
  const head = `  ${flag}`;
  const indent = ' '.repeat(HELP_COLUMN);
  const lines: string[] = [];
  let line = head.length + 2 <= HELP_COLUMN ? head.padEnd(HELP_COLUMN) : `${head}  `;
  let empty = true;
  for (const word of text.split(' ')) {
    if (!empty && line.length + 1 + word.length > HELP_WIDTH) {
      lines.push(line);
      line = indent;
      empty = true;
    }
    line = empty ? `${line}${word}` : `${line} ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines.join('\n');
}

function withDefault(help: string, shown: string | undefined): string {
  return shown === undefined ? help : `${help} (default: ${shown})`;
}

function settingHelp(name: SettingName): string {
  const s: Setting = SETTINGS[name];
  return helpLine(`--${name} ${s.flag.arg}`, withDefault(s.flag.help, shownDefault(s)));
}

/** The gate flags' help, made from the settings' declarations: the target kinds first, then the other settings. */
export const gateFlagHelp = [
  'Target (one of):',
  ...SETTING_NAMES.filter((name) => SETTINGS[name].merge === 'target').map(settingHelp),
  'Settings:',
  helpLine(`-${CONFIG_FILE_OPTION.flag.short}, --config ${CONFIG_FILE_OPTION.flag.arg}`, withDefault(CONFIG_FILE_OPTION.flag.help, CONFIG_FILE_OPTION.defaultText)),
  ...SETTING_NAMES.filter((name) => SETTINGS[name].merge !== 'target').map(settingHelp),
].join('\n');

type GateFlagValues = {
  [K in keyof typeof gateFlagOptions]?: (typeof gateFlagOptions)[K] extends { multiple: true }
    ? string[]
    : (typeof gateFlagOptions)[K]['type'] extends 'boolean'
      ? boolean
      : string;
};

/** The settings given as flags, each read and checked as llm-gate.yml's value is; throws ConfigError naming the flag. */
export function overridesFromFlags(values: GateFlagValues): ConfigOverrides {
  return readOverrides(
    SETTING_NAMES,
    (name) => {
      const value = values[name];
      return value === undefined ? undefined : typeof value === 'string' ? [value] : value;
    },
    (name) => `--${name}`,
  );
}
