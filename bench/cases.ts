/**
 * The misbehaving-server cases of issue 17, measured with the llm-gate checkout at ROOT (default: this one):
 * `node bench/cases.ts [ROOT]`. Servers and helpers always come from this checkout, so two checkouts are
 * measured against the same servers (bench/README.md has the figures).
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { StepOptions } from '../src/bench/load.ts';
const HERE = path.resolve(import.meta.dirname, '..');
const ROOT = path.resolve(process.argv[2] ?? HERE);
const { runStep, WARMUP_INDEX_BASE } = (await import(`${ROOT}/src/bench/load.ts`)) as typeof import('../src/bench/load.ts');
const { syntheticBodies } = (await import(`${ROOT}/src/bench/prompts.ts`)) as typeof import('../src/bench/prompts.ts');
// Trees before src/gate/ held the pipeline in src/gate.ts.
const GATE = existsSync(`${ROOT}/src/gate/gate.ts`) ? `${ROOT}/src/gate/gate.ts` : `${ROOT}/src/gate.ts`;
const { runGate } = (await import(GATE)) as typeof import('../src/gate/gate.ts');
const { parseGateConfig } = (await import(`${ROOT}/src/config/load.ts`)) as typeof import('../src/config/load.ts');
const { silentLogger } = (await import(`${ROOT}/src/log.ts`)) as typeof import('../src/log.ts');
// The server under test is the same for both: this tree's simulator, whose Ollama abandons a load when its requests hang up.
const { startSimulator } = await import('../src/sim/server.ts');
const { frame, scriptedServer, usageFrame } = await import('../test/helpers/scripted-sse.ts');

const step = (root: string, over: Partial<StepOptions>): StepOptions => ({
  baseURL: `${root}/v1`,
  shape: { mode: 'concurrency', concurrency: 1 },
  requests: 4,
  warmupRequests: 0,
  makeBody: (i: number) => ({ model: 'm', messages: [{ role: 'user', content: `q${i}` }], max_tokens: 64 }),
  totalTimeoutMs: 60_000,
  idleTimeoutMs: 30_000,
  slo: {},
  seed: 1,
  ...over,
});
const f1 = (x: number | undefined) => (x === undefined ? 'n/a' : x.toFixed(1));

{ // 1. ITL: a 4-token chunk every 80 ms, usage 64
  const s = await scriptedServer(() => [
    ...Array.from({ length: 16 }, (_, i) => ({ afterMs: i === 0 ? 100 : 80, text: frame({ content: 'ab cd ef gh ' }) })),
    { afterMs: 1, text: `${frame({}, 'length')}${usageFrame(64)}data: [DONE]\n\n` },
  ]);
  const run = await runStep(step(s.url, {}));
  console.log(`1 ITL (4-token chunks every 80 ms, usage 64): TPOT p50 ${f1(run.tpotMs.p50)} ms, ITL p50 ${f1(run.itlMs.p50)} ms, itlFrom ${run.itlFrom ?? '-'}`);
  await s.close();
}
{ // 2. reasoning in delta.reasoning for 400 ms then an answer; every other stream capped while still reasoning
  const s = await scriptedServer((_b, a) => {
    const thinking = [{ afterMs: 150, text: frame({ reasoning: 'Think' }) }, ...Array.from({ length: 4 }, () => ({ afterMs: 100, text: frame({ reasoning: ' more' }) }))];
    if (a.index % 2 === 1) return [...thinking, { afterMs: 1, text: `${frame({}, 'length')}${usageFrame(5)}data: [DONE]\n\n` }];
    return [...thinking, { afterMs: 1, text: frame({ content: 'Answer' }) }, { afterMs: 1, text: `${frame({}, 'stop')}${usageFrame(6)}data: [DONE]\n\n` }];
  });
  const run = await runStep(step(s.url, { requests: 16, shape: { mode: 'concurrency', concurrency: 4 } }));
  console.log(`2 reasoning (400 ms of delta.reasoning, then the answer): TTFT p50 ${f1(run.ttftMs.p50)} ms, answer TTFT p50 ${f1(run.answerTtftMs?.p50)} ms, ok ${run.ok}/16, errors ${JSON.stringify(run.errorsByKind)}`);
  await s.close();
}
{ // 3. llama.cpp error: field then [DONE] after 8 tokens, 4 of 16 streams
  const s = await scriptedServer((_b, a) => {
    const eight = Array.from({ length: 8 }, () => ({ afterMs: 1, text: frame({ content: 'x ' }) }));
    if (a.index % 4 === 0) return [...eight, { afterMs: 1, text: 'error: {"code":500,"message":"out of slots","type":"server_error"}\n\ndata: [DONE]\n\n' }];
    return [...eight, ...eight, { afterMs: 1, text: `${frame({}, 'stop')}${usageFrame(16)}data: [DONE]\n\n` }];
  });
  const run = await runStep(step(s.url, { requests: 16, shape: { mode: 'concurrency', concurrency: 4 } }));
  console.log(`3 errors outside data lines (4 of 16 streams: error: field + [DONE] after 8 tokens): ok ${run.ok}/16, errors ${JSON.stringify(run.errorsByKind)}`);
  await s.close();
}
{ // 5. warm-up: the first stream at each new batch size pays 500 ms more to its first token
  let widest = 0;
  const s = await scriptedServer((_b, a) => {
    const cold = a.inFlight > widest;
    widest = Math.max(widest, a.inFlight);
    return [...Array.from({ length: 8 }, (_, i) => ({ afterMs: i === 0 ? (cold ? 600 : 100) : 5, text: frame({ content: 'x ' }) })), { afterMs: 1, text: `${frame({}, 'length')}${usageFrame(8)}data: [DONE]\n\n` }];
  });
  const run = await runStep(step(s.url, { requests: 32, warmupRequests: 4, shape: { mode: 'concurrency', concurrency: 8 } }));
  console.log(`5 warm-up (concurrency 8, warmupRequests 4, true TTFT 100 ms): TTFT p90 ${f1(run.ttftMs.p90)} ms, max ${f1(run.ttftMs.max)} ms, warm-up ${JSON.stringify(run.warmup ?? { requests: run.warmupRequests })}`);
  await s.close();
}
{ // 4. Ollama: 3.5 s load, probe timeout 3 s (35 s and 30 s shrunk tenfold), no engine: set
  const sim = await startSimulator({ engine: 'ollama', loadTimeMs: 3500, ttftMs: 1, decodeMsPerToken: 1, jitter: 0 });
  const out = await mkdtemp(path.join(os.tmpdir(), 'i17-fig-'));
  const t0 = performance.now();
  const r = await runGate(parseGateConfig({ target: { url: sim.url }, readiness: { intervalS: 0.2, probeTimeoutS: 3, timeoutS: 12 }, eval: { enabled: false }, bench: { concurrency: [1], requests: 2, warmupRequests: 1 }, compare: { baseline: 'none' }, out }, 'fig'), { logger: silentLogger, env: process.env });
  console.log(`4 lazy loader (Ollama, 3.5 s load, 3 s probe timeout, no engine:): ready ${r.report.readiness?.ready} after ${f1(r.report.readiness?.secondsToReady ?? undefined)} s, exit ${r.exitCode}, ${((performance.now() - t0) / 1000).toFixed(1)} s in all; ${r.report.readiness?.lastError ?? ''}`);
  await sim.close();
  await rm(out, { recursive: true, force: true });
}
{ // 5b. 256 streams at the bench's default warm-up (4): TTFT error against a simulator (own process) that logs its send times
  const messageSchema = z.union([
    z.object({ type: z.literal('ready'), url: z.string() }),
    z.object({ type: z.literal('clock'), epochMs: z.number() }),
    z.object({ type: z.literal('times'), times: z.record(z.string(), z.object({ chunks: z.array(z.number()) })) }),
  ]);
  type Message = z.infer<typeof messageSchema>;
  const child = fork(path.join(HERE, 'bench/sim-child.ts'), [JSON.stringify({ ttftMs: 40, decodeMsPerToken: 8, jitter: 0.05, slowdownPerActive: 0 })], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = messageSchema.parse(await new Promise((r) => child.once('message', r)));
  if (ready.type !== 'ready') throw new Error('the simulator did not start');
  const waiters: ((m: Message) => void)[] = [];
  child.on('message', (m) => waiters.shift()?.(messageSchema.parse(m)));
  const ask = (m: object) => new Promise<Message>((r) => (waiters.push(r), child.send(m)));
  // Server clock minus ours, from the ping with the shortest round trip.
  let best = { rtt: Infinity, offset: 0 };
  for (let i = 0; i < 30; i++) {
    const t0 = performance.timeOrigin + performance.now();
    const m = await ask({ type: 'clock' });
    const t1 = performance.timeOrigin + performance.now();
    if (m.type === 'clock' && t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: m.epochMs - (t0 + t1) / 2 };
  }
  const firstToken = new Map<string, number>();
  const run = await runStep({
    ...step(ready.url, { requests: 1024, warmupRequests: 4, shape: { mode: 'concurrency', concurrency: 256 } }),
    makeBody: syntheticBodies({ model: 'sim-model', inputWords: 64, outputTokens: 64, seed: 1 }),
    makeHeaders: (i): Record<string, string> => (i >= WARMUP_INDEX_BASE ? {} : { 'x-request-id': `m${i}` }),
    onResult: (i, r) => {
      if (r.ok && r.ttftMs !== null) firstToken.set(`m${i}`, performance.timeOrigin + r.sentAt + r.ttftMs);
    },
  });
  const times = await ask({ type: 'times', prefix: 'm' });
  const errors: number[] = [];
  if (times.type === 'times') {
    for (const [id, t] of Object.entries(times.times)) {
      const at = firstToken.get(id);
      if (at !== undefined && t.chunks.length > 0) errors.push(at - (t.chunks[0]! - best.offset));
    }
  }
  errors.sort((a, b) => a - b);
  const q = (p: number) => errors[Math.min(errors.length - 1, Math.floor(p * errors.length))];
  console.log(`5b 256 streams, 1024 requests, warmupRequests 4: TTFT error (client - server) p50 ${f1(q(0.5))} ms, p99 ${f1(q(0.99))} ms; warm-up ${JSON.stringify(run.warmup ?? { requests: run.warmupRequests })}`);
  child.send({ type: 'close' });
  await new Promise((r) => child.once('exit', r));
}
process.exit(0);
