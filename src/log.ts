/** Where stages write progress. The CLI prints to stderr; the Action maps onto @actions/core. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
  /** Runs `fn` inside a foldable section where the front end supports one. */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
}

export const stderrLogger: Logger = {
  info: (m) => process.stderr.write(`${m}\n`),
  warn: (m) => process.stderr.write(`warning: ${m}\n`),
  error: (m) => process.stderr.write(`error: ${m}\n`),
  debug: (m) => {
    if (process.env.LLM_GATE_DEBUG) process.stderr.write(`debug: ${m}\n`);
  },
  group: async (title, fn) => {
    process.stderr.write(`\n== ${title}\n`);
    return fn();
  },
};

export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
  group: (_title, fn) => fn(),
};

/** An error's message for a log line or a report reason (the value itself when something else was thrown). */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
