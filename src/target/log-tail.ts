/** Keeps the last `size` lines of a server's output; splits chunks into lines. */
export class LogTail {
  private lines: string[] = [];
  private partial = '';
  private readonly size: number;
  private readonly onLine?: (line: string) => void;

  constructor(size: number, onLine?: (line: string) => void) {
    this.size = size;
    this.onLine = onLine;
  }

  push(chunk: string): void {
    const text = this.partial + chunk;
    const parts = text.split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.add(line);
  }

  private add(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.size) this.lines.shift();
    this.onLine?.(line);
  }

  tail(): string[] {
    return this.partial ? [...this.lines, this.partial] : [...this.lines];
  }
}
