/**
 * The CSV reporter: timeline.csv (every second of every target), summary.csv (figures per
 * scenario × target, capacity runs left out: gates do not judge them), figures.csv (every
 * figure with its interval over repetitions) and, when a run is a capacity run,
 * capacity-steps.csv (every step).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reporter } from '../reporter.ts';
import { isCapacityRun } from '../capacity/facts.ts';
import { capacityStepRows, capacityStepsCsv } from './capacity-steps.ts';
import { figuresCsv, figuresRows, summaryCsv, summaryRows, timelineCsv, timelineRows } from './tables.ts';

export const csvReporter: Reporter = {
  writes: 'timeline.csv, summary.csv, figures.csv, capacity-steps.csv',
  async write(ctx) {
    const timeline = join(ctx.outDir, 'timeline.csv');
    writeFileSync(timeline, timelineCsv(ctx.runs.flatMap((r) => timelineRows(r.saved))));
    const summary = join(ctx.outDir, 'summary.csv');
    const judged = ctx.runs.filter((r) => !isCapacityRun(r.saved.record));
    writeFileSync(summary, summaryCsv(summaryRows(judged, ctx.data.verdict)));
    const figures = join(ctx.outDir, 'figures.csv');
    writeFileSync(figures, figuresCsv(figuresRows(judged)));
    if (!ctx.runs.some((r) => isCapacityRun(r.saved.record))) return [timeline, summary, figures];
    const steps = join(ctx.outDir, 'capacity-steps.csv');
    writeFileSync(steps, capacityStepsCsv(capacityStepRows(ctx.runs)));
    return [timeline, summary, figures, steps];
  },
};
