/** Text helpers shared by the string scorers. */

/** Case-folded, NFKC, punctuation dropped, whitespace collapsed: "  Paris. " and "paris" compare equal. */
export function normalizeText(text: string, options: { caseSensitive?: boolean; punctuation?: boolean } = {}): string {
  let t = text.normalize('NFKC');
  if (!options.caseSensitive) t = t.toLowerCase();
  if (!options.punctuation) t = t.replace(/[\p{P}\p{S}]/gu, ' ');
  return t.replace(/\s+/g, ' ').trim();
}

/** Word tokens (letters and digits), lower-cased, for overlap measures. */
export function tokenize(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Strips one surrounding markdown code fence (```json … ```), which chat models often add. */
export function stripCodeFence(text: string): string {
  const m = /^\s*```[\w-]*\s*\n([\s\S]*?)\n?```\s*$/.exec(text);
  return m ? m[1]! : text;
}
