#!/usr/bin/env node
import './require-node.ts';
import { commands } from './commands/index.ts';
import { EXIT } from '../exit-codes.ts';
import { nearest } from '../suggest.ts';
import { TOOL_VERSION } from '../version.ts';

const usage = `llm-gate: a promotion gate for self-hosted LLM inference images

Usage: llm-gate <command> [options]

Commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

Run 'llm-gate <command> --help' for a command's options.
Exit codes: 0 pass, 1 regression or quality/SLO failure, 2 bad usage/config/dataset, 3 the gate could not finish (or was interrupted).`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage}\n`);
    return name === undefined ? EXIT.usage : EXIT.pass;
  }
  if (name === '--version') {
    process.stdout.write(`${TOOL_VERSION}\n`);
    return EXIT.pass;
  }
  const command = commands[name];
  if (!command) {
    const near = nearest(name, Object.keys(commands));
    process.stderr.write(`error: unknown command '${name}'${near === undefined ? '' : `: did you mean '${near}'?`}\n\n${usage}\n`);
    return EXIT.usage;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    // Not a verdict: exit 1 would read as a regression. The stack only where asked for.
    const text = err instanceof Error ? ((process.env.LLM_GATE_DEBUG ? err.stack : undefined) ?? err.message) : String(err);
    process.stderr.write(`error: llm-gate could not finish: ${text}\n`);
    return EXIT.error;
  }
}

// Exit once the command has its answer: a server's leftover sockets or inherited pipes must not keep the gate alive.
process.exit(await main(process.argv.slice(2)));
