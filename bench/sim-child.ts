/**
 * The simulator in its own process for bench/accuracy.ts, so that the server's timers and the
 * client's reads do not share one event loop. Talks to the parent over the fork IPC channel.
 */
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { startSimulator } from '../src/sim/server.ts';

const messageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('clock') }),
  z.object({ type: z.literal('times'), prefix: z.string() }),
  z.object({ type: z.literal('close') }),
]);

const options: unknown = JSON.parse(process.argv[2] ?? '{}');
const sim = await startSimulator({ ...(options as object), recordSendTimes: true });
const reply = (m: unknown) => process.send?.(m);
reply({ type: 'ready', url: sim.url });

process.on('message', (raw) => {
  const m = messageSchema.parse(raw);
  if (m.type === 'clock') {
    reply({ type: 'clock', epochMs: performance.timeOrigin + performance.now() });
  } else if (m.type === 'times') {
    const out: Record<string, { receivedAt: number; chunks: number[] }> = {};
    for (const [id, t] of sim.sendTimes()) if (id.startsWith(m.prefix)) out[id] = t;
    reply({ type: 'times', times: out });
  } else {
    void sim.close().then(() => process.exit(0));
  }
});
