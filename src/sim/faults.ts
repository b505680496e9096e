import { mulberry32 } from '../random.ts';
import type { SimulatorFaults } from './options.ts';
import { hash32, unitFromKey } from './random.ts';

/**
 * Server-wide stalls, drawn lazily as time passes: the schedule depends only on the seed and the clock.
 * Gaps between stalls are exponential with mean `stallEveryMs`; each stall lasts `stallMs`.
 */
export class StallSchedule {
  private readonly faults: SimulatorFaults;
  private readonly rng: () => number;
  private nextStallAt: number;
  private stallUntil = 0;

  /** `startedAt`: performance.now() the schedule counts from. */
  constructor(faults: SimulatorFaults, seed: number, startedAt: number) {
    this.faults = faults;
    this.rng = mulberry32(hash32(seed, 'stalls', 0));
    this.nextStallAt = faults.stallEveryMs > 0 ? startedAt + this.gap() : Infinity;
  }

  private gap(): number {
    return -Math.log(1 - this.rng()) * this.faults.stallEveryMs;
  }

  /** The end of the stall under way at `now` (0 when none): tokens due meanwhile wait for it. */
  stalledUntil(now: number): number {
    while (now >= this.nextStallAt) {
      this.stallUntil = Math.max(this.stallUntil, this.nextStallAt + this.faults.stallMs);
      this.nextStallAt += this.gap();
    }
    return now < this.stallUntil ? this.stallUntil : 0;
  }
}

/** The faults drawn for inference request number `n` (from 1): each is a pure function of the seed and n. */
export interface RequestFaults {
  /** Past `afterRequests`: the request-level faults (hangs, malformed frames) apply to it. */
  faulty: boolean;
  /** Answered with an injected server error instead of a completion. */
  httpError: boolean;
  /** Never answered at all. */
  noResponse: boolean;
  /** A stream that fails halfway with an in-band error event. */
  streamError: boolean;
}

/** Draws request `n`'s faults; `stream` says whether it asked for a stream (only streams fail in-band). */
export function requestFaults(faults: SimulatorFaults, seed: number, n: number, stream: boolean): RequestFaults {
  const faulty = n > faults.afterRequests;
  return {
    faulty,
    httpError: faulty && faults.httpErrorRate > 0 && unitFromKey(seed, 'http-error', n) < faults.httpErrorRate,
    noResponse: faulty && faults.hang === 'no-response',
    streamError: faulty && stream && faults.streamErrorRate > 0 && unitFromKey(seed, 'stream-error', n) < faults.streamErrorRate,
  };
}
