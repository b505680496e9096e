import { mulberry32 } from '../random.ts';

/** A standard normal draw (Box-Muller) from a uniform source. */
function normal(random: () => number): number {
  let u = 0;
  while (u === 0) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** A Gamma(shape, 1) draw (Marsaglia-Tsang; shape < 1 boosted with a uniform power). */
export function gammaDraw(shape: number, random: () => number): number {
  if (shape < 1) {
    let u = 0;
    while (u === 0) u = random();
    return gammaDraw(shape + 1, random) * u ** (1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * Send offsets (ms from the step start) of an open-loop load at `rate` requests/s, as vLLM's
 * `bench serve` draws them: gamma inter-arrivals with shape = burstiness and mean 1/rate.
 * burstiness 1 is a Poisson process; below 1 arrivals bunch up, above 1 they even out.
 * Seeded, so a rerun sends on the same schedule. Each call returns the next offset; unbounded,
 * because a duration-bound step does not know its count in advance.
 */
export function arrivalSchedule(rate: number, burstiness: number, seed: number): () => number {
  const random = mulberry32(seed * 7919 + 17);
  const thetaMs = 1000 / (rate * burstiness);
  let t = 0;
  let first = true;
  return () => {
    // The first request goes at once, as in vLLM; the gap before each later one is drawn.
    if (!first) t += gammaDraw(burstiness, random) * thetaMs;
    first = false;
    return t;
  };
}
