export interface StallWatchOptions {
  /** Timeouts in a row (no answer between them) that make the watch ask the server directly. */
  after: number;
  /** One-token inference against the server: null when it answered, else why not. */
  probe: () => Promise<string | null>;
  /** Which stage is running, for the message (`eval`, `bench`). */
  stage: () => string;
}

/**
 * Ends a run against a server that accepts connections and never answers (a wedged GPU, a
 * deadlocked scheduler), instead of waiting out every item times its retries. After `after`
 * timeouts in a row it sends one one-token inference; when that fails too, `signal` aborts with
 * the reason, and the stages stop. An answer resets the count: a slow server is not a wedged one.
 */
export class StallWatch {
  private readonly controller = new AbortController();
  private inARow = 0;
  private probing = false;
  private readonly o: StallWatchOptions;
  /** Aborted (with an Error saying why) once the server is judged wedged. */
  readonly signal: AbortSignal;
  /** Why the run was ended, once it was. */
  reason: string | null = null;

  constructor(o: StallWatchOptions) {
    this.o = o;
    this.signal = this.controller.signal;
  }

  /** Counts one ended request: a timeout, or anything else (an answer, even an error answer, resets the count). */
  record(timedOut: boolean): void {
    if (this.reason !== null) return;
    if (!timedOut) {
      this.inARow = 0;
      return;
    }
    this.inARow++;
    if (this.inARow >= this.o.after && !this.probing) void this.confirm(this.inARow);
  }

  private async confirm(timeouts: number): Promise<void> {
    this.probing = true;
    const stage = this.o.stage();
    const why = await this.o.probe();
    this.probing = false;
    if (why === null) {
      this.inARow = 0;
      return;
    }
    this.reason = `the server stopped answering after readiness: ${timeouts} ${stage} requests in a row timed out, then a one-token inference failed too (${why}); the run was ended instead of waiting out every request`;
    this.controller.abort(new Error(this.reason));
  }
}
