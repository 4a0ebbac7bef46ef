import type { FaultSchedule } from '../../scenarios/lib/index.ts';
import type { Fault } from './fault.ts';
import { nodeCrash } from './node-crash.ts';
import { rollingUpdate } from './rolling-update.ts';

/** Fault registry: a fault kind without an implementation does not compile. */
export const faults: Record<FaultSchedule['kind'], Fault> = {
  'node-crash': nodeCrash,
  'rolling-update': rollingUpdate,
};
export type { Fault, FaultContext } from './fault.ts';
