export { faults } from './registry.ts';
export { FaultScheduler, type FaultSchedulerOptions } from './scheduler.ts';
export type { Fault, FaultContext, FaultKind, FaultNotice } from './fault.ts';
