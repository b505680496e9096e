import type { ServerResponse } from 'node:http';
import type { RequestTiming } from './context.ts';
import type { FinishReason, Framer, StreamKind } from './wire.ts';

/** One accepted inference request, from its arrival to its last token. */
export interface Flight {
  id: string;
  kind: StreamKind;
  res: ServerResponse;
  stream: boolean;
  includeUsage: boolean;
  tokens: string[];
  /** A stop ends with an EOS step (engines that stream it as an empty chunk and count it). */
  eos: boolean;
  finish: FinishReason;
  promptTokens: number;
  sent: number;
  state: 'waiting' | 'running' | 'done';
  /** Absolute performance.now() target of the next token: no drift from timer lateness accumulates. */
  next: number;
  timer: NodeJS.Timeout | undefined;
  rng: () => number;
  faulty: boolean;
  /** This stream fails halfway with an in-band error event. */
  streamError: boolean;
  framer: Framer;
  timing: RequestTiming | undefined;
}
