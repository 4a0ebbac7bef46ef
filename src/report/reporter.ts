/**
 * The Reporter seam: one contract for every output of the report (HTML, Markdown, CSV, PNG,
 * and whatever comes next). Reporters get the finished report data and write files; they
 * never judge or recompute. One failing reporter does not cost the others their output:
 * runReporters catches its error, logs it, records it in its outcome and goes on.
 */
import { relative } from 'node:path';
import { HarnessError } from '../model/index.ts';
import type { ReportData } from './data.ts';
import type { ReportRun } from './runs.ts';

/** What every reporter gets. Read-only: reporters do not talk to each other through it. */
export interface ReportContext {
  /** everything the report shows (figures, verdict, charts, claims) */
  readonly data: ReportData;
  /** the saved runs the data came from (for outputs that need raw series, e.g. timeline.csv) */
  readonly runs: readonly ReportRun[];
  /** where to write; exists */
  readonly outDir: string;
  /** paths (relative to outDir) that the reporters before this one wrote, in order */
  readonly written: readonly string[];
  readonly log: (line: string) => void;
}

export interface Reporter {
  /** what it writes, relative to outDir, for log lines and errors: `index.html`, `charts/*.png` */
  readonly writes: string;
  /**
   * Writes this reporter's files under `ctx.outDir` and returns their absolute paths ([] when
   * there is nothing to write, e.g. no series to chart). Called by renderReport once per
   * report, in registry order, after the reporters before it finished. May block (async);
   * need not be idempotent (a new report overwrites the same files). Throws when it cannot
   * write — preferably a HarnessError with a hint; runReporters isolates the failure.
   */
  write(ctx: ReportContext): Promise<string[]>;
}

/** One reporter's result: what it wrote, or why it wrote nothing. */
export interface ReporterOutcome<N extends string = string> {
  reporter: N;
  writes: string;
  /** absolute paths written */
  paths: string[];
  error?: HarnessError;
}

const firstLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;

function asHarnessError(writes: string, e: unknown): HarnessError {
  if (e instanceof HarnessError) return e;
  return new HarnessError(`report: ${writes} must be written (got ${firstLine(e)})`, { code: 'internal', cause: e });
}

/**
 * Run reporters in order, each isolated: a throw is logged once (`report: <writes> not
 * written — <why>; hint: …`), kept in its outcome as a HarnessError, and the next reporter
 * still runs.
 */
export async function runReporters<N extends string>(
  reporters: ReadonlyArray<readonly [N, Reporter]>,
  base: Omit<ReportContext, 'written'>,
): Promise<Array<ReporterOutcome<N>>> {
  const outcomes: Array<ReporterOutcome<N>> = [];
  const written: string[] = [];
  for (const [name, reporter] of reporters) {
    try {
      const paths = await reporter.write({ ...base, written: [...written] });
      written.push(...paths.map((p) => relative(base.outDir, p)));
      outcomes.push({ reporter: name, writes: reporter.writes, paths });
    } catch (e) {
      const error = asHarnessError(reporter.writes, e);
      base.log(`report: ${reporter.writes} not written — ${e instanceof HarnessError ? e.message : firstLine(e)}${error.hint ? `; hint: ${error.hint}` : ''}`);
      outcomes.push({ reporter: name, writes: reporter.writes, paths: [], error });
    }
  }
  return outcomes;
}

