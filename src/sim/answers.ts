import type { SimulatedAnswer } from './options.ts';
import { mulberry32 } from '../random.ts';
import { hash32, unitFromKey } from './random.ts';

export interface AnswerBook {
  /** The text the model "generates" for this prompt, before any length limit. */
  answer(prompt: string): string;
}

const FILLER_WORDS = [
  'the', 'model', 'returns', 'a', 'plausible', 'sentence', 'about', 'serving', 'latency', 'and',
  'tokens', 'while', 'the', 'scheduler', 'batches', 'requests', 'on', 'one', 'device', 'with', 'care',
];

/** Deterministic filler of exactly `tokens` tokens, varied by prompt so outputs differ per request. */
export function fillerText(prompt: string, tokens: number, seed: number): string {
  const rng = mulberry32(hash32(seed, 'filler', prompt));
  const words: string[] = [];
  for (let i = 0; i < tokens; i++) {
    // Every 12th token is a full stop: the tokenizer counts it as one token of its own.
    words.push(i % 12 === 11 ? '.' : FILLER_WORDS[Math.floor(rng() * FILLER_WORDS.length)]!);
  }
  return words.map((w, i) => (i === 0 || w === '.' ? w : ` ${w}`)).join('');
}

/** A plausible wrong answer that an exact or contains scorer must reject. */
export function wrongAnswer(reference: string): string {
  const trimmed = reference.trim();
  if (/^-?\d+$/.test(trimmed)) return String(BigInt(trimmed) + 1n);
  if (/^-?\d+\.\d+$/.test(trimmed)) return String(Number(trimmed) + 1);
  const candidate = 'I am not sure.';
  return candidate.toLowerCase().includes(trimmed.toLowerCase()) ? 'No idea.' : candidate;
}

const normalize = (s: string): string => s.trim().replace(/\s+/g, ' ');

export function answerBook(answers: SimulatedAnswer[], errorRate: number, fillerTokens: number, seed: number): AnswerBook {
  const exact = new Map<string, SimulatedAnswer>();
  for (const a of answers) exact.set(normalize(a.prompt), a);
  // Longest prompts first, so a short prompt never steals a message that contains a longer one.
  const byLength = [...exact.values()].sort((a, b) => b.prompt.length - a.prompt.length);

  return {
    answer(prompt) {
      const key = normalize(prompt);
      const hit = exact.get(key) ?? byLength.find((a) => key.includes(normalize(a.prompt)));
      if (!hit) return fillerText(key, fillerTokens, seed);
      // Drawn per prompt, not per request: the same item is wrong in every run with this seed.
      return unitFromKey(seed, 'error', normalize(hit.prompt)) < errorRate ? wrongAnswer(hit.reference) : hit.reference;
    },
  };
}
