import { execFileSync } from 'node:child_process';
import { describe, it } from 'vitest';

let cached: string | null | undefined;

/** Why docker cannot be used here, or null when `docker info` answers. Checked once per test file. */
export function dockerUnavailableReason(): string | null {
  if (cached !== undefined) return cached;
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'pipe', timeout: 20_000 });
    cached = null;
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim();
    cached = `docker info failed: ${(stderr.split('\n')[0] || (err as Error).message).slice(0, 120)}`;
  }
  return cached;
}

export function dockerAvailable(): boolean {
  return dockerUnavailableReason() === null;
}

/**
 * `describe` for tests that need a docker daemon. Without one the block is skipped with the reason in
 * its name, unless LLM_GATE_REQUIRE_DOCKER=1 (CI with docker), where a missing daemon fails the run.
 * `extraReason` lets a caller add its own precondition (e.g. a missing static binary to copy in).
 */
export function describeDocker(name: string, fn: () => void, extraReason?: string | null): void {
  const reason = dockerUnavailableReason() ?? extraReason ?? null;
  if (reason === null) {
    describe(name, fn);
  } else if (process.env.LLM_GATE_REQUIRE_DOCKER === '1') {
    describe(name, () => {
      it(`needs docker (LLM_GATE_REQUIRE_DOCKER=1) but ${reason}`, () => {
        throw new Error(reason);
      });
    });
  } else {
    describe.skip(`${name} (skipped: ${reason})`, fn);
  }
}
