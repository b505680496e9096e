/** One sample line of the Prometheus text exposition format (0.0.4, and OpenMetrics' subset of it). */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PromScrape {
  samples: PromSample[];
  /** `# TYPE` per metric family name. */
  types: Record<string, string>;
  /** Lines that could not be read, with their 1-based line number: reported, never fatal. */
  skipped: { line: number; text: string }[];
}

function parseValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  // Number('') is 0 and Number('0x1') is 1: neither is a Prometheus value.
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return NaN;
  return Number(text);
}

/**
 * The TYPE of the family a sample belongs to: histogram and summary samples carry `_bucket`, `_sum`,
 * `_count` suffixes, counters `_total`, none of which the TYPE line names.
 */
export function familyType(types: Record<string, string>, name: string): string | undefined {
  if (types[name] !== undefined) return types[name];
  const m = /^(.*)_(bucket|sum|count|total|created|info)$/.exec(name);
  return m ? types[m[1]!] : undefined;
}

/** Reads `{a="x",b="y\"z"}` starting at `start` (the `{`); returns the labels and the index after `}`. */
function parseLabels(line: string, start: number): { labels: Record<string, string>; end: number } | null {
  const labels: Record<string, string> = {};
  let i = start + 1;
  for (;;) {
    while (line[i] === ' ' || line[i] === ',') i++;
    if (line[i] === '}') return { labels, end: i + 1 };
    const eq = line.indexOf('=', i);
    if (eq === -1) return null;
    let open = eq + 1;
    while (line[open] === ' ') open++;
    if (line[open] !== '"') return null;
    const key = line.slice(i, eq).trim();
    let value = '';
    let j = open + 1;
    for (; j < line.length; j++) {
      const c = line[j];
      if (c === '\\') {
        const n = line[++j];
        value += n === 'n' ? '\n' : (n ?? '');
      } else if (c === '"') {
        break;
      } else {
        value += c;
      }
    }
    if (j >= line.length) return null;
    labels[key] = value;
    i = j + 1;
  }
}

/**
 * Parses a /metrics body. Pure; tolerant: a line it cannot read is skipped and listed, not thrown.
 * `keep` filters samples by name (and family type) before their labels are read: vLLM's body runs
 * to 100+ KB of histogram buckets, and parsing all of it every second would stall the event loop
 * that timestamps the streams for milliseconds.
 */
export function parsePrometheus(text: string, keep?: (name: string, type: string | undefined) => boolean): PromScrape {
  const samples: PromSample[] = [];
  const types: Record<string, string> = {};
  const skipped: PromScrape['skipped'] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (line === '') continue;
    if (line.charCodeAt(0) === 35 /* # */) {
      const m = line.startsWith('# TYPE') ? /^# TYPE\s+(\S+)\s+(\S+)/.exec(line) : null;
      if (m) types[m[1]!] = m[2]!;
      continue;
    }
    const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
    if (!nameMatch) {
      skipped.push({ line: n + 1, text: line.slice(0, 200) });
      continue;
    }
    const name = nameMatch[0];
    if (keep && !keep(name, familyType(types, name))) continue;
    let rest = line.slice(name.length).trimStart();
    let labels: Record<string, string> = {};
    if (rest.startsWith('{')) {
      const parsed = parseLabels(rest, 0);
      if (!parsed) {
        skipped.push({ line: n + 1, text: line.slice(0, 200) });
        continue;
      }
      labels = parsed.labels;
      rest = rest.slice(parsed.end);
    }
    // Value, then an optional timestamp (ignored: we stamp scrapes ourselves).
    const valueText = rest.trim().split(/\s+/)[0] ?? '';
    const value = parseValue(valueText);
    if (Number.isNaN(value) && valueText !== 'NaN') {
      skipped.push({ line: n + 1, text: line.slice(0, 200) });
      continue;
    }
    samples.push({ name, labels, value });
  }
  return { samples, types, skipped };
}

/**
 * The sample lines of the named metrics only, found with indexOf: for an engine whose few gauges we
 * know, this skips reading the rest of a large body line by line.
 */
export function linesNamed(text: string, names: readonly string[]): string {
  const out: string[] = [];
  for (const name of names) {
    let from = 0;
    for (;;) {
      const i = text.indexOf(name, from);
      if (i === -1) break;
      const after = text.charCodeAt(i + name.length);
      const startsLine = i === 0 || text.charCodeAt(i - 1) === 10;
      if (startsLine && (after === 123 /* { */ || after === 32 /* space */)) {
        const end = text.indexOf('\n', i);
        out.push(text.slice(i, end === -1 ? text.length : end));
        from = end === -1 ? text.length : end;
      } else {
        from = i + name.length;
      }
    }
  }
  return out.join('\n');
}
