import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { z } from 'zod';
import { EXIT } from '../exit-codes.ts';

export type Parsed<T> = { ok: true; flags: T } | { ok: false; exitCode: number };

/** `error: MESSAGE` and the command's help on stderr; the exit code for bad usage. */
export function usageError(message: string, help: string): number {
  process.stderr.write(`error: ${message}\n\n${help}\n`);
  return EXIT.usage;
}

/**
 * The flag handling every command shares: parse strictly, answer --help, then check the values
 * with the command's zod schema, naming the first bad flag.
 */
export function parseCommandFlags<S extends z.ZodType>(
  argv: string[],
  options: NonNullable<ParseArgsConfig['options']>,
  schema: S,
  help: string,
): Parsed<z.infer<S>> {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false }));
  } catch (err) {
    return { ok: false, exitCode: usageError((err as Error).message, help) };
  }
  if (values.help) {
    process.stdout.write(`${help}\n`);
    return { ok: false, exitCode: EXIT.pass };
  }
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const flag = issue.path[0] === undefined ? '' : `--${String(issue.path[0])}: `;
    return { ok: false, exitCode: usageError(`${flag}${issue.message}`, help) };
  }
  return { ok: true, flags: parsed.data };
}
