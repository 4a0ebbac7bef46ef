/**
 * The capacity scenario's step ladder: an open-model load whose arrival rate climbs in
 * geometric steps, each held for a fixed time. Plain data and arithmetic shared by k6
 * (scenarios/capacity.ts) and the harness (src/run/capacity-probe.ts); no imports, so
 * profile.ts can use it without an import cycle.
 */

/** Stage shape of the ladder (same as profile.ts's Stage, repeated here to keep this file import-free). */
interface LadderStage {
  durationS: number;
  target: number;
}

/** How the capacity scenario climbs. Durations in seconds, rates in requests/s. */
export interface CapacityLadder {
  /** rate of step 0 */
  startRps: number;
  /** each step's rate is the previous one's × growth (rounded to a whole request/s, always rising) */
  growth: number;
  /** safety cap: no step above this rate */
  capRps: number;
  /** seconds each step holds its rate (the first second ramps to it) */
  stepS: number;
  /** seconds at each step's start left out of its figures (the app settling to the new rate) */
  settleS: number;
  /** a step with a larger failed share stops the probe at once */
  errorCeiling: number;
}

/** The rates of every step, lowest first: startRps × growth^k rounded, strictly rising, ≤ capRps. */
export function ladderRates(l: CapacityLadder): number[] {
  const out: number[] = [];
  for (let k = 0; k < 1000; k++) {
    const prev = out[out.length - 1] ?? 0;
    const r = Math.max(prev + 1, Math.round(l.startRps * l.growth ** k));
    if (r > l.capRps) break;
    out.push(r);
  }
  return out;
}

/**
 * Open-model stages of the ladder from step `fromStep` on: per step a 1-second ramp to its
 * rate, then the rate held for the rest of `stepS` (both drivers follow stages linearly, as
 * k6's ramping-arrival-rate does; the ramp falls inside the settling seconds).
 */
export function ladderStages(l: CapacityLadder, fromStep = 0): LadderStage[] {
  return ladderRates(l).slice(fromStep).flatMap((r) => [
    { durationS: 1, target: r },
    { durationS: l.stepS - 1, target: r },
  ]);
}

/** The ladder with its durations scaled (--time-scale): a step lasts ≥ 2 s, settling ≥ 1 s and < the step. */
export function scaleLadder(l: CapacityLadder, factor: number): CapacityLadder {
  const stepS = Math.max(2, Math.round(l.stepS * factor));
  return { ...l, stepS, settleS: Math.min(stepS - 1, Math.max(1, Math.round(l.settleS * factor))) };
}
