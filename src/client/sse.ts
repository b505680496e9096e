/**
 * Incremental SSE framing: feed decoded text as it arrives, get back the `data:` payloads of
 * complete events. Only `data` fields matter for OpenAI-compatible streams; comments and other
 * fields (`event:`, `id:`) are skipped. Handles \n, \r\n and events split across reads.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];

  push(text: string): string[] {
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
        }
      } else if (line.startsWith('data:')) {
        this.data.push(line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5));
      }
    }
    this.buffer = this.buffer.slice(start);
    return out;
  }

  /** Payload of an event that the stream ended without terminating with a blank line. */
  flush(): string[] {
    const rest = this.push('\n\n');
    this.buffer = '';
    return rest;
  }
}
