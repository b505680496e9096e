/**
 * An SSE event that is not a plain `data:` message: a named event (`event: error` with its data) or a
 * field of its own that engines use to signal failure (llama.cpp's server writes `error: {...}`).
 * Rare by nature, so collected apart from the data payloads the hot path reads.
 */
export interface SseSideEvent {
  /** The event name (`event:`), or the unknown field's name (`error`). */
  name: string;
  /** The event's data, or the field's value. */
  value: string;
}

/**
 * Incremental SSE framing: feed decoded text as it arrives, get back the `data:` payloads of
 * complete message events. Anything else that could carry a failure (named events, unknown fields
 * such as llama.cpp's `error:`) is kept in `side` for the caller to read; comments, `id:` and
 * `retry:` are skipped. Handles \n, \r\n and events split across reads.
 * Source: https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export class SseParser {
  /** Side events of complete events, in arrival order; the caller empties it when it has read them. */
  side: SseSideEvent[] = [];
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private pendingChars = 0;
  private readonly maxEventChars: number;
  /** An event or a line grew past maxEventChars: what was pending is dropped, the stream is not SSE worth reading. */
  overflowed = false;

  /** `maxEventChars` bounds what one unfinished line or event may hold: a flood without line breaks must not grow memory. */
  constructor(maxEventChars = 4 * 1024 * 1024) {
    this.maxEventChars = maxEventChars;
  }

  push(text: string): string[] {
    if (this.overflowed) return [];
    this.buffer += text;
    const out: string[] = [];
    let start = 0;
    for (;;) {
      const nl = this.buffer.indexOf('\n', start);
      if (nl === -1) break;
      let line = this.buffer.slice(start, nl);
      start = nl + 1;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line === '') {
        if (this.data.length > 0) {
          const payload = this.data.join('\n');
          if (this.event === '' || this.event === 'message') out.push(payload);
          else this.side.push({ name: this.event, value: payload });
          this.data = [];
          this.pendingChars = 0;
        }
        this.event = '';
      } else if (line.startsWith('data:')) {
        const payload = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
        this.data.push(payload);
        this.pendingChars += payload.length;
      } else if (line.charCodeAt(0) !== 58 /* ':' comment */) {
        this.field(line);
      }
    }
    this.buffer = this.buffer.slice(start);
    if (this.buffer.length + this.pendingChars > this.maxEventChars) {
      this.overflowed = true;
      this.buffer = '';
      this.data = [];
    }
    return out;
  }

  /** Payload of an event that the stream ended without terminating with a blank line. */
  flush(): string[] {
    const rest = this.push('\n\n');
    this.buffer = '';
    return rest;
  }

  private field(line: string): void {
    const colon = line.indexOf(':');
    const name = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.charCodeAt(colon + 1) === 32 ? line.slice(colon + 2) : line.slice(colon + 1);
    if (name === 'event') this.event = value;
    else if (name !== 'id' && name !== 'retry') this.side.push({ name, value });
  }
}
