/**
 * Model output and dataset text are untrusted: rendered in a job summary, check run or PR comment they
 * could inject markdown or HTML, ping people with @mentions, cross-reference issues, or plant links.
 * Everything here turns such text into inert, length-capped text.
 */

// ANSI escapes from engine logs, and control characters other than tab and newline.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
// Bidirectional overrides can make text read differently from what it is ("Trojan Source").
const BIDI = /[\u202a-\u202e\u2066-\u2069]/g;
const ZWSP = '\u200b';

/** Strips terminal escapes, control and bidi-override characters. */
export function stripControl(text: string): string {
  return text.replace(ANSI, '').replace(/\r\n?/g, '\n').replace(CONTROL, '').replace(BIDI, '');
}

/** Caps `text` at `max` code points (never splitting a surrogate pair), saying how much was cut. */
export function truncate(text: string, max: number): string {
  const points = Array.from(text);
  if (points.length <= max) return text;
  return `${points.slice(0, max).join('')}… (${points.length - max} more characters)`;
}

/**
 * Breaks what GitHub links or notifies on after rendering: @mentions and team mentions,
 * #123 and owner/repo#123 references, and bare URLs (`scheme://`, `www.`). A zero-width space keeps the
 * text readable while no longer matching; backslash escapes would not help, since GitHub links these
 * in the rendered HTML.
 */
export function neutralizeReferences(text: string): string {
  return text
    .replace(/@/g, `@${ZWSP}`)
    .replace(/#(?=\d)/g, `#${ZWSP}`)
    .replace(/:\/\//g, `:${ZWSP}//`)
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}${ZWSP}.`);
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/**
 * Characters with a markdown meaning anywhere in a line: emphasis, code, links and images (`[`; `!` and
 * `(` mean nothing without it), strikethrough, GitHub's math (`$`), table cells (`|`) and the escape itself.
 * Plain punctuation (`.`, `-`, `(`, `#` mid-line) is left alone so the raw markdown stays readable.
 */
const INLINE_PUNCTUATION = /[\\`*[\]|~$]/g;
// `_` between two letters or digits can neither open nor close emphasis (CommonMark's flanking rules).
const UNDERSCORE_AT_EDGE = /(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu;
/**
 * What opens a block when it starts a line: an ATX heading (`# `), a bullet (`- `, `+ `), a numbered item
 * (`1. `, `1) `), a thematic break or setext underline (`---`, `===`). Escaped only there, so `1.75`,
 * `-5 ms` and `--port` stay as they are.
 */
const LINE_START = /^(?:(#{1,6}|[-+=])(?=[\s=-]|$)|(\d{1,9})([.)])(?=\s|$))/;

/**
 * Escapes untrusted text for use inline in markdown: a paragraph, a list item or a table cell.
 * Newlines become spaces so a table row or list item stays one line.
 */
export function escapeInline(text: string, maxLength = 300): string {
  // Leading blanks would make an indented code block at a line start, and mean nothing elsewhere.
  const capped = truncate(stripControl(text).replace(/\s*\n\s*/g, ' ').trimStart(), maxLength);
  // References first: escaping adds backslashes that would hide `www.` from the pattern.
  return neutralizeReferences(capped)
    .replace(/[&<>"]/g, (c) => HTML_ENTITIES[c] ?? c)
    .replace(INLINE_PUNCTUATION, (c) => `\\${c}`)
    .replace(UNDERSCORE_AT_EDGE, '\\_')
    .replace(LINE_START, (_m, mark?: string, digits?: string, dot?: string) => (mark !== undefined ? `\\${mark}` : `${digits}\\${dot}`));
}

/** Escapes untrusted text for HTML, e.g. a `<summary>`, where markdown is not parsed and backslashes would show. */
export function escapeHtml(text: string, maxLength = 300): string {
  const capped = truncate(stripControl(text).replace(/\s*\n\s*/g, ' '), maxLength);
  return neutralizeReferences(capped).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

/**
 * Renders untrusted multi-line text as a fenced code block, where GitHub interprets neither markdown nor
 * HTML nor mentions. The fence is longer than any backtick run inside, so the text cannot close it.
 */
export function codeBlock(text: string, maxLength = 2000, language = 'text'): string {
  const body = truncate(stripControl(text), maxLength);
  const longestRun = Math.max(0, ...Array.from(body.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}${language}\n${body}\n${fence}`;
}

/** Text for a Mermaid label inside double quotes: no quotes, brackets or newlines that end it early. */
export function mermaidLabel(text: string, maxLength = 40): string {
  const points = Array.from(stripControl(text).replace(/["[\]{}\n;`]/g, ' ').trim());
  return points.length <= maxLength ? points.join('') : `${points.slice(0, maxLength - 1).join('')}…`;
}

/**
 * A collapsed section; the blank lines let GitHub render markdown inside the HTML block. `summary` is
 * HTML (markdown is not parsed there): pass text through escapeHtml.
 */
export function details(summary: string, body: string): string {
  return `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}
