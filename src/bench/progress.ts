import { performance } from 'node:perf_hooks';
import { formatWait, plural } from '../report/format.ts';
import type { StepProgress } from './load.ts';
import { etaSeconds } from './table.ts';

/**
 * Progress over a whole sweep: which step of how many, and an ETA for the step and for all steps. Steps
 * not started yet are assumed to take as long as the finished ones did on average (or, before any
 * finished, as long as the current one is projected to). Sequentially sampled steps give an upper bound.
 */
export class SweepProgress {
  private readonly finishedS: number[] = [];
  private index = 0;
  private startedAt = performance.now();
  private readonly total: number;

  constructor(total: number) {
    this.total = total;
  }

  stepStarted(index: number): void {
    this.index = index;
    this.startedAt = performance.now();
  }

  stepEnded(): void {
    this.finishedS.push((performance.now() - this.startedAt) / 1000);
  }

  /** Seconds left in the step and in the sweep; null where nothing can be extrapolated yet. */
  eta(p: StepProgress): { step: number | null; all: number | null } {
    if (p.phase === 'warmup') return { step: null, all: null };
    const step = etaSeconds(p);
    if (step === null) return { step, all: null };
    const perStep = this.finishedS.length > 0 ? this.finishedS.reduce((a, b) => a + b, 0) / this.finishedS.length : p.elapsedS + step;
    return { step, all: step + (this.total - this.index - 1) * perStep };
  }

  /**
   * One line for a terminal or a log: `step 2/3 concurrency=8: 40/64 requests done, 0 failed, 8 in flight,
   * 6 s; ETA step 4 s, all 31 s`. Warm-up says so, since it is not measured.
   */
  line(profile: string, p: StepProgress): string {
    const head = `step ${this.index + 1}/${this.total} ${profile}`;
    if (p.phase === 'warmup') return `${head}: warm-up ${p.done}/${p.requests ?? '?'} (not measured), ${plural(p.inFlight, 'request')} in flight`;
    const of = p.requests === null ? '' : `/${p.sequential === true ? '≤' : ''}${p.requests}`;
    const { step, all } = this.eta(p);
    const upTo = p.sequential === true ? '≤ ' : '';
    const eta = step === null ? '' : `; ETA step ${upTo}${formatWait(step)}${this.total > 1 && all !== null ? `, all steps ${upTo}${formatWait(all)}` : ''}`;
    return `${head}: ${p.done}${of} ${p.done === 1 && of === '' ? 'request' : 'requests'} done, ${p.failed} failed, ${plural(p.inFlight, 'request')} in flight, ${formatWait(p.elapsedS)}${eta}`;
  }
}
