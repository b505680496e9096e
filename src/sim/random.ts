/** Seeded randomness: the simulator must replay the same run for the same seed. */
import { mulberry32 } from '../random.ts';

/** FNV-1a over the parts, so a (seed, purpose, key) triple maps to a stable 32-bit state. */
export function hash32(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const s = `${String(part)}\u0000`;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  }
  return h >>> 0;
}

/** A uniform number in [0, 1) fixed by its key: independent of the order requests arrive in. */
export function unitFromKey(...parts: (string | number)[]): number {
  return mulberry32(hash32(...parts))();
}

