/**
 * The simulator's tokenizer: a word (letters, digits, underscore) or one punctuation mark, each with
 * the whitespace before it. Joining the tokens gives back the text exactly, so a streamed answer
 * reassembles to its reference, and usage counts match the chunks one for one.
 */
const TOKEN = /\s*(?:[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_])/gu;

export function tokenize(text: string): string[] {
  const tokens = text.match(TOKEN) ?? [];
  const consumed = tokens.reduce((n, t) => n + t.length, 0);
  // Trailing whitespace has no token of its own; keep it on the last one so the text round-trips.
  if (consumed < text.length) {
    const rest = text.slice(consumed);
    if (tokens.length === 0) return [rest];
    tokens[tokens.length - 1] += rest;
  }
  return tokens;
}

export function countTokens(text: string): number {
  return tokenize(text).length;
}
