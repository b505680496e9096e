/** A uniform generator on [0, 1). Seeded everywhere: the same seed replays the same run. */
export type Rng = () => number;

/** mulberry32: small, fast, period 2^32; enough for jitter, prompts, fault draws and resampling. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
