// A small seeded pseudo-random generator for demo data. Math.random cannot be seeded, and the
// demo data set must come out the same on every machine and every run, so the generator is
// written out here: sfc32 (Chris Doty-Humphrey's Small Fast Counter, from PractRand), seeded
// through splitmix32 so that neighbouring seeds (customer 41, customer 42) give unrelated streams.

/** A deterministic source of random draws; the same seed always gives the same sequence. */
export interface Random {
  /** Uniform in [0, 1). */
  float(): number;
  /** Uniform integer in [min, max], both ends included. */
  int(min: number, max: number): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  /** One element, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** One element, with probability proportional to its weight. */
  weighted<T>(items: readonly T[], weights: readonly number[]): T;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** Normal (Gaussian) draw. */
  normal(mean: number, sd: number): number;
  /** Exponential draw with the given mean (the waiting time of a Poisson process). */
  exponential(mean: number): number;
  /** Log-normal draw: `exp(normal(mu, sigma))`. */
  lognormal(mu: number, sigma: number): number;
  /** Poisson count with the given mean. */
  poisson(mean: number): number;
}

/** Mixes a 32-bit state into a well-spread 32-bit value (splitmix32 finaliser). */
function mix32(value: number): number {
  let z = (value + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);

  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A seed for one item of a larger set, derived from the set's seed and the item's index, so that
 * each item has its own stream: generating items 0..99 in one batch or in two gives the same rows.
 */
export function deriveSeed(seed: number, index: number): number {
  return mix32(mix32(seed >>> 0) ^ mix32(index >>> 0) ^ Math.floor(index / 0x100000000));
}

/** Creates a generator from a 32-bit seed (other numbers are reduced to 32 bits). */
export function createRandom(seed: number): Random {
  let a = mix32(seed);
  let b = mix32(a);
  let c = mix32(b);
  let d = 1;

  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;

    return (t >>> 0) / 4294967296;
  };
  // sfc32's first outputs still echo the seed; the reference implementation discards a few.
  for (let i = 0; i < 12; i += 1) {
    next();
  }
  // Box-Muller gives two normal draws per pair of uniforms; the second waits here.
  let spareNormal: number | null = null;

  const random: Random = {
    float: next,
    int(min, max) {
      return min + Math.floor(next() * (max - min + 1));
    },
    between(min, max) {
      return min + next() * (max - min);
    },
    pick(items) {
      if (items.length === 0) {
        throw new RangeError('pick needs at least one item, got an empty array');
      }

      return items[Math.floor(next() * items.length)] as (typeof items)[number];
    },
    weighted(items, weights) {
      if (items.length === 0 || items.length !== weights.length) {
        throw new RangeError(
          `weighted needs as many weights as items (at least one), got ${items.length} items and ${weights.length} weights`,
        );
      }
      const total = weights.reduce((sum, weight) => sum + weight, 0);
      let target = next() * total;
      for (let i = 0; i < items.length; i += 1) {
        target -= weights[i] as number;
        if (target < 0) {
          return items[i] as (typeof items)[number];
        }
      }

      // Only reachable through floating-point rounding at the very end of the range.
      return items[items.length - 1] as (typeof items)[number];
    },
    chance(p) {
      return next() < p;
    },
    normal(mean, sd) {
      if (spareNormal !== null) {
        const z = spareNormal;
        spareNormal = null;

        return mean + sd * z;
      }
      // 1 - next() lies in (0, 1], so the logarithm is finite.
      const radius = Math.sqrt(-2 * Math.log(1 - next()));
      const angle = 2 * Math.PI * next();
      spareNormal = radius * Math.sin(angle);

      return mean + sd * radius * Math.cos(angle);
    },
    exponential(mean) {
      return -mean * Math.log(1 - next());
    },
    lognormal(mu, sigma) {
      return Math.exp(random.normal(mu, sigma));
    },
    poisson(mean) {
      // Knuth's product of uniforms is exact and fast enough for the small means used here;
      // large means use the normal approximation instead of looping hundreds of times.
      if (mean > 30) {
        return Math.max(0, Math.round(random.normal(mean, Math.sqrt(mean))));
      }
      const limit = Math.exp(-mean);
      let count = 0;
      let product = next();
      while (product > limit) {
        count += 1;
        product *= next();
      }

      return count;
    },
  };

  return random;
}
