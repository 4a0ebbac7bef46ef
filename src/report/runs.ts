/**
 * The report's view of saved runs: each run read with readRun, and every target's figures
 * recomputed with src/measure's computeFigures from the saved series, so old runs are
 * judged with today's definitions. Reads files only; never live state.
 */
import { defaultSlo, type MeasurementWindow, type Slo } from '../../scenarios/lib/profile.ts';
import { computeFigures } from '../measure/figures.ts';
import { medianFigures } from '../measure/repeated-figures.ts';
import { generatorValidity, judgeSeconds, type GeneratorValidity, type SecondHealth } from '../measure/generator-bound.ts';
import { isScenarioName } from '../scenario/load-profile.ts';
import { sloFor, type SloConfig } from '../scenario/slo-file.ts';
import { legKeyOf, type TargetFigures, type TargetRun } from '../model/index.ts';
import { readRun, type SavedRun, type TargetSeries } from '../store/run-store.ts';
import { loadSavedPlan, type SavedPlan } from './plan/saved-plan.ts';

/** Where a target's figures came from. */
export type FiguresSource = 'recomputed' | 'run.json' | 'none';

/** One repetition (leg) of a target, as saved. */
export interface ReportRepetition {
  run: TargetRun;
  series: TargetSeries;
  figures: TargetFigures | null;
  figuresSource: FiguresSource;
  /** each load second judged generator-bound / host-bound (src/measure/generator-bound.ts) */
  health: SecondHealth[];
  /** the INVALID rule over those seconds */
  generator: GeneratorValidity;
}

/**
 * One target of a run over its repetitions (one in a single run). The fields of
 * ReportRepetition are the target's as a whole: `figures` the median of every figure over the
 * repetitions (src/measure/repeated-figures.ts); `run`, `series` and `health` the first
 * repetition that produced figures (what the charts draw); `generator` the worst repetition's
 * (one INVALID repetition makes the target INVALID).
 */
export interface ReportTarget extends ReportRepetition {
  repetitions: ReportRepetition[];
}

/** The figures of each repetition that produced figures, in repetition order: what intervals and tests are computed from. */
export function repetitionFigures(t: Pick<ReportTarget, 'repetitions'>): TargetFigures[] {
  return t.repetitions.flatMap((r) => (r.figures === null ? [] : [r.figures]));
}

export interface ReportRun {
  saved: SavedRun;
  /** measurement windows of the profile as it ran; the SLO judged with (the report's SLO file, else the run's) */
  windows: MeasurementWindow[];
  slo: Slo;
  /** the targets the report shows, judges and tabulates: every target but the unavailable ones */
  targets: ReportTarget[];
  /** tried by `--target auto` and not usable here: named once ("not available here"), never judged */
  unavailable: TargetRun[];
  /** the capacity plan saved beside the run (`<run>/plan/plan.json`), when there is one; set by loadReportRun */
  plan?: SavedPlan;
}

/**
 * A target `--target auto` tried that was not usable here. A target named in `--target`
 * keeps its row and its error whatever happened; runs saved before `requestedBy` existed
 * skipped targets only under `auto`.
 */
export function isUnavailable(t: TargetRun): boolean {
  return t.status === 'skipped' && t.requestedBy !== 'name';
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Windows, SLO and load duration from `record.profile` (typed `unknown` in the record:
 * checked, not trusted). The duration is the sum of the stages of `model` (open: rateStages);
 * null when the profile does not say.
 */
export function profileBits(profile: unknown, model?: string): { windows: MeasurementWindow[]; slo: Slo; durationS: number | null } {
  const windows: MeasurementWindow[] = [];
  let slo: Slo = defaultSlo;
  let durationS: number | null = null;
  if (isRecord(profile)) {
    if (Array.isArray(profile.windows)) {
      for (const w of profile.windows) {
        if (isRecord(w) && typeof w.name === 'string' && typeof w.startS === 'number' && typeof w.endS === 'number') {
          windows.push({ name: w.name, startS: w.startS, endS: w.endS });
        }
      }
    }
    const s = profile.slo;
    if (isRecord(s) && typeof s.p95Ms === 'number' && typeof s.errorRate === 'number') slo = { p95Ms: s.p95Ms, errorRate: s.errorRate };
    const stages = profile[model === 'open' ? 'rateStages' : 'stages'];
    if (Array.isArray(stages) && stages.length > 0 && stages.every((st) => isRecord(st) && typeof st.durationS === 'number' && st.durationS > 0)) {
      durationS = stages.reduce((sum: number, st: { durationS: number }) => sum + st.durationS, 0);
    }
  }
  return { windows, slo, durationS };
}

/**
 * Figures for every target of a saved run: recomputed from series; run.json's copy only when
 * series are missing. With `sloConfig` (the SLO file the report judges with), time to recover
 * and the chart lines use that file's SLO, as the verdict does; without it, the SLO the run
 * recorded.
 */
export function reportRun(saved: SavedRun, sloConfig?: SloConfig): ReportRun {
  const bits = profileBits(saved.record.profile, saved.record.model);
  const windows = bits.windows;
  const scenario = saved.record.scenario;
  const slo = sloConfig !== undefined && isScenarioName(scenario) ? sloFor(sloConfig, scenario) : bits.slo;
  const legs = saved.record.targets.filter((t) => !isUnavailable(t)).map((run): ReportRepetition => {
    const series = saved.series[legKeyOf(run)] ?? { load: [], starts: [], platform: [], events: [], health: [] };
    // judged over exactly the profile's seconds, as every figure is
    const endS = bits.durationS;
    const judgedLoad = endS === null ? series.load : series.load.filter((x) => x.t < endS);
    const health = judgeSeconds({ load: judgedLoad, health: series.health, driver: saved.record.driver, cores: saved.record.machine?.cores ?? 1 });
    const judged = { health, generator: generatorValidity(health) };
    if (series.load.length > 0) {
      const figures = computeFigures({ load: series.load, starts: series.starts, platform: series.platform, faults: run.faults ?? [], windows, slo, ...(bits.durationS === null ? {} : { durationS: bits.durationS }) });
      return { run, series, figures, figuresSource: 'recomputed', ...judged };
    }
    if (run.figures) return { run, series, figures: run.figures, figuresSource: 'run.json', ...judged };
    return { run, series, figures: null, figuresSource: 'none', ...judged };
  });
  const byName = new Map<string, ReportRepetition[]>();
  for (const leg of legs) byName.set(leg.run.name, [...(byName.get(leg.run.name) ?? []), leg]);
  const targets = [...byName.values()].map(groupRepetitions);
  return { saved, windows, slo, targets, unavailable: saved.record.targets.filter(isUnavailable) };
}

/** A target over its repetitions (see ReportTarget). */
function groupRepetitions(reps: ReportRepetition[]): ReportTarget {
  const sorted = [...reps].sort((a, b) => (a.run.repetition ?? 0) - (b.run.repetition ?? 0));
  if (sorted.length === 1) return { ...sorted[0]!, repetitions: sorted };
  const first = sorted.find((r) => r.figures !== null) ?? sorted[0]!;
  const figures = sorted.flatMap((r) => (r.figures === null ? [] : [r.figures]));
  const worst = sorted.find((r) => r.generator.status === 'invalid') ?? sorted.find((r) => r.generator.status === 'unknown') ?? first;
  const generator = worst.generator.reason === null ? worst.generator : { ...worst.generator, reason: `repetition ${(worst.run.repetition ?? 0) + 1}: ${worst.generator.reason}` };
  const failed = sorted.filter((r) => r.run.status === 'failed');
  const notes = sorted.flatMap((r) => (r.run.notes ?? []).map((n) => `repetition ${(r.run.repetition ?? 0) + 1}: ${n}`));
  if (failed.length > 0 && figures.length > 0) notes.push(`${failed.length} of ${sorted.length} repetitions failed (${failed.map((r) => r.run.error ?? 'no reason').join('; ')}); figures are of the other ${figures.length}`);
  const run: TargetRun = { ...first.run, notes };
  return {
    run,
    series: first.series,
    figures: figures.length === 0 ? null : medianFigures(figures),
    figuresSource: first.figuresSource,
    health: first.health,
    generator,
    repetitions: sorted,
  };
}

/** A saved run as the report sees it, with the plan beside it (`npx capbench plan` writes one) when there is one. */
export function loadReportRun(dir: string, sloConfig?: SloConfig): ReportRun {
  const run = reportRun(readRun(dir), sloConfig);
  const plan = loadSavedPlan(run.saved.dir);
  return plan === null ? run : { ...run, plan };
}
