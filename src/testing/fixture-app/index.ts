/**
 * Test kit: the fixture app — an HTTP server with scripted, known behaviour (latency mix,
 * replicas with a known capacity, 503/stall windows, a request log) that tests measure
 * capbench against. Start it with startFixtureApp() or deploy it as a FixtureTarget.
 */
export { startFixtureApp, FixtureApp, FIXTURE_MAIN, type StartFixtureOptions } from './fixture-app.ts';
export { FixtureTarget, type FixtureTargetOptions } from './fixture-target.ts';
export type { FixtureStats } from './fixture-server.ts';
export {
  defaultFixtureConfig, MAX_REPLICAS,
  type FixtureConfig, type FixtureFault, type FixtureFaultKind, type FixtureFaultWindow, type FixtureLogEntry, type FixtureOutcome, type FixtureState,
} from './fixture-config.ts';
export { defaultMix, describeMix, mixCycle, mixMeanMs, mixPercentileMs, nearestRank, type LatencyMix, type MixStep } from './latency-mix.ts';
export { expectedCapacity, overloadWaitP95Ms, type CapacityExpectation, type CapacityInputs } from './capacity-model.ts';
export { summarize, latencyOf, isSuccess, type TruthSummary, type TruthSecond, type TruthLatency, type TruthConnections } from './ground-truth.ts';
