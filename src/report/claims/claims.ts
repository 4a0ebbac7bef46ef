/**
 * Claims next to measurements: a claims file (default: the seeds' claims, seeds.yaml beside
 * this file) names per claim the scenario and the figure that checks it; the report shows
 * each claim with what the runs measured. Claims are data, never measurements, and the
 * report labels them so. Only targets that produced the figure are listed; a claim nobody
 * measured says which scenario would. A sizing or cost claim (`plan:`) gets the figure the
 * capacity plans beside the runs computed (plan-claims.ts), labelled as computed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { profiles, scenarioNames, type ScenarioName } from '../../../scenarios/lib/index.ts';
import { HarnessError, type TargetFigures, type TargetRun, type WindowFigures } from '../../model/index.ts';
import { isScenarioName } from '../../scenario/load-profile.ts';
import { ms, pct, rps, sec } from '../format.ts';
import { intervalText, summarise, summaryText } from '../../measure/repeated-figures.ts';
import { repetitionFigures, type ReportRun } from '../runs.ts';
import { planClaim, PLAN_CLAIM_FIGURES, PLAN_FIGURE_NAMES, type ComputedFigure, type PlanClaimFigureName } from './plan-claims.ts';

export const SEED_CLAIMS_FILE = fileURLToPath(new URL('./seeds.yaml', import.meta.url));

type Platform = TargetRun['kind'];
const PLATFORMS: readonly Platform[] = ['kubernetes', 'compose', 'local'];
export const PLATFORM_LABEL: Record<Platform, string> = { kubernetes: 'Kubernetes', compose: 'Docker Compose', local: 'local processes' };

interface ClaimFigure {
  /** the measured value, formatted; null = this target has no such figure */
  value(f: TargetFigures, w: WindowFigures): string | null;
  /**
   * the claim's one number (what an interval is given for over repetitions) and its formatter;
   * `label` names it when the value says more than that number (scale-up, downtime)
   */
  main: { label?: string; pick(f: TargetFigures, w: WindowFigures): number | null; fmt(v: number | null): string };
}

/** The figures a claim may name (`measure.figure`); `w` is the claim's window, else the whole run. */
export const CLAIM_FIGURES = {
  'avg-latency': { value: (_f, w) => (w.avgMs === null ? null : ms(w.avgMs)), main: { pick: (_f, w) => w.avgMs, fmt: ms } },
  'p95-latency': { value: (_f, w) => (w.p95Ms === null ? null : ms(w.p95Ms)), main: { pick: (_f, w) => w.p95Ms, fmt: ms } },
  'error-rate': { value: (_f, w) => (w.requests === 0 ? null : pct(w.errorRate)), main: { pick: (_f, w) => (w.requests === 0 ? null : w.errorRate), fmt: pct } },
  throughput: { value: (_f, w) => (w.requests === 0 ? null : rps(w.throughputRps)), main: { pick: (_f, w) => (w.requests === 0 ? null : w.throughputRps), fmt: rps } },
  'scale-up': {
    value: (f) =>
      f.minReadyReplicas === null || f.peakReadyReplicas === null
        ? null
        : `${f.minReadyReplicas} → ${f.peakReadyReplicas} ready pods, peak after ${sec(f.timeToPeakReadyS, '?')} (first scale-up after ${sec(f.scaleUpReactionS, 'never')})`,
    main: { label: 'first scale-up after', pick: (f) => f.scaleUpReactionS, fmt: (v) => sec(v, 'never') },
  },
  downtime: { value: (f) => `${sec(f.downtimeS)} down (longest outage ${sec(f.longestOutageS)})`, main: { label: 'downtime', pick: (f) => f.downtimeS, fmt: sec } },
  // what a fault cost: degraded seconds (error rate over the SLO's) first, since a partial
  // outage reads 0 s down; then down seconds and the fault window's error rate
  disruption: {
    value: (f) => {
      if (f.degradedS === undefined) return null;
      const faultRates = f.faults.map((x) => x.errorRate).filter((r): r is number => r !== null && r !== undefined);
      const during = faultRates.length ? `; ${faultRates.map((r) => pct(r)).join(', ')} failed during the fault` : '';
      return `${sec(f.degradedS)} degraded (longest ${sec(f.longestDegradedS)}), ${sec(f.downtimeS)} down${during}`;
    },
    main: { label: 'degraded time', pick: (f) => f.degradedS ?? null, fmt: sec },
  },
} satisfies Record<string, ClaimFigure>;
export type ClaimFigureName = keyof typeof CLAIM_FIGURES;
const FIGURE_NAMES = Object.keys(CLAIM_FIGURES) as ClaimFigureName[];

export interface ClaimDef {
  topic: string;
  scenario: ScenarioName;
  platform: Platform;
  claimed: string;
  /** the run figure that checks it; absent when only a plan computes it */
  measure?: { figure: ClaimFigureName; window?: string };
  /** the plan figure that checks it (plan-claims.ts) */
  plan?: PlanClaimFigureName;
}

export interface ClaimsConfig {
  file: string;
  claims: ClaimDef[];
}

export interface Claim {
  topic: string;
  scenario: ScenarioName;
  platform: Platform;
  claimed: string;
  /**
   * the measured value for each target of that platform that produced it, formatted — over
   * repetitions the median figures' value, and `interval` the claim's number as median [interval] (n)
   */
  measured: Array<{ runId: string; target: string; value: string; interval?: string }>;
  /** what the plans beside the runs computed for it (a `plan:` claim), each labelled as computed from measurements */
  computed: ComputedFigure[];
  /** when the claim's run figure was not measured (and, with nothing computed either, its plan figure not computed): why, and what would measure it */
  unmeasured?: string;
}

const HINT = `fix the file (schema: the comment at the top of ${SEED_CLAIMS_FILE})`;

function bad(file: string, path: string, expected: string, got: unknown): never {
  throw new HarnessError(`${file}: ${path} must be ${expected} (got ${JSON.stringify(got) ?? 'nothing'})`, { code: 'badConfig', hint: HINT });
}

const str = (file: string, path: string, v: unknown): string => (typeof v === 'string' && v.trim() !== '' ? v : bad(file, path, 'a non-empty string', v));
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Validate parsed claims data; `file` names the source in every message. Throws HarnessError('badConfig'). */
export function parseClaims(data: unknown, file: string): ClaimsConfig {
  if (!isObject(data) || !Array.isArray(data.claims)) bad(file, 'claims', 'a list', isObject(data) ? data.claims : data);
  const claims = data.claims.map((c: unknown, i: number): ClaimDef => {
    const p = `claims[${i}]`;
    if (!isObject(c)) bad(file, p, 'an object', c);
    const scenario = str(file, `${p}.scenario`, c.scenario);
    if (!isScenarioName(scenario)) bad(file, `${p}.scenario`, `one of ${scenarioNames.join(', ')}`, scenario);
    const platform = str(file, `${p}.platform`, c.platform);
    if (!(PLATFORMS as string[]).includes(platform)) bad(file, `${p}.platform`, `one of ${PLATFORMS.join(', ')}`, platform);
    let plan: PlanClaimFigureName | undefined;
    if (c.plan !== undefined) {
      const name = str(file, `${p}.plan`, c.plan);
      if (!Object.hasOwn(PLAN_CLAIM_FIGURES, name)) bad(file, `${p}.plan`, `one of ${PLAN_FIGURE_NAMES.join(', ')}`, name);
      plan = name as PlanClaimFigureName;
    }
    const def: ClaimDef = { topic: str(file, `${p}.topic`, c.topic), scenario, platform: platform as Platform, claimed: str(file, `${p}.claimed`, String(c.claimed ?? '')), ...(plan ? { plan } : {}) };
    if (c.measure === undefined && plan !== undefined) return def;
    if (!isObject(c.measure)) bad(file, `${p}.measure`, `an object { figure, window? }${plan ? '' : ' (or a `plan:` figure)'}`, c.measure);
    const figure = str(file, `${p}.measure.figure`, c.measure.figure);
    if (!Object.hasOwn(CLAIM_FIGURES, figure)) bad(file, `${p}.measure.figure`, `one of ${FIGURE_NAMES.join(', ')}`, figure);
    const measure: NonNullable<ClaimDef['measure']> = { figure: figure as ClaimFigureName };
    if (c.measure.window !== undefined) {
      const window = str(file, `${p}.measure.window`, c.measure.window);
      const known = [...new Set(Object.values(profiles[scenario]).flatMap((v) => v.windows.map((w) => w.name)))];
      if (!known.includes(window)) bad(file, `${p}.measure.window`, `a window of ${scenario} (${known.join(', ')})`, window);
      measure.window = window;
    }
    return { ...def, measure };
  });
  return { file, claims };
}

/** Read and validate a claims file (default: the seeds' claims). */
export function loadClaimsFile(path: string = SEED_CLAIMS_FILE): ClaimsConfig {
  if (!existsSync(path)) throw new HarnessError(`${path}: claims file must exist (got nothing)`, { code: 'badConfig', hint: HINT });
  let data: unknown;
  try {
    data = parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new HarnessError(`${path}: contents must be valid YAML (got ${((e as Error).message ?? String(e)).split('\n')[0]})`, { code: 'badConfig', hint: HINT, cause: e });
  }
  return parseClaims(data, path);
}

/** Each claim with the matching measurements of these runs. */
export function claims(config: ClaimsConfig, runs: readonly ReportRun[]): Claim[] {
  const plans = runs.flatMap((r) => (r.plan?.status === 'ok' ? [{ runId: r.saved.record.runId, plan: r.plan.plan }] : []));
  return config.claims.map((c) => {
    const measured: Claim['measured'] = [];
    const ran = runs.filter((r) => r.saved.record.scenario === c.scenario);
    const m = c.measure;
    for (const r of m ? ran : []) {
      const fig: ClaimFigure = CLAIM_FIGURES[m!.figure];
      for (const t of r.targets) {
        if (t.run.kind !== c.platform || t.figures === null) continue;
        const windowOf = (f: TargetFigures): WindowFigures | undefined => (m!.window === undefined ? f.overall : f.windows.find((x) => x.name === m!.window));
        const w = windowOf(t.figures);
        const value = w ? fig.value(t.figures, w) : null;
        if (value === null) continue;
        const reps = repetitionFigures(t);
        if (reps.length <= 1) {
          measured.push({ runId: r.saved.record.runId, target: t.run.name, value });
          continue;
        }
        const s = summarise(reps.map((f) => { const rw = windowOf(f); return rw ? fig.main.pick(f, rw) : null; }));
        const interval = fig.main.label === undefined ? intervalText(s, fig.main.fmt) : `${fig.main.label} ${summaryText(s, fig.main.fmt)}`;
        measured.push({ runId: r.saved.record.runId, target: t.run.name, value, interval });
      }
    }
    const computed = c.plan ? planClaim(c.plan, plans) : { computed: [], why: null };
    const claim: Claim = { topic: c.topic, scenario: c.scenario, platform: c.platform, claimed: c.claimed, measured, computed: computed.computed };
    const notMeasured = m === undefined || measured.length > 0
      ? null
      : ran.length === 0
        ? `run ${c.scenario} (\`npx capbench run ${c.scenario} --quick\`)`
        : `no ${PLATFORM_LABEL[c.platform]} target produced it in these runs`;
    const notComputed = computed.why === null ? null : `computed by a plan — ${computed.why}`;
    const missing = measured.length === 0 && computed.computed.length === 0 ? [notMeasured, notComputed] : [notMeasured];
    if (missing.some((x) => x !== null)) claim.unmeasured = missing.filter((x) => x !== null).join('; or ');
    return claim;
  });
}
