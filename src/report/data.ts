/**
 * The report's data: everything index.html shows, as one JSON document embedded in the
 * page (`<script type="application/json" id="capbench-data">`), so tests and tools can
 * read back exactly what the page displays.
 */
import type { Slo, MeasurementWindow } from '../../scenarios/lib/profile.ts';
import type { GeneratorValidity } from '../measure/generator-bound.ts';
import { legKeyOf, type FaultWindow, type PlatformEvent, type RunRecord, type TargetCapacity, type TargetFigures } from '../model/index.ts';
import type { Claim } from './claims/claims.ts';
import { TIMELINE_COLUMNS, timelineRows } from './csv/tables.ts';
import { shellCommand } from './format.ts';
import { capacityCharts } from './html/capacity-charts.ts';
import { planCharts } from './html/plan-charts.ts';
import type { SavedPlan } from './plan/saved-plan.ts';
import { runCharts, targetColor, type ChartSpec } from './html/charts.ts';
import { repetitionFigures, type FiguresSource, type ReportRun } from './runs.ts';
import type { Verdict } from './verdict/verdict.ts';

/** 2: targets not available here moved from `targets` to `unavailable`; `reproduce`, `claimsFile` added; 3: repeated runs — `repeat` per run, `figuresByRepetition` per target, the verdict's `comparisons`, `inconclusiveGates` and gate intervals; 4: `plans` */
export const REPORT_DATA_SCHEMA = 4;

export interface ReportTargetData {
  name: string;
  kind: string;
  status: string;
  error?: string;
  color: string;
  description: Record<string, string | number>;
  versions: Record<string, string>;
  notes: string[];
  faults: FaultWindow[];
  /** the median of every figure over the repetitions (the figures of a single run) */
  figures: TargetFigures | null;
  /** each repetition's figures, in order, when the target ran more than once; [] for a single run */
  figuresByRepetition: TargetFigures[];
  figuresSource: FiguresSource;
  /** generator-bound / host-bound seconds and the INVALID rule over them */
  generator: GeneratorValidity;
  /** a capacity run's steps and figures per replica count, as saved */
  capacity?: TargetCapacity;
}

export interface ReportRunData {
  runId: string;
  dir: string;
  scenario: string;
  variant: RunRecord['variant'];
  model: RunRecord['model'];
  /** how users held connections, when the run recorded it (runs saved before the field did not) */
  connections?: NonNullable<RunRecord['connections']>;
  driver: RunRecord['driver'];
  status: RunRecord['status'];
  reason?: string;
  startedAt: string;
  endedAt?: string;
  timeScale: number;
  machine: RunRecord['machine'];
  versions: Record<string, string>;
  command: string[];
  /** the command to reproduce the run, as typed (`npx capbench run …`); '' when the run recorded none */
  reproduce: string;
  slo: Slo;
  windows: MeasurementWindow[];
  /** `--repeat` of the run (1 for single runs and runs saved before it existed) */
  repeat: number;
  /** the targets shown: all but the unavailable ones */
  targets: ReportTargetData[];
  /** tried by `--target auto`, not usable here: named once, with the reason */
  unavailable: Array<{ name: string; kind: string; reason: string }>;
}

/** A capacity plan saved beside a run (`<run>/plan/plan.json`), checked: the plan, or the problem with the file. */
export type ReportPlanData = SavedPlan & { runId: string };

export interface ReportData {
  schema: typeof REPORT_DATA_SCHEMA;
  generatedAt: string;
  verdict: Verdict;
  runs: ReportRunData[];
  baselines: ReportRunData[];
  /** the claims file the claims came from */
  claimsFile: string;
  claims: Claim[];
  /** the plans found beside the runs, in run order (none: no Plan section) */
  plans: ReportPlanData[];
  charts: ChartSpec[];
  /** full-resolution per-second rows (timeline.csv columns), per run id and target: for the second inspector */
  timeline: Record<string, Record<string, { columns: string[]; rows: Array<Array<string | number>> }>>;
  events: Record<string, Record<string, PlatformEvent[]>>;
}

export function runData(r: ReportRun): ReportRunData {
  const rec = r.saved.record;
  return {
    runId: rec.runId,
    dir: r.saved.dir,
    scenario: rec.scenario,
    variant: rec.variant,
    model: rec.model,
    ...(rec.connections === undefined ? {} : { connections: rec.connections }),
    driver: rec.driver,
    status: rec.status,
    ...(rec.reason === undefined ? {} : { reason: rec.reason }),
    startedAt: rec.startedAt,
    ...(rec.endedAt === undefined ? {} : { endedAt: rec.endedAt }),
    timeScale: rec.timeScale,
    machine: rec.machine,
    versions: rec.versions ?? {},
    command: rec.command ?? [],
    reproduce: shellCommand(rec.command ?? []),
    slo: r.slo,
    windows: r.windows,
    repeat: rec.repeat ?? 1,
    targets: r.targets.map((t) => ({
      name: t.run.name,
      kind: t.run.kind,
      status: t.run.status,
      ...(t.run.error === undefined ? {} : { error: t.run.error }),
      color: targetColor(t.run.name),
      description: t.run.description ?? {},
      versions: t.run.versions ?? {},
      notes: t.run.notes ?? [],
      faults: t.run.faults ?? [],
      figures: t.figures,
      figuresByRepetition: t.repetitions.length > 1 ? repetitionFigures(t) : [],
      figuresSource: t.figuresSource,
      generator: t.generator,
      ...(t.run.capacity === undefined ? {} : { capacity: t.run.capacity }),
    })),
    unavailable: r.unavailable.map((t) => ({ name: t.name, kind: t.kind, reason: t.error ?? 'not usable here' })),
  };
}

export function reportData(runs: ReportRun[], baselines: ReportRun[], verdict: Verdict, claims: { file: string; claims: Claim[] }, now: Date = new Date()): ReportData {
  const plans = runs.flatMap((r): ReportPlanData[] => (r.plan ? [{ ...r.plan, runId: r.saved.record.runId }] : []));
  const timeline: ReportData['timeline'] = {};
  const events: ReportData['events'] = {};
  for (const r of runs) {
    const id = r.saved.record.runId;
    timeline[id] = {};
    events[id] = {};
    const rows = timelineRows(r.saved);
    const cols = TIMELINE_COLUMNS.filter((c) => c !== 'run_id' && c !== 'scenario' && c !== 'target');
    for (const t of r.targets) {
      // a repeated target: the repetition the charts draw (ReportTarget.series)
      timeline[id]![t.run.name] = { columns: [...cols], rows: rows.filter((x) => x.target === legKeyOf(t.run)).map((x) => cols.map((c) => x[c])) };
      events[id]![t.run.name] = t.series.events;
    }
  }
  return {
    schema: REPORT_DATA_SCHEMA,
    generatedAt: now.toISOString(),
    verdict,
    runs: runs.map(runData),
    baselines: baselines.map(runData),
    claimsFile: claims.file,
    claims: claims.claims,
    plans,
    charts: [...runs.flatMap((r) => [...runCharts(r), ...capacityCharts(r)]), ...plans.flatMap(planCharts)],
    timeline,
    events,
  };
}
