import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import { codeBlock, escapeHtml, escapeInline, mermaidLabel, stripControl, truncate } from '../../src/report/escape.ts';

/** Renders like GitHub does: GFM (tables, autolink literals) with raw HTML passed through to the sanitizer. */
const render = (markdown: string): string =>
  micromark(markdown, { extensions: [gfm()], htmlExtensions: [gfmHtml()], allowDangerousHtml: true });

const hostile = [
  '# Heading **bold** _em_ [link](https://evil.example/x) ![img](https://evil.example/p.png)',
  '<img src=x onerror=alert(1)><script>alert(1)</script><details open><a href="https://evil.example">x</a>',
  'cc @octocat @org/team, fixes #12 and owner/repo#34, see https://evil.example and www.evil.example',
  '| a | b |\n|---|---|\n- [ ] task\n> quote\n1. list',
  '&#64;octocat &lt;b&gt;',
].join('\n');

/** Text a reader sees and GitHub scans for mentions and references, tags removed. */
const visibleText = (html: string): string => html.replace(/<[^>]*>/g, '').replace(/&amp;/g, '&');

describe('escapeInline', () => {
  const html = render(`Model said: ${escapeInline(hostile, 2000)}`);

  it('renders markdown syntax in model output as literal text', () => {
    expect(html).not.toMatch(/<(h1|strong|em|table|li|blockquote|ol|ul|input)\b/);
    expect(html).toContain('**bold**');
    expect(html).toContain('# Heading');
  });

  it('renders HTML in model output as text, never as tags', () => {
    expect(html).not.toMatch(/<(img|script|details|a)\b/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('leaves no @mention, issue reference or link for GitHub to act on', () => {
    const text = visibleText(html);
    expect(text).not.toMatch(/@[A-Za-z0-9]/);
    expect(text).not.toMatch(/#\d/);
    expect(text).not.toMatch(/https?:\/\//);
    expect(text).not.toMatch(/www\./i);
    expect(html).not.toContain('<a ');
    // The entity spelling of @ stays literal text; it is never decoded into a mention.
    expect(html).not.toMatch(/&#64;octocat/);
  });

  it('keeps a table row intact: pipes and newlines cannot start new cells or rows', () => {
    const table = render(`| Output |\n|---|\n| ${escapeInline('a | b\n| c |', 100)} |`);
    expect(table.match(/<td>/g)).toHaveLength(1);
    expect(table).toContain('a | b | c |');
  });

  it('keeps any block construct at the start of the text from opening a block', () => {
    for (const start of ['# h', '###### h', '- item', '+ item', '* item', '1. item', '2) item', '---', '===', '> quote', '    code', '```js', '<div>']) {
      const html = render(`${escapeInline(start, 100)}`);
      expect(html, start).toMatch(/^<p>/);
      expect(html, start).not.toMatch(/<(h\d|li|hr|blockquote|pre|div)\b/);
    }
    // A setext underline needs a paragraph above it: a line of text, then the escaped text.
    expect(render(`text\n${escapeInline('===', 10)}`)).not.toContain('<h1>');
  });

  it('keeps emphasis, strikethrough and math in model output literal', () => {
    const html = render(escapeInline('_em_ __strong__ ~~del~~ ~del~ $x^2$ $$y$$ a*b*c', 200));
    expect(html).not.toMatch(/<(em|strong|del|math)\b/);
    expect(visibleText(html)).toContain('_em_ __strong__ ~~del~~ ~del~ $x^2$ $$y$$ a*b*c');
  });

  it('escapes only what must be escaped, so the raw markdown stays readable', () => {
    expect(escapeInline("'node' 'src/cli/main.ts' '--port' '8000' -5 ms 1.75 v1.1.0 json_format (9 items)!")).toBe(
      "'node' 'src/cli/main.ts' '--port' '8000' -5 ms 1.75 v1.1.0 json_format (9 items)!",
    );
  });

  it('caps the length and says how much was cut', () => {
    const escaped = escapeInline('x'.repeat(1000), 50);
    expect(escaped).toContain('x'.repeat(50));
    expect(escaped).not.toContain('x'.repeat(51));
    expect(render(escaped)).toContain('(950 more characters)');
  });
});

describe('codeBlock', () => {
  it('keeps multi-line output verbatim in a fence the output cannot close', () => {
    const output = 'line 1 @octocat\n````\n# not a heading\n<img src=x>';
    const html = render(codeBlock(output));
    expect(html).toMatch(/^<pre><code class="language-text">/);
    expect(html).not.toMatch(/<(h1|img)\b/);
    expect(html).toContain('# not a heading');
    expect(html.match(/<pre>/g)).toHaveLength(1);
  });
});

describe('escapeHtml', () => {
  it('escapes text for an HTML context such as <summary>, with mentions broken', () => {
    const html = render(`<details><summary>${escapeHtml('<b>x</b> @octocat "q"')}</summary>\n\nbody\n\n</details>`);
    expect(html).not.toContain('<b>');
    expect(visibleText(html)).not.toMatch(/@[A-Za-z0-9]/);
  });
});

describe('control characters', () => {
  it('strips ANSI colours, control and bidi-override characters from engine logs', () => {
    expect(stripControl('\u001b[31mred\u001b[0m\u0007 ok\u202e!')).toBe('red ok!');
  });

  it('never splits a surrogate pair when truncating', () => {
    expect(truncate('😀😀😀', 2)).toBe('😀😀… (1 more characters)');
  });

  it('keeps Mermaid labels from closing their quotes', () => {
    expect(mermaidLabel('a "b" [c]\nd')).toBe('a  b   c  d');
  });
});
