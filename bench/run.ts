/**
 * `npm run bench`: the project's benchmarks, one after another. `--only accuracy|trust` runs one.
 * A thin dispatcher: each benchmark lives in its own file and prints its own figures.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runAccuracyBench } from './accuracy.ts';

const { values } = parseArgs({
  options: { only: { type: 'string' }, quick: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
});
if (values.help) {
  process.stdout.write('Usage: node bench/run.ts [--only accuracy|trust] [--quick]\n');
  process.exit(0);
}
if (values.only !== undefined && values.only !== 'accuracy' && values.only !== 'trust') {
  process.stderr.write(`error: --only expects accuracy or trust, found "${values.only}"\n`);
  process.exit(2);
}

let code = 0;
if (values.only === undefined || values.only === 'accuracy') {
  code = Math.max(code, await runAccuracyBench({ quick: values.quick }));
}
if (values.only === undefined || values.only === 'trust') {
  const trustFile = new URL('./trust.ts', import.meta.url);
  if (existsSync(trustFile)) {
    const trust = (await import(trustFile.href)) as { runTrustBench?: () => Promise<unknown> };
    if (typeof trust.runTrustBench !== 'function') {
      process.stderr.write('error: bench/trust.ts does not export runTrustBench\n');
      code = Math.max(code, 1);
    } else {
      if (values.only === undefined) process.stdout.write('\n');
      const result = await trust.runTrustBench();
      code = Math.max(code, typeof result === 'number' ? result : 0);
    }
  } else if (values.only === 'trust') {
    process.stderr.write('error: bench/trust.ts is not there yet\n');
    code = 2;
  }
}
process.exitCode = code;
