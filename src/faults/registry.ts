import type { Fault, FaultKind } from './fault.ts';
import { nodeCrash } from './node-crash.ts';
import { rollingUpdate } from './rolling-update.ts';

/** Fault registry: a fault kind without an implementation does not compile. */
export const faults: Readonly<Record<FaultKind, Fault>> = {
  'node-crash': nodeCrash,
  'rolling-update': rollingUpdate,
};
