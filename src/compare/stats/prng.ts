import type { Rng } from '../../random.ts';

export type { Rng };
/** The bootstrap's generator: the project's one seeded PRNG. */
export { mulberry32 as createRng } from '../../random.ts';

/**
 * A seed for one labelled stream (a dimension's name), so that adding or removing a dimension
 * leaves every other dimension's resamples, and so its interval, unchanged. FNV-1a over the label.
 */
export function deriveSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** An integer in [0, n). */
export function randomIndex(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}
