/**
 * The one seeded random source of the statistics: bootstraps take a seed so the same saved
 * runs always give the same interval (a report rendered twice must not change).
 * Generator: xoroshiro128+ from pure-rand, integers drawn with its unbiased `uniformInt`.
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

export interface SeededRng {
  /** A uniform integer in [0, n). Advances the generator. */
  index(n: number): number;
}

/** A generator for one computation; not shared, not thread-safe (it mutates itself). */
export function seededRng(seed: number): SeededRng {
  const rng = xoroshiro128plus(seed | 0);
  return { index: (n) => uniformInt(rng, 0, n - 1) };
}

/** A resample with replacement of `values`, the same length (Efron's bootstrap draw). */
export function resample<T>(values: readonly T[], rng: SeededRng): T[] {
  return values.map(() => values[rng.index(values.length)]!);
}
