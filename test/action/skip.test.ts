import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionEntries, runAction } from './runner.ts';

describe.each(actionEntries('main'))('a gate the workflow skips (%s)', (entry) => {
  it('is recorded as skipped without a target or an llm-gate.yml, which a skipping job does not have', async () => {
    const workspace = await mkdtemp(path.join(tmpdir(), 'llm-gate-skip-'));
    const run = await runAction(path.resolve(entry), { skip: 'true', 'skip-reason': 'docs-only change' }, {}, 30_000, workspace);
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({ verdict: 'skipped', 'exit-code': '0' });
    expect(run.summary).toContain('## llm-gate: SKIPPED');
    expect(run.summary).toContain('docs-only change');
  });
});
