/**
 * The report: reads saved runs only (readRun), recomputes figures with src/measure, judges
 * them against SLO gates, and writes index.html, summary.md, timeline.csv, summary.csv and
 * charts/*.png into `outDir` (default `<first run dir>/report`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { HarnessError } from '../model/index.ts';
import { timelineCsv, timelineRows, summaryCsv, summaryRows } from './csv/tables.ts';
import { reportData } from './data.ts';
import { renderHtml } from './html/render.ts';
import { renderSummaryMd } from './markdown/summary.ts';
import { renderPngs, type PngLoader } from './png/render.ts';
import { loadReportRun } from './runs.ts';
import { loadSloFile, type SloConfig } from '../scenario/slo-file.ts';
import { decide, gatesFailedOf, type Verdict } from './verdict/verdict.ts';

export { timelineRows, timelineCsv, summaryRows, summaryCsv, TIMELINE_COLUMNS, SUMMARY_COLUMNS, type TimelineRow, type SummaryRow } from './csv/tables.ts';
export { loadSloFile, parseSlo, DEFAULT_SLO_FILE, GATE_KEYS, type SloConfig, type GateKey } from '../scenario/slo-file.ts';
export { decide, gatesFailedOf, type Verdict, type VerdictKind, type GateResult, type Regression } from './verdict/verdict.ts';
export { loadReportRun, reportRun, type ReportRun } from './runs.ts';
export type { ReportData } from './data.ts';
export type { PngLoader, PngRenderer } from './png/render.ts';

export interface RenderReportOptions {
  runDirs: string[];
  baselineDirs?: string[];
  /** the SLO the report judges with, loaded once by the caller; default clusters/slo/default.yaml */
  slo?: SloConfig;
  outDir?: string;
  /** the CLI maps `gatesFailed` to exit code 5 only when this is set; the report itself never exits */
  failOnGates?: boolean;
  log?: (line: string) => void;
  /** tests: replace chartjs-node-canvas */
  pngLoader?: PngLoader;
  /** tests: fixed "generated at" time */
  now?: Date;
}

export interface RenderReportResult {
  htmlPath: string;
  summaryMdPath: string;
  csvPaths: string[];
  pngPaths: string[];
  verdict: Verdict;
  /** a Kubernetes target failed a gate or regressed against the baseline */
  gatesFailed: boolean;
}

export async function renderReport(opts: RenderReportOptions): Promise<RenderReportResult> {
  const log = opts.log ?? (() => {});
  if (opts.runDirs.length === 0) {
    throw new HarnessError('report: run directories must be at least one (got none)', { code: 'usage', hint: 'capbench report reports/<run-id> [more run dirs]' });
  }
  const slo = opts.slo ?? loadSloFile();
  const runs = opts.runDirs.map((d) => loadReportRun(d, slo));
  const baselines = (opts.baselineDirs ?? []).map((d) => loadReportRun(d, slo));
  const verdict = decide(runs, slo, baselines);
  const outDir = resolve(opts.outDir ?? join(runs[0]!.saved.dir, 'report'));
  mkdirSync(outDir, { recursive: true });

  const data = reportData(runs, baselines, verdict, opts.now);
  const htmlPath = join(outDir, 'index.html');
  writeFileSync(htmlPath, renderHtml(data));
  const summaryMdPath = join(outDir, 'summary.md');
  writeFileSync(summaryMdPath, renderSummaryMd(data, relative(outDir, htmlPath) || 'index.html'));
  const timelinePath = join(outDir, 'timeline.csv');
  writeFileSync(timelinePath, timelineCsv(runs.flatMap((r) => timelineRows(r.saved))));
  const summaryPath = join(outDir, 'summary.csv');
  writeFileSync(summaryPath, summaryCsv(summaryRows(runs, verdict)));
  const pngPaths = await renderPngs(data.charts, outDir, log, opts.pngLoader);

  const gatesFailed = gatesFailedOf(verdict);
  log(`report: ${verdict.verdict} — ${htmlPath}`);
  return { htmlPath, summaryMdPath, csvPaths: [timelinePath, summaryPath], pngPaths, verdict, gatesFailed };
}
