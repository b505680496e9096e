import type { ServerResponse } from 'node:http';
import { epochMs, usage, type SimContext } from '../context.ts';
import type { Flight } from '../flight.ts';
import { errorBody } from '../wire.ts';

/**
 * Writes step `k` (from 0) of a streamed completion of `steps` steps: the token's frame, and after the
 * last one the engine's finish and usage frames. A faulty request gets a malformed frame halfway.
 */
export function writeStreamStep(ctx: SimContext, f: Flight, k: number, steps: number): void {
  const { persona, opts } = ctx;
  const last = k === steps - 1;
  let frame = '';
  if (f.faulty && opts.faults.malformedSse && k === Math.floor(steps / 2)) frame += f.framer.malformed();
  const visible = k < f.tokens.length;
  if (visible || persona.stream.finish === 'last-token') {
    const finishHere = last && persona.stream.finish === 'last-token' ? f.finish : null;
    frame += f.framer.token(visible ? f.tokens[k]! : '', k, finishHere);
  }
  if (last) {
    const ask = f.includeUsage || f.framer.usageAlways;
    frame += f.framer.end(f.finish, ask ? usage(ctx, f.promptTokens, steps) : null);
  }
  if (visible) f.timing?.chunks.push(epochMs());
  if (last) {
    f.res.end(frame);
    if (persona.stream.closesConnection) closeAfterStream(ctx, f.res);
  } else f.res.write(frame);
}

/** Ends a stream halfway with the engine's in-band error event (an injected fault). */
export function writeStreamFailure(ctx: SimContext, f: Flight): void {
  const { persona } = ctx;
  ctx.counters.errors++;
  const { status, type } = persona.errors.serverError;
  const body = errorBody(persona.errors.shape, 'Injected failure in the middle of the stream.', type, status);
  f.res.end(persona.stream.errorEvent === 'error-field' ? `error: ${body}\n\ndata: [DONE]\n\n` : `data: ${body}\n\n`);
}

function closeAfterStream(ctx: SimContext, res: ServerResponse): void {
  const socket = res.socket;
  if (!socket) return;
  ctx.closingSockets.add(socket);
  // Closed as soon as the last chunk is out, as the engine does; a client racing the FIN still loses.
  res.once('finish', () => socket.destroySoon());
}
