import type { Profile, ScenarioName, Variant } from './profile.ts';
import { spikeFull, spikeQuick } from './spike.ts';
import { capacityFull, capacityQuick } from './capacity.ts';
import { nodeCrashFull, nodeCrashQuick, rollingUpdateFull, rollingUpdateQuick } from './steady.ts';

export * from './profile.ts';
export { capacityFromStep, capacityHold, ladderRates, ladderStages, scaleLadder, type CapacityLadder } from './capacity.ts';

/** Every profile by scenario name and variant. A name without a profile does not compile. */
export const profiles: Record<ScenarioName, Record<Variant, Profile>> = {
  spike: { full: spikeFull, quick: spikeQuick },
  'node-crash': { full: nodeCrashFull, quick: nodeCrashQuick },
  'rolling-update': { full: rollingUpdateFull, quick: rollingUpdateQuick },
  capacity: { full: capacityFull, quick: capacityQuick },
};

export const scenarioNames = Object.keys(profiles) as ScenarioName[];
