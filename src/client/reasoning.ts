/**
 * Reasoning ("thinking") as engines mark it. Reasoning is generated output: it counts for TTFT and
 * token counts, and is kept out of what scorers and the judge read.
 */

/**
 * Delta fields engines stream reasoning in, first present wins: vLLM before its rename, DeepSeek's API
 * and llama.cpp use `reasoning_content`; current vLLM, Ollama and OpenRouter-style gateways `reasoning`;
 * gateways fronting Anthropic-style models `thinking`.
 */
export const REASONING_FIELDS = ['reasoning_content', 'reasoning', 'thinking'] as const;

const OPEN = '<think>';
const CLOSE = '</think>';

export interface ThinkSplit {
  /** Reasoning written in the content between think tags (without the tags). */
  reasoning: string;
  /** The answer: what follows the closing tag, leading whitespace removed. */
  answer: string;
  /** Offset in the content where the answer starts (content.length when there is none). */
  answerStart: number;
}

/**
 * Splits reasoning written in the content from the answer: `<think>…</think>answer` as a model writes it
 * without a reasoning parser, `…</think>answer` when the chat template opened the block in the prompt
 * (DeepSeek-R1 and Qwen3 templates do), and `<think>…` cut off by max_tokens before it closed (all reasoning).
 * Content with no think tag at its start and no closing tag is all answer.
 */
export function splitThink(content: string): ThinkSplit {
  const lead = content.length - content.trimStart().length;
  const opened = content.startsWith(OPEN, lead);
  const from = opened ? lead + OPEN.length : 0;
  const close = content.indexOf(CLOSE, from);
  // A closing tag after an opening one that is not at the start is a quotation, not the template's block.
  if (close === -1 || (!opened && content.lastIndexOf(OPEN, close) !== -1)) {
    return opened ? { reasoning: content.slice(from), answer: '', answerStart: content.length } : { reasoning: '', answer: content, answerStart: 0 };
  }
  const after = close + CLOSE.length;
  const rest = content.slice(after);
  const answer = rest.trimStart();
  return { reasoning: content.slice(from, close), answer, answerStart: after + (rest.length - answer.length) };
}
