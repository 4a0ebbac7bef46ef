import type { Target } from '../targets/target.ts';

/**
 * One leg of a run: one target, one repetition — deployed, loaded and torn down on its own
 * clock. A run is a list of legs in the order they run.
 */
export interface Leg {
  target: Target;
  /** 0 for the first run of this target */
  repetition: number;
  /** how many times each target runs (`--repeat`) */
  repetitions: number;
  /** the leg's name in the run directory and run.json (targets/<key>/): the target's name, or `<name>.rep<k>` when repeated */
  key: string;
}

/**
 * Every target `repeat` times, interleaved so that drift over time (a warming machine, a
 * neighbour's load) hits every side alike: forward in even rounds, backward in odd ones —
 * A B, B A, A B, … With one repetition: every target once, in the order given.
 */
export function legsOf(targets: readonly Target[], repeat = 1): Leg[] {
  const legs: Leg[] = [];
  for (let r = 0; r < repeat; r++) {
    const round = r % 2 === 0 ? targets : [...targets].reverse();
    for (const target of round) legs.push({ target, repetition: r, repetitions: repeat, key: repeat === 1 ? target.name : `${target.name}.rep${r + 1}` });
  }
  return legs;
}
