import type { Target } from '../targets/target.ts';

/**
 * One leg of a run: one target, one repetition — deployed, loaded and torn down on its own
 * clock. A run is a list of legs in the order they run.
 */
export interface Leg {
  target: Target;
  /** 0 for the first run of this target */
  repetition: number;
  /** the leg's name in the run directory and run.json (targets/<key>/) */
  key: string;
}

/** Today: every target once, in the order given. */
export function legsOf(targets: readonly Target[]): Leg[] {
  return targets.map((target) => ({ target, repetition: 0, key: target.name }));
}
