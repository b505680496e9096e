import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { z } from 'zod';
import { EXIT } from '../exit-codes.ts';

export type Parsed<T> = { ok: true; flags: T } | { ok: false; exitCode: number };

/** `error: MESSAGE` and the command's help on stderr; the exit code for bad usage. */
export function usageError(message: string, help: string): number {
  process.stderr.write(`error: ${message}\n\n${help}\n`);
  return EXIT.usage;
}

type Options = NonNullable<ParseArgsConfig['options']>;
type Values<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: false }>>['values'];

/** Parses strictly and answers --help; on a bad flag prints the help and gives the usage exit code. */
export function parseCommandArgs<O extends Options>(argv: string[], options: O, help: string): Parsed<Values<O>> {
  let values: Values<O>;
  try {
    ({ values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false }));
  } catch (err) {
    return { ok: false, exitCode: usageError((err as Error).message, help) };
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
    const flag = issue.path[0] === undefined ? '' : `--${String(issue.path[0])}: `;
    return { ok: false, exitCode: usageError(`${flag}${issue.message}`, help) };
  }
  return { ok: true, flags: parsed.data };
}
