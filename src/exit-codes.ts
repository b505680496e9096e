/** The CLI's exit codes, a contract scripts rely on (DESIGN.md). */
export const EXIT = {
  pass: 0,
  fail: 1,
  usage: 2,
  error: 3,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
