import { profiles, scaleTime, scenarioNames, type Profile, type ScenarioName } from '../../scenarios/lib/index.ts';
import { HarnessError, unknownName } from '../model/index.ts';

export function isScenarioName(n: string): n is ScenarioName {
  return (scenarioNames as string[]).includes(n);
}

/** The profile a run uses: scenario × variant, optionally time-scaled, validated. */
export function loadProfile(name: string, o: { quick: boolean; timeScale?: number }): Profile {
  if (!isScenarioName(name)) throw unknownName('run', 'scenario', name, scenarioNames, 'e.g. `capbench run spike --quick`');
  const scale = o.timeScale ?? 1;
  if (!Number.isFinite(scale) || scale <= 0 || scale > 10) {
    throw new HarnessError(`--time-scale: must be a number in (0, 10] (got ${o.timeScale})`, { code: 'usage' });
  }
  const base = profiles[name][o.quick ? 'quick' : 'full'];
  const p = scale === 1 ? base : scaleTime(base, scale);
  validateProfile(p);
  return p;
}

/** Scenario options must make sense before anything starts (k6: executors validate first). */
export function validateProfile(p: Profile): void {
  const where = `scenario ${p.scenario} (${p.variant})`;
  const bad = (what: string, expected: string, got: unknown): never => {
    throw new HarnessError(`${where}: ${what} must be ${expected} (got ${JSON.stringify(got)})`, { code: 'badConfig', hint: 'fix the profile in scenarios/lib/' });
  };
  if (p.stages.length === 0) bad('stages', 'a non-empty list', p.stages);
  p.stages.forEach((s, i) => {
    if (!(s.durationS > 0)) bad(`stages[${i}].durationS`, 'a positive number of seconds', s.durationS);
    if (!(Number.isInteger(s.target) && s.target >= 0)) bad(`stages[${i}].target`, 'a non-negative integer', s.target);
  });
  if (!(p.startVUs >= 0)) bad('startVUs', 'a non-negative integer', p.startVUs);
  if (Math.max(p.startVUs, ...p.stages.map((s) => s.target)) === 0) bad('stages', 'at least one stage with VUs > 0', p.stages);
  if (!(p.timeoutMs > 0)) bad('timeoutMs', 'a positive number', p.timeoutMs);
  if (!(p.thinkTimeMs.min >= 0 && p.thinkTimeMs.max >= p.thinkTimeMs.min)) bad('thinkTimeMs', '0 ≤ min ≤ max', p.thinkTimeMs);
  if (p.requests.length === 0 || p.requests.some((r) => !(r.weight > 0) || !r.path.startsWith('/'))) bad('requests', 'a non-empty list with positive weights and paths starting with /', p.requests);
  if (!(p.slo.p95Ms > 0)) bad('slo.p95Ms', 'a positive number of ms', p.slo.p95Ms);
  if (!(p.slo.errorRate >= 0 && p.slo.errorRate <= 1)) bad('slo.errorRate', 'a share in [0, 1]', p.slo.errorRate);
  if (!(p.warmupS >= 0)) bad('warmupS', 'a non-negative number', p.warmupS);
  if (!(p.maxVUs > 0)) bad('maxVUs', 'a positive integer', p.maxVUs);
}
