import type { z } from 'zod';

/** What every scorer returns, promptfoo-style: a 0..1 score, a verdict, and why. */
export interface ScoreResult {
  score: number;
  pass: boolean;
  reason: string;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A judge verdict on one answer; `attempts` counts calls, malformed replies included. */
export interface JudgeVerdict extends ScoreResult {
  attempts: number;
}

export interface JudgeRequest {
  messages: ChatMessage[];
  reference: string | undefined;
  output: string;
}

/**
 * Network services async scorers need, supplied by the runner so scorers stay free of
 * connection settings and tests can point them at real local servers.
 */
export interface ScorerServices {
  /** Embeds texts through an OpenAI-compatible /v1/embeddings. */
  embed(texts: string[], endpoint: { baseURL?: string; model?: string }, signal?: AbortSignal): Promise<number[][]>;
  judge(request: JudgeRequest, settings: JudgeSettings, signal?: AbortSignal): Promise<JudgeVerdict>;
}

export interface JudgeSettings {
  rubric: string;
  mode: 'score' | 'pass-fail';
  /** Judge score at or above which an answer passes, in score mode. */
  passAt: number;
  includeReference: boolean;
}

export interface ScoreInput {
  output: string;
  reference: string | undefined;
  messages: ChatMessage[];
  latencyMs: number;
  services: ScorerServices;
  signal?: AbortSignal;
}

export interface Scorer<S extends z.ZodType = z.ZodType> {
  /** One line for `--help` and the template. */
  description: string;
  /** Validates the merged dimension and item settings when the dataset loads. */
  settings: S;
  /** Whether, with these settings, every item needs a reference answer; checked at load time. */
  needsReference(settings: z.infer<S>): boolean;
  // Method syntax keeps the registry assignable across scorers with different settings types.
  score(input: ScoreInput, settings: z.infer<S>): ScoreResult | Promise<ScoreResult>;
}

export function defineScorer<S extends z.ZodType>(scorer: Scorer<S>): Scorer<S> {
  return scorer;
}

export function verdict(pass: boolean, reason: string): ScoreResult {
  return { score: pass ? 1 : 0, pass, reason };
}

/** Quotes untrusted model output for a reason line, shortened so reports stay small. */
export function quote(text: string, max = 80): string {
  const short = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(short);
}
