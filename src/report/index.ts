/**
 * The report: reads saved runs only (readRun), recomputes figures with src/measure, judges
 * them against SLO gates, and hands the result to the reporters (reporters.ts: CSV, PNG,
 * Markdown, HTML) which write into `outDir` (default `<first run dir>/report`). One failing
 * reporter does not cost the others their files; the result says what was written.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HarnessError } from '../model/index.ts';
import { loadSloFile, type SloConfig } from '../scenario/slo-file.ts';
import { claims, loadClaimsFile, type ClaimsConfig } from './claims/claims.ts';
import { reportData } from './data.ts';
import type { PngLoader } from './png/reporter.ts';
import { runReporters, type ReporterOutcome } from './reporter.ts';
import { buildReporters, type ReporterName } from './reporters.ts';
import { loadReportRun } from './runs.ts';
import { VERDICT_LOOK } from './verdict/headline.ts';
import { decide, gatesFailedOf, type Verdict } from './verdict/verdict.ts';

export { timelineRows, timelineCsv, summaryRows, summaryCsv, TIMELINE_COLUMNS, SUMMARY_COLUMNS, type TimelineRow, type SummaryRow } from './csv/tables.ts';
export { loadSloFile, parseSlo, DEFAULT_SLO_FILE, GATE_KEYS, type SloConfig, type GateKey } from '../scenario/slo-file.ts';
export { decide, gatesFailedOf, type Verdict, type VerdictKind, type GateResult, type Regression } from './verdict/verdict.ts';
export { loadReportRun, reportRun, isUnavailable, type ReportRun } from './runs.ts';
export { loadClaimsFile, parseClaims, SEED_CLAIMS_FILE, type ClaimsConfig } from './claims/claims.ts';
export { reporterNames, parseReporterNames, type ReporterName } from './reporters.ts';
export type { Reporter, ReporterOutcome, ReportContext } from './reporter.ts';
export type { ReportData } from './data.ts';
export type { PngLoader, PngRenderer } from './png/reporter.ts';

export interface RenderReportOptions {
  runDirs: string[];
  baselineDirs?: string[];
  /** the SLO the report judges with, loaded once by the caller; default clusters/slo/default.yaml */
  slo?: SloConfig;
  /** the claims shown next to the measurements; default the seeds' claims (claims/seeds.yaml) */
  claims?: ClaimsConfig;
  outDir?: string;
  /** which reporters write (default: all, in registry order) */
  reporters?: readonly ReporterName[];
  /** the CLI maps `gatesFailed` to exit code 5 only when this is set; the report itself never exits */
  failOnGates?: boolean;
  log?: (line: string) => void;
  /** tests: replace chartjs-node-canvas */
  pngLoader?: PngLoader;
  /** tests: fixed "generated at" time */
  now?: Date;
}

export interface RenderReportResult {
  /** where index.html is — or would be: it exists only when the html reporter is in `written` */
  htmlPath: string;
  /** where summary.md is — or would be (see `htmlPath`) */
  summaryMdPath: string;
  /** CSV files written */
  csvPaths: string[];
  /** PNG charts written */
  pngPaths: string[];
  /** every file written, in order */
  written: string[];
  /** one per reporter that ran: its paths, or its error */
  outputs: Array<ReporterOutcome<ReporterName>>;
  /** the reporters that failed (each also logged); the others' files are written */
  failures: Array<ReporterOutcome<ReporterName>>;
  verdict: Verdict;
  /** a Kubernetes target failed a gate or regressed against the baseline */
  gatesFailed: boolean;
}

export async function renderReport(opts: RenderReportOptions): Promise<RenderReportResult> {
  const log = opts.log ?? (() => {});
  if (opts.runDirs.length === 0) {
    throw new HarnessError('report: run directories must be at least one (got none)', { code: 'usage', hint: 'npx capbench report reports/<run-id> [more run dirs]' });
  }
  const slo = opts.slo ?? loadSloFile();
  const claimsConfig = opts.claims ?? loadClaimsFile();
  const runs = opts.runDirs.map((d) => loadReportRun(d, slo));
  const baselines = (opts.baselineDirs ?? []).map((d) => loadReportRun(d, slo));
  const verdict = decide(runs, slo, baselines);
  const outDir = resolve(opts.outDir ?? join(runs[0]!.saved.dir, 'report'));
  mkdirSync(outDir, { recursive: true });

  const data = reportData(runs, baselines, verdict, { file: claimsConfig.file, claims: claims(claimsConfig, runs) }, opts.now);
  const reporters = buildReporters(opts.pngLoader ? { pngLoader: opts.pngLoader } : {}, opts.reporters);
  const outputs = await runReporters(reporters, { data, runs, outDir, log });
  const of = (name: ReporterName): string[] => outputs.find((o) => o.reporter === name)?.paths ?? [];

  const gatesFailed = gatesFailedOf(verdict);
  const htmlPath = join(outDir, 'index.html');
  const look = VERDICT_LOOK[verdict.verdict];
  log(`verdict: ${look.badge} — ${look.headline(verdict)}`);
  return {
    htmlPath,
    summaryMdPath: join(outDir, 'summary.md'),
    csvPaths: of('csv'),
    pngPaths: of('png'),
    written: outputs.flatMap((o) => o.paths),
    outputs,
    failures: outputs.filter((o) => o.error !== undefined),
    verdict,
    gatesFailed,
  };
}
