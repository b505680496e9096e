import * as core from '@actions/core';
import { loadGateConfig, readOverrides } from '../config/load.ts';
import type { GateConfig } from '../config/schema.ts';
import { datasetDimensionNames } from '../eval/dataset.ts';
import { SETTING_NAMES, SETTINGS, type ConfigOverrides, type SettingName } from '../config/settings.ts';
import { suggestion } from '../suggest.ts';

/** An input the user must fix; the Action fails naming the input, like the CLI exits 2 on a bad flag. */
export class InputError extends Error {
  override name = 'InputError';
}

/** Everything action.yml declares, parsed once; the gate's own settings go through the config schema. */
export interface ActionInputs {
  /** llm-gate.yml to read; undefined reads ./llm-gate.yml when it exists. */
  configPath: string | undefined;
  overrides: ConfigOverrides;
  /** Check run name, status context and comment marker. */
  name: string;
  token: string | undefined;
  checkRun: boolean;
  comment: boolean;
  jobSummary: boolean;
  /** A reason to skip the gate (neutral check run), or undefined to run it. */
  skip: string | undefined;
  /** Merge mode: report.json paths or globs of a matrix's cells to combine instead of running a gate. */
  merge: string[] | undefined;
}

function optional(name: string): string | undefined {
  const value = core.getInput(name);
  return value === '' ? undefined : value;
}

function boolean(name: string, fallback: boolean): boolean {
  const value = core.getInput(name);
  if (value === '') return fallback;
  if (/^(true|True|TRUE)$/.test(value)) return true;
  if (/^(false|False|FALSE)$/.test(value)) return false;
  throw new InputError(`input "${name}": expected true or false, found "${value}"`);
}

/** The Action's own inputs, beside the config file and the settings: as action.yml declares them (npm run gen:settings). */
export const ACTION_OWN_INPUTS = {
  name: {
    description:
      'Name of the check run, commit status context and PR comment. Give each gate of a matrix its own (e.g. `llm-gate (${{ matrix.gpu }})`) so they do not overwrite each other.',
    default: 'llm-gate',
  },
  'github-token': {
    description:
      'Token for the check run, commit status and PR comment. Needs `checks: write` (or `statuses: write`) and `pull-requests: write`. Empty: no GitHub reporting beyond the job summary and outputs.',
    default: '${{ github.token }}',
  },
  'check-run': {
    description: 'Create a check run with the verdict and annotations on failing dataset items (a commit status where checks cannot be written).',
    default: 'true',
  },
  comment: { description: 'On pull requests, keep one comment with the verdict, updated in place on every push.', default: 'true' },
  'job-summary': { description: 'Write the summary (tables and charts) to the job summary.', default: 'true' },
  merge: {
    description:
      "Merge mode: report.json paths or globs, one a line (e.g. `reports/*/report.json` after actions/download-artifact), of a matrix's cells. Instead of running a gate, the step combines them into one verdict (the worst cell's), one job summary and one check run; each cell was already compared with its own baseline line.",
    default: '',
  },
  skip: { description: 'Skip the gate and conclude the check run neutral (e.g. when no model files changed).', default: 'false' },
  'skip-reason': { description: 'Why the gate was skipped, shown on the check run. Default "skipped by the workflow".', default: '' },
} as const satisfies Record<string, { description: string; default: string }>;

/** The settings the Action takes as inputs of the same names (the rest are CLI-only). */
export const SETTING_INPUTS = SETTING_NAMES.filter((name) => SETTINGS[name].input !== undefined);

/** The inputs action.yml declares (a test keeps the two equal): the config file, the settings, the Action's own. */
export const ACTION_INPUTS: readonly string[] = ['config', ...SETTING_INPUTS, ...Object.keys(ACTION_OWN_INPUTS)];

/**
 * The runner passes a `with:` key that action.yml does not declare as INPUT_<NAME> anyway, with only a
 * warning: a misspelt input would be ignored. Throws InputError naming each one and the nearest input.
 */
function refuseUnknownInputs(env: NodeJS.ProcessEnv): void {
  const declared = new Map(ACTION_INPUTS.map((name) => [`INPUT_${name.replace(/ /g, '_').toUpperCase()}`, name]));
  const unknown = Object.keys(env).filter((key) => key.startsWith('INPUT_') && !declared.has(key));
  if (unknown.length === 0) return;
  throw new InputError(
    unknown.map((key) => {
      const name = key.slice('INPUT_'.length).toLowerCase();
      return `unknown input "${name}"${suggestion(name, ACTION_INPUTS, (n) => `"${n}"`)}`;
    }).join('\n'),
  );
}

/** Reads every input from the INPUT_* environment; throws InputError or ConfigError naming the input on a bad or unknown one. */
export function getInputs(): ActionInputs {
  refuseUnknownInputs(process.env);
  const overrides = readOverrides(
    SETTING_INPUTS,
    (name) => {
      const value = optional(name);
      return value === undefined ? undefined : [value];
    },
    (name) => `input "${name}"`,
  );
  const skip = boolean('skip', false);
  return {
    configPath: optional('config'),
    overrides,
    name: optional('name') ?? ACTION_OWN_INPUTS.name.default,
    token: optional('github-token'),
    checkRun: boolean('check-run', true),
    comment: boolean('comment', true),
    jobSummary: boolean('job-summary', true),
    skip: skip ? (optional('skip-reason') ?? 'skipped by the workflow') : undefined,
    merge: core.getMultilineInput('merge').length > 0 ? core.getMultilineInput('merge') : undefined,
  };
}

/** What the Action uses where neither llm-gate.yml nor an input sets a value (the settings' `input.fallback`). */
function actionFallbacks(): ConfigOverrides {
  const fallback = (name: SettingName) => SETTINGS[name].input?.fallback;
  return readOverrides(SETTING_INPUTS.filter((name) => fallback(name) !== undefined), (name) => [fallback(name)!], (name) => `input "${name}"`);
}

/**
 * The same loading as the CLI's: llm-gate.yml merged with the inputs, checked by the config schema and
 * normalised; where neither sets a value the Action's fallbacks apply (baselines on the git-branch store).
 */
export function loadActionConfig(inputs: ActionInputs, cwd = process.cwd()): Promise<GateConfig> {
  return loadGateConfig({
    env: process.env,
    ...(inputs.configPath !== undefined ? { path: inputs.configPath } : {}),
    overrides: inputs.overrides,
    fallbacks: actionFallbacks(),
    overridesSource: 'Action inputs',
    datasetDimensions: datasetDimensionNames,
    cwd,
  });
}
