import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Every test's temporary files (reports, stores, configs, build contexts) go under one folder
// per run, removed at the end: workers inherit TMPDIR, and os.tmpdir() reads it.
export default function setup(): () => void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'llm-gate-tests-'));
  process.env.TMPDIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
