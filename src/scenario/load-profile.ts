import { connectionModels, durationS, profiles, scaleTime, scenarioNames, type ConnectionModel, type FaultSchedule, type LoadModel, type Profile, type ScenarioName, type Slo, type Variant } from '../../scenarios/lib/index.ts';
import { HarnessError, unknownName } from '../model/index.ts';

export function isScenarioName(n: string): n is ScenarioName {
  return (scenarioNames as string[]).includes(n);
}

/** Load models a run may use (closed = ramping VUs, open = ramping arrival rate). */
export const loadModels = ['closed', 'open'] as const satisfies readonly LoadModel[];
/** Fault kinds a profile may schedule (src/faults implements each). */
export const faultKinds = ['node-crash', 'rolling-update'] as const satisfies readonly FaultSchedule['kind'][];
const variants: readonly Variant[] = ['full', 'quick'];

/**
 * What a load driver runs: the names k6 rebuilds its profile from (`-e PROFILE=variant
 * -e TIME_SCALE -e MODEL`, the SLO as thresholds) and the profile they give, which the
 * builtin driver executes. Built by loadPlan(), so the two never disagree.
 */
export interface LoadPlan {
  scenario: ScenarioName;
  variant: Variant;
  model: LoadModel;
  /** factor every duration was scaled by (1 = as written) */
  timeScale: number;
  /** how users hold connections: `--connections`, else the profile's default (also in profile.connections) */
  connections: ConnectionModel;
  /** the one SLO of the run (also in profile.slo) */
  slo: Slo;
  /** the profile as it runs: scaled, SLO applied, validated */
  profile: Profile;
  /**
   * capacity scenario: the ladder step the profile starts at (`capacityFromStep` already
   * applied to `profile`; k6 rebuilds it with `-e FROM_STEP`). Absent = the whole ladder.
   */
  fromStep?: number;
  /**
   * capacity scenario: the one rate the profile holds for one step (`capacityHold` already
   * applied to `profile`; k6 rebuilds it with `-e HOLD_RPS`). Absent = the ladder.
   */
  holdRps?: number;
}

/** Seconds of load a profile runs in `model` (open: its arrival-rate stages), which every figure covers. */
export function loadDurationS(p: Pick<Profile, 'stages' | 'rateStages'>, model: LoadModel): number {
  return durationS(model === 'open' ? { stages: p.rateStages } : p);
}

/**
 * The plan of a run: scenario × variant × model, time-scaled, with the run's SLO and
 * connection model (default: the profile's).
 */
export function loadPlan(name: string, o: { quick: boolean; model: LoadModel; timeScale?: number; slo?: Slo; connections?: ConnectionModel }): LoadPlan {
  const scaled = loadProfile(name, o);
  const slo = o.slo ?? scaled.slo;
  const connections = o.connections ?? scaled.connections;
  const profile = { ...scaled, slo, connections };
  validateProfile(profile, o.model);
  return { scenario: profile.scenario, variant: profile.variant, model: o.model, timeScale: o.timeScale ?? 1, connections, slo, profile };
}

/** The profile a run uses: scenario × variant, optionally time-scaled, validated (for `model` when given). */
export function loadProfile(name: string, o: { quick: boolean; timeScale?: number; model?: string }): Profile {
  if (!isScenarioName(name)) throw unknownName('run', 'scenario', name, [...scenarioNames, 'all'], 'e.g. `npx capbench run spike --quick`');
  const scale = o.timeScale ?? 1;
  if (!Number.isFinite(scale) || scale < 0.01 || scale > 10) {
    throw new HarnessError(`--time-scale: must be a number in [0.01, 10] (got ${o.timeScale})`, { code: 'usage', hint: 'e.g. --time-scale 0.1 for a smoke run; omit it for the profile as written' });
  }
  const base = profiles[name][o.quick ? 'quick' : 'full'];
  const p = scale === 1 ? base : scaleTime(base, scale);
  validateProfile(p, o.model);
  return p;
}

/**
 * Scenario options must make sense before anything starts (k6: executors validate first).
 * With `model`, also checks what that load model needs (open: arrival-rate stages).
 * Throws HarnessError: badConfig (3) for the profile, usage (2) for an unknown model.
 */
export function validateProfile(p: Profile, model?: string): void {
  const where = `scenario ${String(p.scenario)} (${String(p.variant)})`;
  const hint = 'fix the profile in scenarios/lib/ (then `npm run typecheck`)';
  const bad = (what: string, expected: string, got: unknown): never => {
    throw new HarnessError(`${where}: ${what} must be ${expected} (got ${JSON.stringify(got) ?? String(got)})`, { code: 'badConfig', hint });
  };
  const isCount = (n: unknown): boolean => typeof n === 'number' && Number.isInteger(n) && n >= 0;
  if (model !== undefined && !(loadModels as readonly string[]).includes(model)) {
    throw unknownName(where, 'load model', model, loadModels, 'pass --model closed (ramping VUs) or --model open (arrival rate)');
  }
  if (!isScenarioName(String(p.scenario))) bad('scenario', `one of ${scenarioNames.join(', ')}`, p.scenario);
  if (!variants.includes(p.variant)) bad('variant', `one of ${variants.join(', ')}`, p.variant);
  const checkStages = (key: 'stages' | 'rateStages', unit: string): void => {
    const stages: unknown = p[key];
    if (!Array.isArray(stages) || stages.length === 0) bad(key, 'a non-empty list', stages);
    (stages as Profile['stages']).forEach((s, i) => {
      if (!(typeof s.durationS === 'number' && Number.isFinite(s.durationS) && s.durationS > 0)) bad(`${key}[${i}].durationS`, 'a positive number of seconds', s.durationS);
      if (!isCount(s.target)) bad(`${key}[${i}].target`, `a non-negative integer (${unit})`, s.target);
    });
  };
  checkStages('stages', 'VUs');
  if (!isCount(p.startVUs)) bad('startVUs', 'a non-negative integer', p.startVUs);
  if (Math.max(p.startVUs, ...p.stages.map((s) => s.target)) === 0) bad('stages', 'at least one stage with VUs > 0', p.stages);
  if (model === 'open') {
    checkStages('rateStages', 'requests/s');
    if (!isCount(p.startRate)) bad('startRate', 'a non-negative integer (requests/s)', p.startRate);
    if (Math.max(p.startRate, ...p.rateStages.map((s) => s.target)) === 0) bad('rateStages', 'at least one stage with a rate > 0 for --model open', p.rateStages);
  }
  if (!(Number.isInteger(p.maxVUs) && p.maxVUs > 0)) bad('maxVUs', 'a positive integer', p.maxVUs);
  if (!(typeof p.timeoutMs === 'number' && p.timeoutMs > 0 && Number.isFinite(p.timeoutMs))) bad('timeoutMs', 'a positive number', p.timeoutMs);
  if (!connectionModels.includes(p.connections)) bad('connections', `one of ${connectionModels.join(', ')}`, p.connections);
  if (!(p.thinkTimeMs?.min >= 0 && p.thinkTimeMs.max >= p.thinkTimeMs.min && Number.isFinite(p.thinkTimeMs.max))) bad('thinkTimeMs', '0 ≤ min ≤ max', p.thinkTimeMs);
  if (!Array.isArray(p.requests) || p.requests.length === 0) bad('requests', 'a non-empty list', p.requests);
  p.requests.forEach((r, i) => {
    if (!(typeof r.weight === 'number' && r.weight > 0 && Number.isFinite(r.weight))) bad(`requests[${i}].weight`, 'a positive number', r.weight);
    if (typeof r.path !== 'string' || !r.path.startsWith('/')) bad(`requests[${i}].path`, 'a path starting with /', r.path);
    if (r.method !== 'GET') bad(`requests[${i}].method`, 'GET', r.method);
  });
  if (!(p.slo?.p95Ms > 0)) bad('slo.p95Ms', 'a positive number of ms', p.slo?.p95Ms);
  if (!(p.slo.errorRate >= 0 && p.slo.errorRate <= 1)) bad('slo.errorRate', 'a share in [0, 1]', p.slo.errorRate);
  if (!(typeof p.warmupS === 'number' && p.warmupS >= 0)) bad('warmupS', 'a non-negative number', p.warmupS);
  if (p.warmupS > 0 && !(Number.isInteger(p.warmupVUs) && p.warmupVUs > 0)) bad('warmupVUs', 'a positive integer when warmupS > 0', p.warmupVUs);
  const totalS = durationS(p);
  const names = new Set<string>();
  p.windows.forEach((w, i) => {
    if (typeof w.name !== 'string' || w.name === '' || names.has(w.name)) bad(`windows[${i}].name`, 'a unique non-empty name', w.name);
    names.add(w.name);
    if (!(w.startS >= 0 && w.endS > w.startS && w.endS <= totalS)) bad(`windows[${i}] (${w.name})`, `0 ≤ startS < endS ≤ ${totalS} (the load duration)`, { startS: w.startS, endS: w.endS });
  });
  p.faults.forEach((f, i) => {
    if (!(faultKinds as readonly string[]).includes(f.kind)) bad(`faults[${i}].kind`, `one of ${faultKinds.join(', ')}`, f.kind);
    if (!(f.atS >= 0 && f.atS < totalS)) bad(`faults[${i}].atS`, `a second inside the load, in [0, ${totalS})`, f.atS);
    if (f.downS !== undefined && !(f.downS >= 0 && Number.isFinite(f.downS))) bad(`faults[${i}].downS`, 'a non-negative number of seconds', f.downS);
  });
}
