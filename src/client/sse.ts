/**
 * Incremental SSE framing: feed decoded text as it arrives, get back the `data:` payloads of
 * complete events. Only `data` fields matter for OpenAI-compatible streams; comments and other
 * fields (`event:`, `id:`) are skipped. Handles \n, \r\n and events split across reads.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
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
          out.push(this.data.join('\n'));
          this.data = [];
          this.pendingChars = 0;
        }
      } else if (line.startsWith('data:')) {
        const payload = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
        this.data.push(payload);
        this.pendingChars += payload.length;
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
}
