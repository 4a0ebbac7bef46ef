/**
 * Test kit: the fixture app's capacity in closed form, for tests of the capacity probe.
 *
 * Each of the N replicas serves at most c requests at once (c = `concurrency`) and queues
 * the rest FIFO; the service times walk the mix's cycle, so over a cycle a busy slot
 * completes 1000 / (mean × factor) requests per second. The app therefore completes at
 * most
 *
 *     saturation μ = N × c × 1000 / (mean service ms × latencyFactor)   requests/s,
 *
 * exactly in the long run (the app schedules each service from the previous one's
 * scheduled end, so late timers do not accumulate). Arrivals beyond μ queue without bound.
 *
 * Capacity at SLO (DESIGN.md: the highest achieved throughput of an open-model step whose
 * p95 and error rate meet the SLO): a step below μ achieves its own rate, a step above μ
 * achieves μ, so the probe's answer is μ — to within its step spacing — provided the
 * steps near μ meet the p95 SLO. They do when
 *   1. the unloaded p95 (the mix's p95 × factor) is below the SLO; otherwise no step meets
 *      it and the capacity at SLO is 0;
 *   2. queueing below μ stays small: true for a mix of one service time (or a narrow one)
 *      with evenly spaced arrivals; a wide mix queues behind its slow requests well below μ
 *      (no closed form here: measure the app's truth instead);
 *   3. a step above μ is short enough: its waiting grows by (λ/μ − 1) s per second of step
 *      (`overloadWaitP95Ms`), so a step of T s at λ meets the SLO only while
 *      unloaded p95 + 0.95 × (λ/μ − 1) × T × 1000 ≤ SLO p95.
 */
import { mixMeanMs, mixPercentileMs, type LatencyMix } from './latency-mix.ts';

export interface CapacityInputs {
  replicas: number;
  /** requests one replica serves at once (the app's `concurrency`) */
  concurrency: number;
  mix: LatencyMix;
  latencyFactor: number;
}

export interface CapacityExpectation {
  /** μ = N × c × 1000 / (mean × factor), requests/s */
  saturationRps: number;
  /** μ / N */
  perReplicaRps: number;
  /** the mix's p95 × factor: the p95 with no queueing */
  unloadedP95Ms: number;
  /** expected capacity at SLO: μ when unloadedP95Ms ≤ sloP95Ms, else 0 */
  capacityAtSloRps: number;
}

/** The app's saturation throughput and the capacity a probe should find at a p95 SLO of `sloP95Ms`. */
export function expectedCapacity(c: CapacityInputs, sloP95Ms: number): CapacityExpectation {
  const meanMs = mixMeanMs(c.mix, c.latencyFactor);
  const perReplicaRps = (c.concurrency * 1000) / meanMs;
  const saturationRps = c.replicas * perReplicaRps;
  const unloadedP95Ms = mixPercentileMs(c.mix, 95, c.latencyFactor);
  return { saturationRps, perReplicaRps, unloadedP95Ms, capacityAtSloRps: unloadedP95Ms <= sloP95Ms ? saturationRps : 0 };
}

/**
 * Fluid approximation of the p95 *waiting* time over a step of `stepS` seconds at
 * `rateRps` arrivals/s, starting with an empty queue: a request arriving t s into the step
 * waits (λ − μ) t / μ s, arrivals are uniform over the step, so the 95th percentile is
 * 0.95 × (λ/μ − 1) × stepS. 0 at or below saturation (waiting there is not modelled).
 */
export function overloadWaitP95Ms(c: CapacityInputs, rateRps: number, stepS: number): number {
  const mu = expectedCapacity(c, Infinity).saturationRps;
  return rateRps <= mu ? 0 : 0.95 * (rateRps / mu - 1) * stepS * 1000;
}
