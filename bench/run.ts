/**
 * `npm run bench`: the project's benchmarks, one after another. `--only accuracy|trust|mde|peers` runs one.
 * A thin dispatcher: each benchmark lives in its own file and prints its own figures.
 */
import { parseArgs } from 'node:util';
import { runAccuracyBench } from './accuracy.ts';
import { runMdeBench } from './mde.ts';
import { runPeersBench } from './peers.ts';
import { runTrustBench } from './trust.ts';

const { values } = parseArgs({
  options: { only: { type: 'string' }, quick: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
});
if (values.help) {
  process.stdout.write('Usage: node bench/run.ts [--only accuracy|trust|mde|peers] [--quick]\n  --quick  fewer streams and runs: a smoke run in minutes, not the figures to quote\n');
  process.exit(0);
}
if (values.only !== undefined && !['accuracy', 'trust', 'mde', 'peers'].includes(values.only)) {
  process.stderr.write(`error: --only expects accuracy, trust, mde or peers, found "${values.only}"\n`);
  process.exit(2);
}

let code = 0;
if (values.only === undefined || values.only === 'accuracy') {
  code = Math.max(code, await runAccuracyBench({ quick: values.quick }));
}
if (values.only === undefined || values.only === 'trust') {
  if (values.only === undefined) process.stdout.write('\n');
  code = Math.max(code, await runTrustBench(values.quick ? { aaRuns: 20, abRuns: 5 } : {}));
}
if (values.only === undefined || values.only === 'mde') {
  if (values.only === undefined) process.stdout.write('\n');
  runMdeBench({ runs: values.quick ? 40 : 200, seed: 1 });
}
if (values.only === undefined || values.only === 'peers') {
  if (values.only === undefined) process.stdout.write('\n');
  await runPeersBench(values.quick ? { streams: [64] } : {});
}
process.exitCode = code;
