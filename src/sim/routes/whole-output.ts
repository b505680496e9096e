import { usage, type SimContext } from '../context.ts';
import type { Flight } from '../flight.ts';

/** Writes a non-streamed completion of `steps` steps at once, when its last token is due. */
export function writeWholeCompletion(ctx: SimContext, f: Flight, steps: number): void {
  const { persona, opts } = ctx;
  const text = JSON.stringify(f.tokens.join(''));
  // The choice carries the same extra fields as the engine's stream choices (logprobs, matched_stop).
  const choice =
    f.kind === 'chat'
      ? `{"index":0,"message":{"role":"assistant","content":${text}},${persona.stream.choiceFields}"finish_reason":"${f.finish}"}`
      : `{"index":0,"text":${text},"logprobs":null,"finish_reason":"${f.finish}"}`;
  const object = f.kind === 'chat' ? 'chat.completion' : 'text_completion';
  const body = `{"id":${JSON.stringify(f.id)},"object":"${object}","created":${ctx.created},"model":${JSON.stringify(opts.model)},${persona.completionFields}"choices":[${choice}],"usage":${JSON.stringify(usage(ctx, f.promptTokens, steps))}}`;
  f.res.writeHead(200, { 'content-type': persona.jsonContentType }).end(body);
}
