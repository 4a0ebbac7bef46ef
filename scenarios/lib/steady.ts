import { commonProfile, type Profile, type ScenarioName, type Variant } from './profile.ts';

/**
 * Steady load around a fault the harness fires: baseline, fault window, recovery window.
 * The script only carries the load; the fault is the harness's job.
 */
function steady(scenario: Exclude<ScenarioName, 'spike'>, variant: Variant, d: { baseline: number; fault: number; recovery: number; downS: number }): Profile {
  const vus = 30;
  const total = d.baseline + d.fault + d.recovery;
  return {
    scenario,
    variant,
    description: scenario === 'node-crash'
      ? `Steady ${vus} users; the busiest worker node crashes at t=${d.baseline}s and comes back ${d.downS}s later`
      : `Steady ${vus} users; a new version rolls out at t=${d.baseline}s`,
    startVUs: vus,
    stages: [{ durationS: total, target: vus }],
    startRate: Math.round(vus * 0.8),
    rateStages: [{ durationS: total, target: Math.round(vus * 0.8) }],
    maxVUs: 300,
    ...commonProfile(variant),
    // a fault is judged by what distinct users arriving get: a kept-alive connection that
    // landed on a surviving pod never meets the dead ones (issue 16: 0.3 % vs 29 % failed)
    connections: 'per-iteration',
    windows: [
      { name: 'baseline', startS: 0, endS: d.baseline },
      { name: 'fault', startS: d.baseline, endS: d.baseline + d.fault },
      { name: 'recovery', startS: d.baseline + d.fault, endS: total },
    ],
    faults: scenario === 'node-crash'
      ? [{ kind: 'node-crash', atS: d.baseline, downS: d.downS }]
      : [{ kind: 'rolling-update', atS: d.baseline }],
  };
}

export const nodeCrashFull: Profile = steady('node-crash', 'full', { baseline: 120, fault: 300, recovery: 180, downS: 240 });
// quick: the node stays down 110 s, past eviction on a current cluster (NotReady at ~50–55 s
// with the 50 s grace period of 1.32+, the app's 30 s tolerations → evicted at ~80–85 s, the
// replacements ready ~10 s later), so a quick run exercises rescheduling; still 180 s in all
export const nodeCrashQuick: Profile = steady('node-crash', 'quick', { baseline: 30, fault: 110, recovery: 40, downS: 110 });
export const rollingUpdateFull: Profile = steady('rolling-update', 'full', { baseline: 120, fault: 240, recovery: 120, downS: 0 });
export const rollingUpdateQuick: Profile = steady('rolling-update', 'quick', { baseline: 30, fault: 90, recovery: 40, downS: 0 });
