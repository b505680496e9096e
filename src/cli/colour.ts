/**
 * Colour for the verdict on a terminal. Off when the stream is not a TTY, when TERM is `dumb`, or when
 * NO_COLOR is set to anything non-empty (no-color.org); FORCE_COLOR (not `0`) turns it on for a pipe.
 */
export function colourEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

const SGR = { pass: '1;32', fail: '1;31', error: '1;33' } as const;

/** `PASS`, `FAIL` or `ERROR`, bold green, red or yellow when `colour` is on. */
export function verdictWord(verdict: 'pass' | 'fail' | 'error', colour: boolean): string {
  const word = verdict.toUpperCase();
  return colour ? `\u001b[${SGR[verdict]}m${word}\u001b[0m` : word;
}
