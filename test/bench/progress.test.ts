import { describe, expect, it } from 'vitest';
import type { StepProgress } from '../../src/bench/load.ts';
import { SweepProgress } from '../../src/bench/progress.ts';

const measuring = (over: Partial<StepProgress> = {}): StepProgress => ({
  phase: 'measure',
  sent: 24,
  done: 20,
  failed: 1,
  inFlight: 4,
  elapsedS: 10,
  requests: 64,
  durationS: null,
  ...over,
});

describe('sweep progress', () => {
  it('names the step of how many, and gives an ETA for the step and for all steps', () => {
    const progress = new SweepProgress(3);
    progress.stepStarted(0);
    // 20 of 64 in 10 s: 22 s left in the step, and two more steps projected at 32 s each.
    expect(progress.line('concurrency=4', measuring())).toBe(
      'step 1/3 concurrency=4: 20/64 requests done, 1 failed, 4 requests in flight, 10 s; ETA step 22 s, all steps 1 min 26 s',
    );
  });

  it('says warm-up is not measured, and one request in the singular', () => {
    const progress = new SweepProgress(1);
    expect(progress.line('rate=2', measuring({ phase: 'warmup', done: 1, requests: 4, inFlight: 1 }))).toBe(
      'step 1/1 rate=2: warm-up 1/4 (not measured), 1 request in flight',
    );
    expect(progress.line('rate=2', measuring({ done: 1, requests: null, durationS: 30, inFlight: 1 }))).toContain('1 request done, 1 failed, 1 request in flight');
  });

  it('gives a sequentially sampled step as an upper bound', () => {
    const progress = new SweepProgress(1);
    expect(progress.line('concurrency=4', measuring({ requests: 512, sequential: true }))).toBe(
      'step 1/1 concurrency=4: 20/≤512 requests done, 1 failed, 4 requests in flight, 10 s; ETA step ≤ 4 min 6 s',
    );
  });
});
