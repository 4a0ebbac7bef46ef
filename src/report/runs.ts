/**
 * The report's view of saved runs: each run read with readRun, and every target's figures
 * recomputed with src/measure's computeFigures from the saved series, so old runs are
 * judged with today's definitions. Reads files only; never live state.
 */
import { defaultSlo, type MeasurementWindow, type Slo } from '../../scenarios/lib/profile.ts';
import { computeFigures } from '../measure/figures.ts';
import { generatorValidity, judgeSeconds, type GeneratorValidity, type SecondHealth } from '../measure/generator-bound.ts';
import { isScenarioName } from '../scenario/load-profile.ts';
import { sloFor, type SloConfig } from '../scenario/slo-file.ts';
import type { TargetFigures, TargetRun } from '../model/index.ts';
import { readRun, type SavedRun, type TargetSeries } from '../store/run-store.ts';

/** Where a target's figures came from. */
export type FiguresSource = 'recomputed' | 'run.json' | 'none';

export interface ReportTarget {
  run: TargetRun;
  series: TargetSeries;
  figures: TargetFigures | null;
  figuresSource: FiguresSource;
  /** each load second judged generator-bound / host-bound (src/measure/generator-bound.ts) */
  health: SecondHealth[];
  /** the INVALID rule over those seconds */
  generator: GeneratorValidity;
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
  const targets = saved.record.targets.filter((t) => !isUnavailable(t)).map((run): ReportTarget => {
    const series = saved.series[run.name] ?? { load: [], starts: [], platform: [], events: [], health: [] };
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
  return { saved, windows, slo, targets, unavailable: saved.record.targets.filter(isUnavailable) };
}

export function loadReportRun(dir: string, sloConfig?: SloConfig): ReportRun {
  return reportRun(readRun(dir), sloConfig);
}
