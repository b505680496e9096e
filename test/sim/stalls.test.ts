import { afterEach, describe, expect, it } from 'vitest';
import { streamChatCompletion } from '../../src/client/stream.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('simulator: server-wide stalls at random moments', () => {
  it('pauses every running stream at once, at seeded random moments', async () => {
    sim = await startSimulator({ ttftMs: 5, decodeMsPerToken: 3, jitter: 0, slowdownPerActive: 0, faults: { stallEveryMs: 150, stallMs: 80 } });
    const body = { messages: [{ role: 'user', content: 'hi' }], max_tokens: 200, ignore_eos: true };
    const req = { baseURL: `${sim.url}/v1`, body, totalTimeoutMs: 20_000, idleTimeoutMs: 5_000 };
    const [a, b] = await Promise.all([streamChatCompletion(req), streamChatCompletion(req)]);
    expect(a.ok && b.ok, JSON.stringify([a.error, b.error])).toBe(true);
    // Stall gaps: at least 60 ms between tokens that come every 3 ms otherwise.
    const stallsAt = (times: number[]) => times.flatMap((t, i) => (i > 0 && t - times[i - 1]! >= 60 ? [a.sentAt + t] : []));
    const sa = stallsAt(a.chunkTimesMs);
    const sb = stallsAt(b.chunkTimesMs);
    expect(sa.length).toBeGreaterThanOrEqual(1);
    // The same stalls end both streams' gaps, within a loaded machine's scheduling slack.
    for (const t of sa) expect(sb.some((u) => Math.abs(u - t) < 25)).toBe(true);
  });
});
