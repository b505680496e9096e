import { z } from 'zod';
import { ENGINE_NAMES, engineNameSchema } from '../engines/registry.ts';
import { identityFieldSchema } from '../report/identity.ts';
import { acceptEntrySchema } from '../report/schema.ts';
import { choiceError } from '../suggest.ts';
import { asList, asNumber, asText, TextFormError, wholeNumber, type TextReader } from './values.ts';

/**
 * One declaration per setting that a CLI flag and an Action input may override on top of llm-gate.yml. From
 * it come the config schema's field at `path` (schema.ts uses `value` itself), the overrides folded into the
 * file, the CLI's gate flags and their help, the Action's inputs and action.yml's `inputs:`, and the settings
 * table in docs/settings.md (`npm run gen:settings` writes both; test/inputs keeps them equal).
 */
export interface Setting<S extends z.ZodType = z.ZodType> {
  /** Where llm-gate.yml holds it: `['bench', 'concurrency']`. */
  path: readonly string[];
  /** The value as llm-gate.yml holds it, default included; flags and inputs are checked by this same schema. */
  value: S;
  /** How a flag's or an input's text becomes that value. */
  read: TextReader;
  /** Unset: replaces the file's value. `append`: adds to the file's list. `target`: replaces the file's target kind. */
  merge?: 'append' | 'target';
  /** `--NAME ARG`: a line of help (the default is appended); repeatable when `multiple`. */
  flag: { arg: string; help: string; multiple?: true };
  /**
   * The Action input of the same name; absent for CLI-only settings. `fallback`: what the Action uses when neither
   * the file nor the input sets it; `defaultText`: the Action's default as shown, where it differs from the CLI's.
   */
  input?: { fallback?: string; defaultText?: string };
  /** A sentence or two: action.yml's description of the input and the settings table's (the default is appended). */
  description: string;
  /** The default as shown, where the schema has none to show (it is decided at run time). */
  defaultText?: string;
}

/** Keeps each declaration's own types: its value's schema, and whether its flag repeats (for the flags' types). */
const setting = <S extends z.ZodType, F extends Setting['flag']>(s: Setting<S> & { flag: F }): Setting<S> & { flag: F } => s;

const STORE_KINDS = ['local', 'git', 'artifacts'] as const;

/** `/models:/root/.cache/huggingface` (read-only) or `…:rw`. */
const volumeSchema = z.strictObject({
  host: z.string().min(1),
  container: z.string().startsWith('/', 'must be an absolute path inside the container'),
  readOnly: z.boolean().default(true),
});

const asVolume: TextReader = (text) => {
  const m = /^(.+?):(\/[^:]*)(?::(ro|rw))?$/.exec(text);
  if (!m) throw new TextFormError(`expected HOST:/CONTAINER[:ro|rw], found "${text}"`);
  return [{ host: m[1]!, container: m[2]!, readOnly: m[3] !== 'rw' }];
};

// A value on the command line would land in shell history and process listings: names only, never echoed.
const asVariableName: TextReader = (text) => {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(text)) throw new TextFormError(`expected a variable name (passed by name from this environment), found "${text.split('=')[0]}=…"`);
  return [text];
};

/**
 * `tpot.p50,json_format: reason text`, one a line (a reason may hold any punctuation), each entry recording
 * `source`. An acceptance without dimensions or without a reason is never taken: the part is named.
 */
const asAcceptance: TextReader = (text, source) =>
  text
    .split('\n')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const colon = part.indexOf(':');
      const dimensions = (colon < 0 ? part : part.slice(0, colon)).split(',').map((d) => d.trim()).filter(Boolean);
      const reason = colon < 0 ? '' : part.slice(colon + 1).trim();
      if (dimensions.length === 0 || reason === '') {
        throw new TextFormError(`"${part}": expected "DIMENSION[,DIMENSION…]: reason", e.g. "tpot.p50,json_format: larger model, slower decode accepted"`);
      }
      return { dimensions, reason, source };
    });

export const SETTINGS = {
  image: setting({
    path: ['target', 'image'],
    value: z.string().min(1).optional(),
    read: asText,
    merge: 'target',
    flag: { arg: 'REF', help: 'run this container image (port published on 127.0.0.1)' },
    input: {},
    description: "Image reference to gate (run on the runner's docker). With `build`, the tag given to the built image.",
  }),
  build: setting({
    path: ['target', 'build'],
    value: z
      .strictObject({
        context: z.string().min(1),
        dockerfile: z.string().optional(),
        args: z.record(z.string(), z.string()).default({}),
      })
      .optional(),
    read: (text) => ({ context: text }),
    merge: 'target',
    flag: { arg: 'CONTEXT', help: 'docker build CONTEXT first (tagged --image if given)' },
    input: {},
    description: 'Docker build context to build the image from before gating it (e.g. `.` or `images/vllm`).',
  }),
  command: setting({
    path: ['target', 'command'],
    value: z.string().min(1).optional(),
    read: asText,
    merge: 'target',
    flag: { arg: 'CMD', help: 'spawn CMD (it must listen on --port on 127.0.0.1; PORT is set)' },
    input: {},
    description: 'Shell command that starts the server on 127.0.0.1:`port` instead of an image (killed at the end).',
  }),
  url: setting({
    path: ['target', 'url'],
    value: z.url().optional(),
    read: asText,
    merge: 'target',
    flag: { arg: 'URL', help: 'an already running OpenAI-compatible server' },
    input: {},
    description: 'Base URL of an already running OpenAI-compatible server (e.g. http://127.0.0.1:8000).',
  }),
  model: setting({
    path: ['target', 'model'],
    value: z.string().min(1).optional(),
    read: asText,
    flag: { arg: 'ID', help: 'model id sent in requests' },
    input: {},
    description: 'Model id to send in requests.',
    defaultText: 'the first model the server lists at /v1/models',
  }),
  port: setting({
    path: ['target', 'port'],
    value: wholeNumber(1, 65535).optional(),
    read: asNumber,
    flag: { arg: 'N', help: 'port the server listens on' },
    input: {},
    description: 'Port the server listens on (inside the container for images).',
    defaultText: "the engine's own when `engine` is set or the image is an engine's official one (tgi 80, llamacpp 8080, …), else an image's one EXPOSEd port, else 8000",
  }),
  gpus: setting({
    path: ['target', 'gpus'],
    value: z.string().optional(),
    read: asText,
    flag: { arg: 'SPEC', help: 'docker --gpus value for image targets (all, 2, device=0,1)' },
    input: {},
    description: 'docker --gpus value for image targets (`all`, `2`, `device=0,1`).',
    defaultText: 'none, CPU only',
  }),
  'shm-size': setting({
    path: ['target', 'shmSize'],
    value: z.string().optional(),
    read: asText,
    flag: { arg: 'SIZE', help: 'docker --shm-size for image targets (e.g. 16g)' },
    input: {},
    description: 'docker --shm-size for image targets (e.g. `16g`).',
    defaultText: "the engine preset's when gpus is set",
  }),
  volume: setting({
    path: ['target', 'volumes'],
    value: z.array(volumeSchema).default([]),
    read: asVolume,
    merge: 'append',
    flag: { arg: 'HOST:CTR[:rw]', help: 'mount a host folder (read-only unless :rw), e.g. a weight cache; repeatable', multiple: true },
    description: 'Host folders mounted into an image target, read-only unless `:rw` (a weight cache wants `:rw`).',
  }),
  env: setting({
    path: ['target', 'passEnv'],
    value: z.array(z.string()).default([]),
    read: asVariableName,
    merge: 'append',
    flag: { arg: 'NAME', help: 'pass the variable NAME from this environment into the target, by name (its value never reaches a log or a report); repeatable', multiple: true },
    description: "Names of variables passed from the gate's environment into the target (tokens); their values never reach a log or a report.",
  }),
  engine: setting({
    path: ['engine'],
    value: engineNameSchema.optional(),
    read: asText,
    flag: { arg: 'NAME', help: ENGINE_NAMES.join(' | ') },
    input: {},
    description: `Inference engine (${ENGINE_NAMES.join(', ')}), as \`engine\` in llm-gate.yml; \`openai\` is any other OpenAI-compatible server.`,
    defaultText: 'detected from what the server exposes',
  }),
  dataset: setting({
    path: ['eval', 'dataset'],
    value: z.string().default('datasets/starter/v1'),
    read: asText,
    flag: { arg: 'PATH', help: 'eval suite: a dataset folder or its dataset.yaml' },
    input: {},
    description: 'Eval dataset directory (holding dataset.yaml).',
  }),
  concurrency: setting({
    path: ['bench', 'concurrency'],
    value: z.array(wholeNumber(1)).min(1).default([4]),
    read: asList(asNumber),
    flag: { arg: 'LIST', help: 'load steps, e.g. 1,8,32' },
    input: {},
    description: 'Load steps as concurrency levels, comma- or newline-separated (e.g. `1, 4, 16`).',
  }),
  requests: setting({
    path: ['bench', 'requests'],
    value: wholeNumber(1).default(64),
    read: asNumber,
    flag: { arg: 'N', help: 'measured requests per load step; against a baseline, the first round: rounds go on until decided, up to 512 (bench.sequential)' },
    input: {},
    description: 'Measured requests per load step; against a baseline, the first round: rounds go on until decided, up to 512 (bench.sequential).',
  }),
  baseline: setting({
    path: ['compare', 'baseline'],
    value: z.string().default('auto'),
    read: asText,
    flag: { arg: 'SPEC', help: "auto | none | PATH of the previous tag's report.json" },
    input: {},
    description: "`auto` (the previous tag's report from the configured store), `none`, or the path of a report.json.",
  }),
  store: setting({
    path: ['compare', 'store'],
    value: z.enum(STORE_KINDS, { error: choiceError(STORE_KINDS) }).default('local'),
    read: asText,
    flag: { arg: 'KIND', help: 'where auto finds and stores baselines: local | git | artifacts' },
    // In a workflow the workspace is wiped by every checkout: baselines live on a branch of the repository.
    input: { fallback: 'git' },
    description:
      "Where `baseline: auto` finds baselines and where passing reports of tags and default-branch pushes are stored: `git` (the branch `llm-gate-baselines` of this repository, pushed through the checkout's remote with the workflow's token; needs actions/checkout and `contents: write` on tag and push runs), `artifacts` (earlier runs' artifacts, read-only), or `local` (a folder in the workspace, wiped by checkout).",
  }),
  accept: setting({
    path: ['compare', 'accept'],
    value: z.array(acceptEntrySchema).default([]),
    read: asAcceptance,
    merge: 'append',
    flag: { arg: "'DIMS: WHY'", help: "accept these dimensions' regressions on purpose, e.g. 'tpot.p50,json_format: larger model'; recorded in the report and summary; repeatable", multiple: true },
    input: {},
    description:
      'Regressions accepted on purpose, `DIMENSIONS: reason`, one a line (e.g. `tpot.p50,json_format: larger model, slower decode accepted`). They are recorded as accepted in report.json, the summary and the check run; what nobody accepted still fails. A pull-request label `llm-gate:accept:DIMENSIONS` (reason: the label\'s description) does the same.',
  }),
  'allow-change': setting({
    path: ['compare', 'allowChange'],
    value: z.array(identityFieldSchema).default([]),
    read: asList(asText),
    merge: 'append',
    flag: { arg: 'LIST', help: 'compare with a baseline of another model,engine,gpu,dataset instead of refusing' },
    input: {},
    description: 'Compare with a baseline that measured another `model`, `engine` (major version), `gpu` or `dataset` (comma-separated) instead of refusing it.',
    defaultText: 'refuse, naming the field that differs',
  }),
  tag: setting({
    path: ['tag'],
    value: z.string().optional(),
    read: asText,
    flag: { arg: 'TAG', help: "this candidate's tag (stored as the next baseline when it passes)" },
    input: { defaultText: 'the pushed tag on a tag run (GITHUB_REF refs/tags/...), else none' },
    description: "Tag of this candidate, used to find the previous tag's baseline and to store this report.",
  }),
  out: setting({
    path: ['out'],
    value: z.string().default('llm-gate-out'),
    read: asText,
    flag: { arg: 'DIR', help: 'where report.json, summary.md and report.html go' },
    input: {},
    description: 'Directory for report.json, summary.md and report.html.',
  }),
  'k8s-manifest': setting({
    path: ['k8sManifest'],
    value: z.string().optional(),
    read: asText,
    flag: { arg: 'FILE', help: "check this Deployment's probes against the measured startup" },
    input: {},
    description: 'A Deployment/StatefulSet (or Helm-rendered) manifest whose probes are checked against the measured startup.',
  }),
} as const satisfies Record<string, Setting>;

export type SettingName = keyof typeof SETTINGS;
export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

/** Values of settings to fold into llm-gate.yml, as the file would hold them (already checked by each `value`). */
export type ConfigOverrides = { [K in SettingName]?: z.output<(typeof SETTINGS)[K]['value']> };

/**
 * A setting's text as a zod schema: one text per occurrence (a repeatable flag may have several), read into the
 * form llm-gate.yml holds, then checked by the setting's `value`, so its messages are the file's. `source` names
 * where the text came from for values that record it (`--accept`); the caller prefixes messages with it.
 */
export function settingTextSchema<K extends SettingName>(name: K, source: string) {
  const s: Setting = SETTINGS[name];
  const read = z.array(z.string()).transform((texts, ctx) => {
    try {
      return s.flag.multiple ? texts.flatMap((text) => s.read(text, source) as unknown[]) : s.read(texts[texts.length - 1]!, source);
    } catch (err) {
      if (!(err instanceof TextFormError)) throw err;
      ctx.addIssue({ code: 'custom', message: err.message });
      return z.NEVER;
    }
  });
  return read.pipe(SETTINGS[name].value);
}

/** One flag's text (`--concurrency 1,8`) as a zod schema, for a command that parses its flags with zod. */
export function settingFlagSchema<K extends SettingName>(name: K) {
  return z
    .string()
    .transform((text) => [text])
    .pipe(settingTextSchema(name, `--${name}`));
}

/** The config file itself: `-c, --config FILE` and the `config` input; read before any setting. */
export const CONFIG_FILE_OPTION = {
  flag: { arg: 'FILE', help: 'llm-gate.yml', short: 'c' },
  description: 'Path of the llm-gate.yml to read.',
  defaultText: './llm-gate.yml when it exists, else built-in defaults only',
} as const;

/** A default as help and docs show it: a list comma-separated, a scalar as written; nothing for an empty list or a mapping. */
function defaultValueText(value: unknown): string | undefined {
  if (Array.isArray(value)) return value.length > 0 ? value.join(',') : undefined;
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

/** The default a setting shows: its own text where the schema has none to show, else the schema's default. */
export function shownDefault(s: Setting): string | undefined {
  if (s.defaultText !== undefined) return s.defaultText;
  return s.value instanceof z.ZodDefault ? defaultValueText(s.value.def.defaultValue) : undefined;
}

/** The default the Action shows for an input: the Action's own where it has one, else the CLI's. */
export function shownInputDefault(s: Setting): string | undefined {
  return s.input?.defaultText ?? s.input?.fallback ?? shownDefault(s);
}
