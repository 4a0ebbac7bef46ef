/**
 * capacity-steps.csv: every step of every capacity run (rows built in
 * src/measure/capacity-steps-csv.ts, which the run's own steps.csv uses too).
 */
import { capacityStepRows as rowsOf, type CapacityStepRow } from '../../measure/capacity-steps-csv.ts';
import { isCapacityRun } from '../capacity/facts.ts';
import type { ReportRun } from '../runs.ts';

export { CAPACITY_STEP_COLUMNS, capacityStepsCsv, type CapacityStepRow } from '../../measure/capacity-steps-csv.ts';

/** The rows of the report's capacity runs (the targets the report shows). */
export function capacityStepRows(runs: readonly ReportRun[]): CapacityStepRow[] {
  return rowsOf(runs.filter((r) => isCapacityRun(r.saved.record)).map((r) => ({ runId: r.saved.record.runId, targets: r.targets.map((t) => t.run) })));
}
