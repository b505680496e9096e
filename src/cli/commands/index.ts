import { benchCommand } from './bench.ts';
import { compareCommand } from './compare.ts';
import { demoCommand } from './demo.ts';
import { evalCommand } from './eval.ts';
import { reportCommand } from './report.ts';
import { historyCommand } from './history.ts';
import { mergeCommand } from './merge.ts';
import { planCommand } from './plan.ts';
import { runCommand } from './run.ts';
import { simulateCommand } from './simulate.ts';

export interface Command {
  summary: string;
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(argv: string[]): Promise<number>;
}

/** One line per command: adding a command touches its own file and this table. */
export const commands: Record<string, Command> = {
  run: runCommand,
  demo: demoCommand,
  simulate: simulateCommand,
  eval: evalCommand,
  compare: compareCommand,
  bench: benchCommand,
  report: reportCommand,
  history: historyCommand,
  merge: mergeCommand,
  plan: planCommand,
};
