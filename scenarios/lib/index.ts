import type { Profile, ScenarioName, Variant } from './profile.ts';
import { spikeFull, spikeQuick } from './spike.ts';
import { nodeCrashFull, nodeCrashQuick, rollingUpdateFull, rollingUpdateQuick } from './steady.ts';

export * from './profile.ts';

/** Every profile by scenario name and variant. A name without a profile does not compile. */
export const profiles: Record<ScenarioName, Record<Variant, Profile>> = {
  spike: { full: spikeFull, quick: spikeQuick },
  'node-crash': { full: nodeCrashFull, quick: nodeCrashQuick },
  'rolling-update': { full: rollingUpdateFull, quick: rollingUpdateQuick },
};

export const scenarioNames = Object.keys(profiles) as ScenarioName[];
