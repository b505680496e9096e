import { afterEach, describe, expect, it, vi } from 'vitest';
import { historyCommand } from '../../src/cli/commands/history.ts';
import { LocalDirStore } from '../../src/store/local.ts';
import { makeReport } from '../compare/fixtures.ts';
import { useTempDirs } from '../store/helpers.ts';

const tempDir = useTempDirs();
afterEach(() => vi.restoreAllMocks());

function captureOut(): () => string {
  const out: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  return () => out.join('');
}

describe('llm-gate history with nothing to show', () => {
  it('names the store, and for an unknown --line the lines it holds', async () => {
    const dir = await tempDir();
    await new LocalDirStore(dir).write(makeReport({ tag: 'v1.0.0' }), { kind: 'tag', name: 'v1.0.0', line: 'sim-model.cpu.abc' });
    const out = captureOut();
    expect(await historyCommand.run(['--store-dir', dir, '--line', 'sim-model.h100.abc'])).toBe(0);
    expect(out()).toBe(`no releases stored for line sim-model.h100.abc in local directory ${dir}; it holds lines sim-model.cpu.abc\n`);
  });

  it('says where it looked when the store is empty', async () => {
    const dir = await tempDir();
    const out = captureOut();
    expect(await historyCommand.run(['--store-dir', dir])).toBe(0);
    expect(out()).toBe(`no releases stored yet in local directory ${dir}\n`);
  });
});
