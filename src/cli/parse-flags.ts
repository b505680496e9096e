import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { z } from 'zod';
import { EXIT } from '../exit-codes.ts';
import { suggestion } from '../suggest.ts';
import { errorText } from '../log.ts';

export type Parsed<T> = { ok: true; flags: T } | { ok: false; exitCode: number };

/** `error: MESSAGE` and the command's help on stderr; the exit code for bad usage. */
export function usageError(message: string, help: string): number {
  process.stderr.write(`error: ${message}\n\n${help}\n`);
  return EXIT.usage;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * parseArgs's error as a user reads it: an unknown flag is named with the nearest one the command takes
 * (`unknown flag --imagee: did you mean --image?`); other errors keep node's wording.
 */
export function describeArgsError(err: unknown, options: Options): string {
  const message = errorText(err);
  const unknown = /^Unknown option '(-{1,2})([^'=]+)/.exec(message);
  if ((err as NodeJS.ErrnoException).code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || !unknown) return message;
  const [, dashes, name] = unknown as unknown as [string, string, string];
  const flags = Object.entries(options).flatMap(([long, o]) => [`--${long}`, ...(o.short ? [`-${o.short}`] : [])]);
  return `unknown flag ${dashes}${name}${suggestion(`${dashes}${name}`, flags)}`;
}
type Values<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: false }>>['values'];

/** Parses strictly and answers --help; on a bad flag prints the help and gives the usage exit code. */
export function parseCommandArgs<O extends Options>(argv: string[], options: O, help: string): Parsed<Values<O>> {
  let values: Values<O>;
  try {
    ({ values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false }));
  } catch (err) {
    return { ok: false, exitCode: usageError(describeArgsError(err, options), help) };
  }
  if ((values as Record<string, unknown>).help) {
    process.stdout.write(`${help}\n`);
    return { ok: false, exitCode: EXIT.pass };
  }
  return { ok: true, flags: values };
}

/** parseCommandArgs, then the command's zod schema over the values, naming the first bad flag. */
export function parseCommandFlags<S extends z.ZodType>(argv: string[], options: Options, schema: S, help: string): Parsed<z.infer<S>> {
  const args = parseCommandArgs(argv, options, help);
  if (!args.ok) return args;
  const parsed = schema.safeParse(args.flags);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = issue.path[0] === undefined ? undefined : String(issue.path[0]);
    if (name !== undefined && (args.flags as Record<string, unknown>)[name] === undefined) {
      return { ok: false, exitCode: usageError(`missing --${name}: this command needs it`, help) };
    }
    const raw = name === undefined ? undefined : (args.flags as Record<string, unknown>)[name];
    const message = typeof raw === 'string' ? (numberFlagMessage(issue, raw) ?? issue.message) : issue.message;
    return { ok: false, exitCode: usageError(`${name === undefined ? '' : `--${name}: `}${message}`, help) };
  }
  return { ok: true, flags: parsed.data };
}

/**
 * A numeric flag's issue as the settings word theirs (`expected a whole number of at least 1, found "lots"`),
 * instead of zod's coercion wording (`expected number, received NaN`); undefined for any other issue.
 */
function numberFlagMessage(issue: z.core.$ZodIssue, raw: string): string | undefined {
  // A schema's own message (the settings' `wholeNumber`) already says it in words.
  if (!/^(Invalid input: expected (number|int)|Too (small|big): expected number)\b/.test(issue.message)) return undefined;
  const found = `found "${raw}"`;
  if (issue.code === 'invalid_type' && issue.expected === 'number') return `expected a number, ${found}`;
  if (issue.code === 'invalid_type' && issue.expected === 'int') return `expected a whole number, ${found}`;
  if ((issue.code === 'too_small' || issue.code === 'too_big') && issue.origin === 'number') {
    const bound = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
    const side = issue.code === 'too_small' ? (issue.inclusive ? 'of at least' : 'greater than') : issue.inclusive ? 'of at most' : 'less than';
    return `expected a number ${side} ${bound}, ${found}`;
  }
  return undefined;
}
