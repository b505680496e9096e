/** Token formats whose shape alone proves a credential; a match is never a coincidence worth keeping. */
const tokenFormats: readonly { name: string; pattern: RegExp }[] = [
  { name: 'GitHub token', pattern: /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,}/g },
  { name: 'GitHub fine-grained token', pattern: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{40,}/g },
  { name: 'Hugging Face token', pattern: /(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{30,}/g },
  { name: 'AWS access key id', pattern: /(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/g },
  { name: 'OpenAI-style API key', pattern: /(?<![A-Za-z0-9_-])sk-(?:[A-Za-z0-9]+-)*[A-Za-z0-9_]{20,}/g },
  { name: 'Slack token', pattern: /(?<![A-Za-z0-9_])xox[abposr]-[A-Za-z0-9-]{10,}/g },
  // The whole block up to its END line (or the end of the text), so that masking hides the body too.
  {
    name: 'private key',
    pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|$)/g,
  },
];

export interface SecretMatch {
  /** What kind of secret, for the message: `Hugging Face token`, `high-entropy value of HF_TOKEN`. */
  kind: string;
  value: string;
}

/** Every well-known token in `text`, in order of appearance. */
export function findTokens(text: string): SecretMatch[] {
  const found: { kind: string; value: string; at: number }[] = [];
  for (const { name, pattern } of tokenFormats) {
    for (const m of text.matchAll(pattern)) found.push({ kind: name, value: m[0], at: m.index });
  }
  return found.sort((a, b) => a.at - b.at).map(({ kind, value }) => ({ kind, value }));
}

const secretWords = new Set(['KEY', 'APIKEY', 'TOKEN', 'SECRET', 'PASSWORD', 'PASSWD', 'PASS', 'PWD', 'CREDENTIAL', 'CREDENTIALS', 'PRIVATE']);
/** Words that make a KEY public or a TOKEN a location (python images set GPG_KEY to a fingerprint). */
const publicWords = new Set(['GPG', 'PGP', 'PUBLIC', 'PUBKEY', 'ID', 'FINGERPRINT', 'KEYRING', 'PATH', 'FILE', 'DIR', 'URL', 'URI']);

/** Judged word by word (HF_TOKEN, apiKey, secret.token), so TOKENIZER or MAX_NUM_BATCHED_TOKENS do not count. */
export function isSecretName(name: string): boolean {
  const words = name.split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/).map((w) => w.toUpperCase());
  return words.some((w) => secretWords.has(w)) && !words.some((w) => publicWords.has(w));
}

/** Shannon entropy in bits per character. */
export function entropy(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * Long and varied enough to be a generated credential rather than a setting.
 * 3.2 bits/char keeps random hex (about 3.7 at 32 chars) and rejects words like `changeme-later`.
 */
export function isHighEntropy(value: string): boolean {
  return value.length >= 16 && !/\s/.test(value) && entropy(value) >= 3.2;
}

/** A value that is a reference or a location, not a secret itself (`$HF_TOKEN`, `/run/secrets/hf`). */
export function isReference(value: string): boolean {
  return /^(?:\$|\/|~|file:|https?:\/\/[^@]*$)/.test(value) || value.includes('${');
}

/** The secret in `name=value`, judged by a secret-like name and a generated-looking value. */
export function namedSecret(name: string, value: string): SecretMatch | undefined {
  if (!isSecretName(name) || isReference(value) || !isHighEntropy(value)) return undefined;
  return { kind: `high-entropy value of ${name}`, value };
}

/** Secrets in a `name=value` pair: well-known tokens anywhere in the value, else a named high-entropy value. */
export function secretsInAssignment(name: string, value: string): SecretMatch[] {
  const tokens = findTokens(value);
  if (tokens.length > 0) return tokens;
  const named = namedSecret(name, value);
  return named ? [named] : [];
}

/** Only a short prefix and the length: enough to recognise which token leaked, not to use it. */
export function maskSecret(value: string): string {
  const header = /^-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.exec(value);
  const shown = header ? header[0] : value.length >= 12 ? value.slice(0, 4) : '';
  return `${shown}… (${value.length} chars, masked)`;
}

/** `text` with every given secret replaced by its mask. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join(maskSecret(s));
  return out;
}
