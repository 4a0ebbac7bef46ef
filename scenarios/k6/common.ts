/**
 * The k6 side of every scenario: turns a shared profile (scenarios/lib) into k6 `options`
 * and a default function. The entry files (spike.ts, node-crash.ts, rolling-update.ts) are
 * two lines each; everything k6-specific lives here, so scenarios/lib stays free of k6.
 *
 * Environment (`k6 run -e NAME=value`):
 *   BASE_URL    target URL, required (no trailing slash needed)
 *   PROFILE     quick | full (default quick)
 *   MODEL       closed (ramping-vus, default) | open (ramping-arrival-rate)
 *   TIME_SCALE  positive number applied with scaleTime (default 1 = as written)
 *   WARMUP      1 = run only the profile's warm-up (warmupVUs for warmupS, no thresholds)
 *   CONNECTIONS per-vu (each VU keeps its keep-alive connection) | per-iteration (each
 *               iteration opens its own: k6's noVUConnectionReuse); default the profile's
 *   SLO_P95_MS, SLO_ERROR_RATE  the run's SLO (default the profile's): k6's thresholds; the
 *               harness passes the SLO it judges with, so both agree
 *   FROM_STEP   capacity only: start the step ladder at step k (the harness starts a larger
 *               replica count higher up); MODEL defaults to open there and closed is refused
 *   HOLD_RPS    capacity only: hold this one rate (whole req/s) for one step instead of the
 *               ladder (`capbench plan --verify`); FROM_STEP does not go with it
 */
import http from 'k6/http';
import { sleep } from 'k6';
import { Counter } from 'k6/metrics';
import type { Options, Scenario } from 'k6/options';
import { capacityFromStep, capacityHold, connectionModels, durationS, pickRequest, profiles, scaleTime, type ConnectionModel, type LoadModel, type Profile, type ScenarioName, type Slo, type Variant } from '../lib/index.ts';

/** Counted once per response; tags carry the app's `X-App-Version` / `X-Served-By` (k6's JSON output has no headers). */
export const versionMetricName = 'capbench_version';

export interface K6Scenario {
  profile: Profile;
  model: LoadModel;
  options: Options;
  iteration: () => void;
}

function env(name: string): string | undefined {
  const v = __ENV[name];
  return v === undefined || v === '' ? undefined : v;
}

function secs(s: number): string {
  return `${s}s`;
}

/** The profile this run uses, from PROFILE and TIME_SCALE. Throws (k6 exits 107) on bad values. */
export function selectProfile(scenario: ScenarioName): Profile {
  const variant = env('PROFILE') ?? 'quick';
  if (variant !== 'quick' && variant !== 'full') {
    throw new Error(`${scenario}.ts: PROFILE must be quick or full (got ${JSON.stringify(variant)})`);
  }
  const base = profiles[scenario][variant as Variant];
  const scaleText = env('TIME_SCALE');
  if (scaleText === undefined) return base;
  const scale = Number(scaleText);
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new Error(`${scenario}.ts: TIME_SCALE must be a positive number (got ${JSON.stringify(scaleText)})`);
  }
  return scale === 1 ? base : scaleTime(base, scale);
}

/** The profile's SLO, or the one SLO_P95_MS / SLO_ERROR_RATE give. Throws (k6 exits 107) on bad values. */
export function selectSlo(scenario: ScenarioName, own: Slo): Slo {
  const read = (name: string, fallback: number, ok: (n: number) => boolean, what: string): number => {
    const text = env(name);
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isFinite(n) || !ok(n)) throw new Error(`${scenario}.ts: ${name} must be ${what} (got ${JSON.stringify(text)})`);
    return n;
  };
  return {
    p95Ms: read('SLO_P95_MS', own.p95Ms, (n) => n > 0, 'a positive number of ms'),
    errorRate: read('SLO_ERROR_RATE', own.errorRate, (n) => n >= 0 && n <= 1, 'a share in [0, 1]'),
  };
}

export function selectModel(scenario: ScenarioName, openOnly = false): LoadModel {
  const model = env('MODEL') ?? (openOnly ? 'open' : 'closed');
  if (openOnly && model !== 'open') {
    throw new Error(`${scenario}.ts: MODEL must be open for this scenario, an arrival-rate ladder (got ${JSON.stringify(model)})`);
  }
  if (model !== 'closed' && model !== 'open') {
    throw new Error(`${scenario}.ts: MODEL must be closed or open (got ${JSON.stringify(model)})`);
  }
  return model;
}

/**
 * The capacity ladder from FROM_STEP on (default 0 = the whole ladder), or held at HOLD_RPS
 * for one step. Throws (k6 exits 107) on bad values.
 */
function selectFromStep(scenario: ScenarioName, p: Profile): Profile {
  const hold = env('HOLD_RPS');
  if (hold !== undefined) {
    const rps = Number(hold);
    if (!Number.isInteger(rps) || rps < 1) throw new Error(`${scenario}.ts: HOLD_RPS must be a whole number of requests/s ≥ 1 (got ${JSON.stringify(hold)})`);
    return capacityHold(p, rps);
  }
  const text = env('FROM_STEP');
  if (text === undefined) return p;
  const k = Number(text);
  if (!Number.isInteger(k) || k < 0) throw new Error(`${scenario}.ts: FROM_STEP must be a non-negative integer (got ${JSON.stringify(text)})`);
  return capacityFromStep(p, k);
}

/** The connection model from CONNECTIONS, else the profile's. Throws (k6 exits 107) on a bad value. */
export function selectConnections(scenario: ScenarioName, own: ConnectionModel): ConnectionModel {
  const text = env('CONNECTIONS');
  if (text === undefined) return own;
  if (!(connectionModels as readonly string[]).includes(text)) {
    throw new Error(`${scenario}.ts: CONNECTIONS must be ${connectionModels.join(' or ')} (got ${JSON.stringify(text)})`);
  }
  return text as ConnectionModel;
}

/** k6 options for a profile: the load shape, the SLO as thresholds, or only the warm-up. */
export function buildOptions(p: Profile, model: LoadModel, warmUp: boolean): Options {
  // in-flight requests get their full timeout plus one think time before k6 cuts them off
  const graceS = Math.ceil((p.timeoutMs + p.thinkTimeMs.max) / 1000);
  const base: Options = {
    discardResponseBodies: true,
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
    // per-iteration: k6 closes the VU's idle connections after every iteration (a new
    // connection per user visit); noConnectionReuse would instead turn keep-alive off for
    // every request, which is the same only while an iteration is one request
    ...(p.connections === 'per-iteration' ? { noVUConnectionReuse: true } : {}),
  };
  if (warmUp) {
    return {
      ...base,
      scenarios: { warmup: { executor: 'constant-vus', vus: p.warmupVUs, duration: secs(p.warmupS), gracefulStop: secs(graceS) } },
    };
  }
  const load: Scenario = model === 'open'
    ? {
        executor: 'ramping-arrival-rate',
        startRate: p.startRate,
        timeUnit: '1s',
        preAllocatedVUs: Math.min(p.maxVUs, Math.max(1, p.startRate, ...p.rateStages.map((s) => s.target))),
        maxVUs: p.maxVUs,
        stages: p.rateStages.map((s) => ({ duration: secs(s.durationS), target: s.target })),
        gracefulStop: secs(graceS),
      }
    : {
        executor: 'ramping-vus',
        startVUs: p.startVUs,
        stages: p.stages.map((s) => ({ duration: secs(s.durationS), target: s.target })),
        gracefulRampDown: secs(graceS),
        gracefulStop: secs(graceS),
      };
  return {
    ...base,
    scenarios: { [p.scenario]: load },
    thresholds: {
      http_req_duration: [`p(95)<${p.slo.p95Ms}`],
      http_req_failed: [`rate<${p.slo.errorRate}`],
    },
  };
}

/** Everything an entry file exports, for one scenario. Runs in k6's init context. */
export function k6Scenario(scenario: ScenarioName): K6Scenario {
  const selected = selectFromStep(scenario, selectProfile(scenario));
  const profile = { ...selected, slo: selectSlo(scenario, selected.slo), connections: selectConnections(scenario, selected.connections) };
  const model = selectModel(scenario, selected.capacity !== undefined);
  const warmUp = env('WARMUP') === '1';
  const baseUrl = (env('BASE_URL') ?? '').replace(/\/+$/, '');
  if (baseUrl === '') {
    throw new Error(`${scenario}.ts: BASE_URL must be set (got nothing); hint: k6 run -e BASE_URL=http://127.0.0.1:8080 scenarios/${scenario}.ts`);
  }
  if (durationS(profile) <= 0) throw new Error(`${scenario}.ts: profile has no stages`);
  const versions = new Counter(versionMetricName);
  const timeout = `${profile.timeoutMs}ms`;
  // open model: arrivals are paced by k6, so an iteration is one request and no think time
  const think = model === 'closed' || warmUp;

  function iteration(): void {
    const req = pickRequest(profile.requests, Math.random());
    const res = http.request(req.method, `${baseUrl}${req.path}`, null, { timeout, tags: { name: req.name } });
    if (res.status !== 0) {
      versions.add(1, {
        version: res.headers['X-App-Version'] ?? '',
        served_by: res.headers['X-Served-By'] ?? '',
      });
    }
    if (think) {
      const { min, max } = profile.thinkTimeMs;
      sleep((min + Math.random() * (max - min)) / 1000);
    }
  }

  return { profile, model, options: buildOptions(profile, model, warmUp), iteration };
}
