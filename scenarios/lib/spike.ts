import { commonProfile, windowsFromStages, type Profile, type Stage, type Variant } from './profile.ts';

/**
 * The seeds' spike: baseline 10 users, spike to 100, hold, drop to 20, hold.
 * full ≈ 30 min (5 baseline · 1 ramp · 10 hold · 1 drop · 13 hold); quick ≈ 3 min.
 */
function spike(variant: Variant, d: { base: number; ramp: number; hold: number; drop: number; tail: number }): Profile {
  const stages: Stage[] = [
    { durationS: d.base, target: 10 },
    { durationS: d.ramp, target: 100 },
    { durationS: d.hold, target: 100 },
    { durationS: d.drop, target: 20 },
    { durationS: d.tail, target: 20 },
  ];
  // open model: ~0.8 requests/s per user (think time ≈ 1 s + service time)
  const rateStages = stages.map((s) => ({ durationS: s.durationS, target: Math.round(s.target * 0.8) }));
  return {
    scenario: 'spike',
    variant,
    description: 'Baseline 10 users, spike to 100, hold, drop to 20, hold',
    startVUs: 10,
    stages,
    startRate: 8,
    rateStages,
    maxVUs: 400,
    ...commonProfile(variant),
    // the spike is new users arriving: with kept-alive connections an L4 balancer would pin
    // every early user to the pods that existed before the scale-up, and replicas the HPA
    // adds would only ever see the users who came after them
    connections: 'per-iteration',
    windows: windowsFromStages(stages, ['baseline', 'spike', 'spike', 'after', 'after']),
    faults: [],
  };
}

export const spikeFull: Profile = spike('full', { base: 300, ramp: 60, hold: 600, drop: 60, tail: 780 });
export const spikeQuick: Profile = spike('quick', { base: 30, ramp: 10, hold: 70, drop: 10, tail: 60 });
