import { ladderRates, ladderStages, type CapacityLadder } from './ladder.ts';
import { commonProfile, type Profile, type Variant } from './profile.ts';

export { ladderRates, ladderStages, scaleLadder, type CapacityLadder } from './ladder.ts';

/**
 * The capacity probe's load: an open model (arrival rate — a closed model hides saturation)
 * climbing ×1.25 per step from 5 requests/s, each step held 20 s (quick) or 60 s (full), the
 * first 5 s / 10 s of each discarded as settling. Run as it is, it climbs to the cap; the
 * harness stops it per replica count once the SLO breaks on two consecutive steps (or errors
 * pass the ceiling), and starts a larger replica count higher up the same ladder.
 * `stages` (closed model) only mirror the duration: this scenario is open-model only.
 */
function capacity(variant: Variant, ladder: CapacityLadder): Profile {
  const rateStages = ladderStages(ladder);
  const totalS = rateStages.reduce((s, st) => s + st.durationS, 0);
  return {
    scenario: 'capacity',
    variant,
    description: `Arrival rate ×${ladder.growth} every ${ladder.stepS} s from ${ladder.startRps} req/s (cap ${ladder.capRps}) until the SLO breaks twice`,
    startVUs: 1,
    stages: [{ durationS: totalS, target: 1 }],
    startRate: ladder.startRps,
    rateStages,
    // enough in-flight requests for the cap at a 1 s latency; beyond that the app is queueing
    maxVUs: ladder.capRps,
    ...commonProfile(variant),
    // capacity is the app's throughput, not TCP set-up per request: kept-alive connections
    // (many in flight at once, so an L4 balancer still spreads them over the pods)
    connections: 'per-vu',
    windows: [],
    faults: [],
    capacity: ladder,
  };
}

const common = { startRps: 5, growth: 1.25, errorCeiling: 0.1 };
export const capacityQuick: Profile = capacity('quick', { ...common, capRps: 300, stepS: 20, settleS: 5 });
export const capacityFull: Profile = capacity('full', { ...common, capRps: 1000, stepS: 60, settleS: 10 });

/**
 * The capacity profile from ladder step `fromStep` on (a larger replica count starts higher
 * up): the same ladder, its first steps left out. k6 gets the same with `-e FROM_STEP=k`.
 */
export function capacityFromStep(p: Profile, fromStep: number): Profile {
  const ladder = p.capacity;
  if (ladder === undefined || fromStep === 0) return p;
  const rates = ladderRates(ladder);
  if (!(Number.isInteger(fromStep) && fromStep > 0 && fromStep < rates.length)) {
    throw new Error(`capacity: FROM_STEP must be an integer in [0, ${rates.length - 1}] (got ${fromStep})`);
  }
  const rateStages = ladderStages(ladder, fromStep);
  const totalS = rateStages.reduce((s, st) => s + st.durationS, 0);
  return { ...p, startRate: rates[fromStep]!, rateStages, stages: [{ durationS: totalS, target: p.stages[0]?.target ?? 1 }] };
}

/**
 * The capacity profile held at one rate for one step (`capbench plan --verify`: the plan's
 * predicted rate at its recommended size): the same step length, settling and everything
 * else as the ladder's, so the probe's step machinery measures it. `rps` is a whole
 * request/s ≥ 1. The builtin driver runs it; k6 rebuilds profiles by name and cannot.
 */
export function capacityHold(p: Profile, rps: number): Profile {
  const ladder = p.capacity;
  if (ladder === undefined) throw new Error(`capacity: only the capacity profile can be held at one rate (got ${p.scenario})`);
  if (!(Number.isInteger(rps) && rps >= 1)) throw new Error(`capacity: the held rate must be a whole request/s ≥ 1 (got ${rps})`);
  const held: CapacityLadder = { ...ladder, startRps: rps, capRps: rps };
  const rateStages = ladderStages(held);
  const totalS = rateStages.reduce((s, st) => s + st.durationS, 0);
  return {
    ...p,
    description: `Arrival rate held at ${rps} req/s for ${held.stepS} s (the first ${held.settleS} s settling): a plan's predicted rate`,
    startRate: rps,
    rateStages,
    stages: [{ durationS: totalS, target: p.stages[0]?.target ?? 1 }],
    maxVUs: Math.max(p.maxVUs, rps),
    capacity: held,
  };
}
