import { findTokens, isReference, isSecretName } from './patterns.ts';
import type { Logger } from '../log.ts';

/** A secret of its own: the value and what the mask says in its place (`[masked HF_TOKEN]`). */
export interface NamedSecret {
  value: string;
  name: string;
}

/**
 * Values shorter than this are not masked: replacing `1` or `true` everywhere would corrupt every
 * report without protecting anything. A handed value this short is warned about instead.
 */
export const MIN_MASKED_LENGTH = 4;
/** An inherited variable is masked by its name alone only when its value looks like a credential, not a flag. */
const MIN_INHERITED_LENGTH = 8;
/** Names whose secret word is glued on (GITHUBTOKEN, DBPASSWORD, MYAPIKEY), which word-by-word matching misses. */
const GLUED_SECRET_NAME = /(?:TOKEN|SECRET|PASSWORD|PASSWD|APIKEY|ACCESSKEY|PRIVATEKEY)$/i;

function looksSecret(name: string): boolean {
  return isSecretName(name) || GLUED_SECRET_NAME.test(name);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Replaces known secret values and well-known token formats (GitHub, Hugging Face, OpenAI-style,
 * AWS, Slack, private keys: src/secrets/patterns.ts) in text before it reaches a sink. Pure: the
 * sinks (the gate's logger, the report writer) apply it; nothing else needs to know.
 */
export class SecretMask {
  private readonly byValue = new Map<string, string>();
  private pattern: RegExp | null = null;

  constructor(secrets: readonly NamedSecret[] = []) {
    for (const s of secrets) this.add(s);
  }

  /** Adds a value to mask; returns false (and masks nothing) when it is shorter than MIN_MASKED_LENGTH. */
  add(secret: NamedSecret): boolean {
    if (secret.value.length < MIN_MASKED_LENGTH) return false;
    if (!this.byValue.has(secret.value)) {
      this.byValue.set(secret.value, secret.name);
      this.pattern = null;
    }
    return true;
  }

  get size(): number {
    return this.byValue.size;
  }

  /** `text` with every known value and every well-known token replaced by `[masked NAME]`. */
  mask(text: string): string {
    let out = text;
    if (this.byValue.size > 0) {
      // Longest first, so a value that contains another is replaced whole.
      this.pattern ??= new RegExp(
        [...this.byValue.keys()]
          .sort((a, b) => b.length - a.length)
          .map(escapeRegExp)
          .join('|'),
        'g',
      );
      out = out.replace(this.pattern, (v) => `[masked ${this.byValue.get(v) ?? 'secret'}]`);
    }
    for (const t of findTokens(out)) out = out.split(t.value).join(`[masked ${t.kind}]`);
    return out;
  }

  /** A copy of `value` with every string in it masked (keys included); numbers and booleans are kept. */
  maskDeep<T>(value: T): T {
    return this.walk(value) as T;
  }

  private walk(v: unknown): unknown {
    if (typeof v === 'string') return this.mask(v);
    if (Array.isArray(v)) return v.map((x) => this.walk(x));
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [this.mask(k), this.walk(x)]));
    }
    return v;
  }
}

export interface HandedSecrets {
  /** The server's API key (LLM_GATE_API_KEY or target.apiKey). */
  apiKey?: string;
  /** target.passEnv: every value passed by name is a secret, whatever the name. */
  passEnv: readonly string[];
  /** target.env: values under secret-looking names. */
  env: Record<string, string>;
  /** The gate's own environment, which a command target inherits: values under secret-looking names. */
  inherited: NodeJS.ProcessEnv;
  /** Tokens the gate holds for itself (GitHub token, judge key): never the target's, never written either. */
  own?: readonly NamedSecret[];
}

/**
 * Everything a gate run must never write: the values it hands to the target and those it holds.
 * Returns the secrets and the names of handed values too short to mask (for a warning).
 */
export function handedSecrets(h: HandedSecrets): { secrets: NamedSecret[]; tooShort: string[] } {
  const secrets: NamedSecret[] = [];
  const tooShort: string[] = [];
  const explicit = (name: string, value: string | undefined) => {
    if (value === undefined || value === '') return;
    if (value.length < MIN_MASKED_LENGTH) tooShort.push(name);
    else secrets.push({ name, value });
  };
  explicit('API key', h.apiKey);
  for (const name of h.passEnv) explicit(name, h.inherited[name]);
  for (const [name, value] of Object.entries(h.env)) if (looksSecret(name)) explicit(name, value);
  for (const [name, value] of Object.entries(h.inherited)) {
    // A path or a URL without credentials is a location, not a secret (PWD is a directory, not a password).
    if (value !== undefined && value.length >= MIN_INHERITED_LENGTH && looksSecret(name) && !isReference(value)) secrets.push({ name, value });
  }
  for (const s of h.own ?? []) explicit(s.name, s.value);
  return { secrets, tooShort };
}

/** `logger` with every message and group title masked before it is written. */
export function maskingLogger(logger: Logger, mask: SecretMask): Logger {
  return {
    info: (m) => logger.info(mask.mask(m)),
    warn: (m) => logger.warn(mask.mask(m)),
    error: (m) => logger.error(mask.mask(m)),
    debug: (m) => logger.debug(mask.mask(m)),
    group: (title, fn) => logger.group(mask.mask(title), fn),
  };
}
