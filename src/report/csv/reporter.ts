/** The CSV reporter: timeline.csv (every second of every target) and summary.csv (figures per scenario × target). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reporter } from '../reporter.ts';
import { summaryCsv, summaryRows, timelineCsv, timelineRows } from './tables.ts';

export const csvReporter: Reporter = {
  writes: 'timeline.csv, summary.csv',
  async write(ctx) {
    const timeline = join(ctx.outDir, 'timeline.csv');
    writeFileSync(timeline, timelineCsv(ctx.runs.flatMap((r) => timelineRows(r.saved))));
    const summary = join(ctx.outDir, 'summary.csv');
    writeFileSync(summary, summaryCsv(summaryRows(ctx.runs, ctx.data.verdict)));
    return [timeline, summary];
  },
};
