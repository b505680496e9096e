import { performance } from 'node:perf_hooks';

/**
 * Reads are stamped in the socket callback and decoded later, in one batch per event-loop turn.
 * Reads that arrived together are delivered one callback after another; every microsecond spent
 * in one callback is added to the timestamps of the reads behind it. A stamp and a copy cost
 * almost nothing, so decoding after the turn keeps hundreds of streams' timestamps honest.
 */
export interface PendingReads {
  buffers: Buffer[];
  times: number[];
  queued: boolean;
  drain: () => void;
}

const dirty: PendingReads[] = [];
let flushScheduled = false;
/**
 * Decoding runs in slices of about this long: reads that arrive meanwhile wait for the next poll
 * phase to be stamped, so one long batch would add its whole length to their timestamps.
 */
const SLICE_MS = 0.2;

function flushAll(): void {
  flushScheduled = false;
  const start = performance.now();
  let i = 0;
  while (i < dirty.length) {
    dirty[i++]!.drain();
    if (performance.now() - start > SLICE_MS) break;
  }
  dirty.splice(0, i);
  if (dirty.length > 0) {
    flushScheduled = true;
    setImmediate(flushAll);
  }
}

/** Queues one read stamped `at` (performance.now() in the socket callback); `pending.drain` runs after this turn. */
export function enqueue(pending: PendingReads, bytes: Buffer, at: number): void {
  pending.buffers.push(bytes);
  pending.times.push(at);
  if (pending.queued) return;
  pending.queued = true;
  dirty.push(pending);
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flushAll);
  }
}
