import type { FailureKind } from '../report/schema.ts';
import { chunkSchema, errorMessageOf, type Chunk } from './chunk.ts';
import { splitThink } from './reasoning.ts';
import type { SseSideEvent } from './sse.ts';
import type { StreamResult } from './stream.ts';

/** Why a request failed, classified for the report. */
export type Failure = { kind: FailureKind; message: string };

/** Content kept per request; the rest is counted, not kept. */
export const MAX_KEPT_TEXT_CHARS = 64 * 1024;
/** Chunk arrival times kept per request (ITL samples); far beyond any real answer's token count. */
export const MAX_CHUNK_TIMES = 1_000_000;

/** Characters of tool-call text (function name and argument pieces) in one delta. */
function toolCallChars(calls: NonNullable<NonNullable<Chunk['choices'][number]['delta']>['tool_calls']>): number {
  let n = 0;
  for (const c of calls) n += (c.function?.name?.length ?? 0) + (c.function?.arguments?.length ?? 0);
  return n;
}

/**
 * The measured core of one streamed completion: reads each SSE `data:` payload with the time its bytes
 * arrived and records what the result reports: TTFT, each generated chunk's time (ITL), characters and
 * engine token counts, reasoning and answer text (kept up to MAX_KEPT_TEXT_CHARS), usage, finish reason.
 * It never touches the network or a clock: every time comes from the caller, in performance.now() ms.
 */
export class ChunkRecorder {
  readonly result: StreamResult;
  /** The stream sent `data: [DONE]`. */
  sawDone = false;
  private readonly textParts: string[] = [];
  /** Arrival of each content piece in textParts (ms after sentAt): where the answer starts is known only at the end. */
  private readonly textTimes: number[] = [];
  private readonly reasoningParts: string[] = [];
  /** Generated characters kept (content and reasoning) and received: a flooding stream must not grow memory. */
  private keptChars = 0;
  private totalChars = 0;
  /** The engine's running count of generated tokens at each generated chunk, where it sends one. */
  private readonly tokensSoFar: number[] = [];

  /** `sentAt`: performance.now() when the request was handed to the socket layer. */
  constructor(sentAt: number) {
    this.result = {
      ok: false,
      sentAt,
      ttftMs: null,
      answerTtftMs: null,
      e2eMs: 0,
      chunkTimesMs: [],
      chunkChars: [],
      chunkTokens: null,
      usageOutputTokens: null,
      usageInputTokens: null,
      contentChunks: 0,
      finishReason: null,
      text: '',
      reasoning: '',
      status: null,
    };
  }

  /**
   * Records one `data:` payload that arrived at `at`. Returns the failure it shows (not JSON, not a
   * chunk, an error object streamed by the server), after which nothing more should be recorded.
   */
  record(data: string, at: number): Failure | undefined {
    const result = this.result;
    if (data === '[DONE]') {
      this.sawDone = true;
      return undefined;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      return { kind: 'malformed-sse', message: `data line is not JSON: ${data.slice(0, 120)}` };
    }
    // An error object is a valid JSON object too: vLLM streams `{"error": {...}}` when generation fails.
    if (typeof parsed === 'object' && parsed !== null && 'error' in parsed && !('choices' in parsed)) {
      return { kind: 'server-error', message: `the server reported an error mid-stream: ${errorMessageOf(data)}` };
    }
    const chunk = chunkSchema.safeParse(parsed);
    if (!chunk.success) return { kind: 'malformed-sse', message: `data line is not a chat-completion chunk: ${data.slice(0, 120)}` };
    const { choices, usage } = chunk.data;
    if (usage) {
      if (usage.completion_tokens != null) result.usageOutputTokens = usage.completion_tokens;
      if (usage.prompt_tokens != null) result.usageInputTokens = usage.prompt_tokens;
    }
    const choice = choices[0];
    if (choice) {
      const d = choice.delta;
      const content = d?.content || choice.text || '';
      const reasoning = d ? d.reasoning_content || d.reasoning || d.thinking || '' : '';
      const tools = d?.tool_calls ? toolCallChars(d.tool_calls) : 0;
      if (content.length > 0 || reasoning.length > 0 || tools > 0) {
        const t = at - result.sentAt;
        if (result.ttftMs === null) result.ttftMs = t;
        if (result.chunkTimesMs.length < MAX_CHUNK_TIMES) {
          result.chunkTimesMs.push(t);
          result.chunkChars.push(content.length + reasoning.length + tools);
        }
        result.contentChunks++;
        this.totalChars += content.length + reasoning.length;
        if (content.length > 0 && this.keep(this.textParts, content)) this.textTimes.push(t);
        if (reasoning.length > 0) this.keep(this.reasoningParts, reasoning);
        const counted = chunk.data.timings?.predicted_n;
        if (counted != null) this.tokensSoFar.push(counted);
      }
      if (choice.finish_reason) result.finishReason = choice.finish_reason;
    }
    return undefined;
  }

  /** Named events and fields other than data (llama.cpp's `error:`), read after the data of the same read: the failure one reports. */
  recordSideEvents(events: SseSideEvent[]): Failure | undefined {
    for (const e of events) {
      if (e.name === 'error' || /^\s*\{\s*"error"\s*:/.test(e.value)) {
        return { kind: 'server-error', message: `the server reported an error mid-stream (SSE ${e.name}): ${errorMessageOf(e.value)}` };
      }
    }
    return undefined;
  }

  /**
   * Completes the result once the request ended at `at`: E2E, answer and reasoning apart, answer TTFT,
   * per-chunk token counts, `status`, and the error (`empty-output` when no token came and no other error did).
   */
  settle(at: number, status: number | null, error: Failure | undefined): StreamResult {
    const result = this.result;
    result.e2eMs = at - result.sentAt;
    result.status = status;
    this.settleText();
    if (this.totalChars > this.keptChars) result.textChars = this.totalChars;
    if (!error && result.contentChunks === 0) error = { kind: 'empty-output', message: 'stream finished without any generated token' };
    if (error) result.error = error;
    result.ok = !error;
    return result;
  }

  /** Keeps what fits under MAX_KEPT_TEXT_CHARS of `piece` in `parts`; false when nothing more is kept. */
  private keep(parts: string[], piece: string): boolean {
    if (this.keptChars >= MAX_KEPT_TEXT_CHARS) return false;
    const kept = piece.slice(0, MAX_KEPT_TEXT_CHARS - this.keptChars);
    parts.push(kept);
    this.keptChars += kept.length;
    return true;
  }

  /** Once per request, off the per-chunk path: answer and reasoning apart, answer timing, per-chunk token counts. */
  private settleText(): void {
    const { result, textParts, textTimes, tokensSoFar } = this;
    const content = textParts.join('');
    const think = splitThink(content);
    result.text = think.answer;
    result.reasoning = this.reasoningParts.join('') + think.reasoning;
    const start = think.answerStart + (think.answer.length - think.answer.trimStart().length);
    let end = 0;
    for (let i = 0; i < textParts.length && start < content.length; i++) {
      end += textParts[i]!.length;
      if (end > start) {
        result.answerTtftMs = textTimes[i]!;
        break;
      }
    }
    if (tokensSoFar.length === result.contentChunks && tokensSoFar.length > 0) {
      result.chunkTokens = tokensSoFar.map((n, i) => n - (i === 0 ? 0 : tokensSoFar[i - 1]!));
    }
  }
}
