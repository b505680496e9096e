import { performance } from 'node:perf_hooks';
import type { SimContext } from './context.ts';
import { StallSchedule } from './faults.ts';
import type { Flight } from './flight.ts';
import { writeStreamFailure, writeStreamStep } from './routes/stream-output.ts';
import { writeWholeCompletion } from './routes/whole-output.ts';
import type { FinishReason } from './wire.ts';

/**
 * The engine's batch: up to maxRunning requests generate at once, the rest wait in arrival order.
 * Every token is due at an absolute time (TTFT with prefill, then one decode step each), slowed by the
 * other running requests and by server-wide stalls.
 */
export class Scheduler {
  /** Requests generating now. */
  running = 0;
  /** Tokens held in the KV cache by running requests (prompt and output so far). */
  kvTokens = 0;
  /** Requests waiting for a slot, in arrival order. */
  readonly queue: Flight[] = [];
  /** Every request not yet done. */
  readonly flights = new Set<Flight>();
  private readonly maxRunning: number;
  private readonly stalls: StallSchedule;
  private readonly ctx: SimContext;

  constructor(ctx: SimContext) {
    this.ctx = ctx;
    this.maxRunning = ctx.opts.maxRunning ?? ctx.persona.maxRunning;
    this.stalls = new StallSchedule(ctx.opts.faults, ctx.opts.seed, ctx.startedAt);
  }

  /** Starts a request in `flights` at once when a slot is free, else queues it for one. */
  submit(f: Flight): void {
    if (this.running < this.maxRunning) this.admit(f);
    else this.queue.push(f);
  }

  /** Ends a request (done, or its client hung up) and gives its slot to the next waiting one. */
  release(f: Flight, reason: FinishReason | 'abort'): void {
    const { ctx } = this;
    if (f.state === 'done') return;
    if (f.state === 'running') {
      this.running--;
      this.kvTokens -= f.promptTokens + f.sent;
    } else {
      const i = this.queue.indexOf(f);
      if (i >= 0) this.queue.splice(i, 1);
    }
    clearTimeout(f.timer);
    f.state = 'done';
    ctx.counters.generationTokensFinished += f.sent;
    this.flights.delete(f);
    ctx.finished[reason]++;
    if (reason !== 'abort') ctx.counters.completed++;
    const nextUp = this.queue.shift();
    if (nextUp && !ctx.crashed && !ctx.closing) this.admit(nextUp);
  }

  /** Stops every request's timer (close, crash). */
  stopTimers(): void {
    for (const f of this.flights) clearTimeout(f.timer);
  }

  private factor(): number {
    return 1 + this.ctx.opts.slowdownPerActive * Math.max(0, this.running - 1);
  }

  private jitter(f: Flight): number {
    return 1 + this.ctx.opts.jitter * (2 * f.rng() - 1);
  }

  private schedule(f: Flight): void {
    f.timer = setTimeout(this.step, Math.max(0, f.next - performance.now()), f);
  }

  private admit(f: Flight): void {
    const { opts } = this.ctx;
    f.state = 'running';
    this.running++;
    this.kvTokens += f.promptTokens;
    f.next = performance.now() + (opts.ttftMs + opts.prefillMsPerToken * f.promptTokens) * this.factor() * this.jitter(f);
    this.schedule(f);
  }

  /** One token of `f` is due: writes it (or the injected failure) and schedules the next. */
  private readonly step = (f: Flight): void => {
    const { ctx } = this;
    const { opts } = ctx;
    if (f.state !== 'running') return;
    // libuv times a timer from its cached loop clock, which lags on a busy loop: a timer can fire early.
    if (f.next - performance.now() > 0.1) return this.schedule(f);
    const resume = this.stalls.stalledUntil(performance.now());
    if (resume > 0) {
      f.next = resume;
      return this.schedule(f);
    }
    const k = f.sent;
    const steps = f.tokens.length + (f.eos ? 1 : 0);
    const last = k === steps - 1;
    f.sent++;
    this.kvTokens++;
    ctx.counters.generationTokens++;
    if (f.stream && f.streamError && k === Math.floor(steps / 2)) {
      writeStreamFailure(ctx, f);
      return this.release(f, 'abort');
    }
    if (f.stream) writeStreamStep(ctx, f, k, steps);
    else if (last) writeWholeCompletion(ctx, f, steps);
    if (last) return this.release(f, f.finish);
    // A stalled stream keeps its slot and its socket, as a wedged engine does.
    if (f.faulty && opts.faults.hang === 'after-first-chunk' && k === 0) return;
    f.next += opts.decodeMsPerToken * this.factor() * this.jitter(f);
    this.schedule(f);
  };
}
