/**
 * SLO gates file: `slo.yaml` / `.yml` / `.json`, parsed with `yaml`, validated strictly.
 * Schema (every key documented in clusters/slo/default.yaml):
 *
 *   regressionMargin: 0.10          # optional, fraction (0.10 = 10 %), default 0.10
 *   regressionFloors: { p95Ms: 25 } # optional, absolute floors per gate key (merged over defaults)
 *   scenarios:                      # required
 *     <scenario>:                   # spike | node-crash | rolling-update
 *       windows: [baseline, spike]  # optional: windows p95Ms/errorRate apply to (default: every window)
 *       gates: { p95Ms: 1000, errorRate: 0.01, downtimeS: 0 }   # required (may be {})
 *       targets:                    # optional per-target overrides, merged over `gates`
 *         kind: { p95Ms: 1500 }
 *
 * Every gate is an upper limit: the figure passes when figure ≤ limit.
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { profiles, scenarioNames, type ScenarioName, type Slo } from '../../scenarios/lib/index.ts';
import { HarnessError } from '../model/index.ts';

export const GATE_KEYS = [
  'p95Ms',
  'errorRate',
  'downtimeS',
  'longestOutageS',
  'degradedS',
  'longestDegradedS',
  'timeToRecoverS',
  'failedRequestsDuringRollout',
  'rolloutDurationS',
  'scaleUpReactionS',
] as const;
export type GateKey = (typeof GATE_KEYS)[number];
export type Gates = Partial<Record<GateKey, number>>;

/** How each gate is shown: label and unit. */
export const GATE_INFO: Record<GateKey, { label: string; unit: 'ms' | '%' | 's' | 'requests' }> = {
  p95Ms: { label: 'p95 latency', unit: 'ms' },
  errorRate: { label: 'error rate', unit: '%' },
  downtimeS: { label: 'downtime', unit: 's' },
  longestOutageS: { label: 'longest outage', unit: 's' },
  degradedS: { label: 'degraded time', unit: 's' },
  longestDegradedS: { label: 'longest degraded stretch', unit: 's' },
  timeToRecoverS: { label: 'time to recover', unit: 's' },
  failedRequestsDuringRollout: { label: 'failed requests during rollout', unit: 'requests' },
  rolloutDurationS: { label: 'rollout duration', unit: 's' },
  scaleUpReactionS: { label: 'scale-up reaction', unit: 's' },
};

/**
 * Absolute floors of the regression rule: a figure regressed when
 * current − baseline > max(regressionMargin × |baseline|, floor). So 0 → 1 failed
 * request in a tiny run, or 3 ms of p95 jitter, is not a regression.
 */
export const DEFAULT_REGRESSION_FLOORS: Record<GateKey, number> = {
  p95Ms: 25,
  errorRate: 0.005,
  downtimeS: 2,
  longestOutageS: 2,
  degradedS: 2,
  longestDegradedS: 2,
  timeToRecoverS: 5,
  failedRequestsDuringRollout: 5,
  rolloutDurationS: 5,
  scaleUpReactionS: 5,
};
export const DEFAULT_REGRESSION_MARGIN = 0.1;

export interface ScenarioGates {
  windows?: string[];
  gates: Gates;
  targets: Record<string, Gates>;
}

export interface SloConfig {
  /** the file it came from (absolute), or `built-in` */
  file: string;
  regressionMargin: number;
  regressionFloors: Record<GateKey, number>;
  scenarios: Record<string, ScenarioGates>;
}

/** clusters/slo/default.yaml of this checkout. */
export const DEFAULT_SLO_FILE = fileURLToPath(new URL('../../clusters/slo/default.yaml', import.meta.url));

const HINT = 'fix the file (schema: clusters/slo/default.yaml), or omit --slo to use the shipped clusters/slo/default.yaml';

function shown(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list ${JSON.stringify(v).slice(0, 60)}`;
  if (typeof v === 'object') return `an object ${JSON.stringify(v).slice(0, 60)}`;
  return `${typeof v} ${JSON.stringify(v)}`;
}

function fail(file: string, path: string, expected: string, actual: unknown): never {
  throw new HarnessError(`${file}: ${path} must be ${expected} (got ${shown(actual)})`, { code: 'badConfig', hint: HINT });
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function obj(file: string, path: string, v: unknown, allowed: readonly string[] | null): Record<string, unknown> {
  if (!isObject(v)) fail(file, path, 'an object', v);
  if (allowed) {
    for (const k of Object.keys(v)) {
      if (!allowed.includes(k)) {
        throw new HarnessError(`${file}: ${path === '(top level)' ? '' : path + '.'}${k} must be one of the known keys ${allowed.join(', ')} (got unknown key ${JSON.stringify(k)})`, {
          code: 'badConfig',
          hint: HINT,
        });
      }
    }
  }
  return v;
}

function limit(file: string, path: string, key: GateKey, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(file, path, 'a number ≥ 0', v);
  if (key === 'errorRate' && v > 1) fail(file, path, 'a fraction in [0, 1] (0.01 = 1 %)', v);
  return v;
}

function gates(file: string, path: string, v: unknown): Gates {
  const o = obj(file, path, v, GATE_KEYS);
  const out: Gates = {};
  for (const k of GATE_KEYS) if (o[k] !== undefined) out[k] = limit(file, `${path}.${k}`, k, o[k]);
  return out;
}

/** Validate parsed SLO data. `file` names the source in every message. Throws HarnessError('badConfig'). */
export function parseSlo(data: unknown, file: string): SloConfig {
  const root = obj(file, '(top level)', data, ['description', 'regressionMargin', 'regressionFloors', 'scenarios']);
  if (root.description !== undefined && typeof root.description !== 'string') fail(file, 'description', 'a string', root.description);
  let regressionMargin = DEFAULT_REGRESSION_MARGIN;
  if (root.regressionMargin !== undefined) {
    const m = root.regressionMargin;
    if (typeof m !== 'number' || !Number.isFinite(m) || m < 0 || m > 10) fail(file, 'regressionMargin', 'a fraction in [0, 10] (0.1 = 10 %)', m);
    regressionMargin = m;
  }
  const regressionFloors = { ...DEFAULT_REGRESSION_FLOORS };
  if (root.regressionFloors !== undefined) Object.assign(regressionFloors, gates(file, 'regressionFloors', root.regressionFloors));
  if (root.scenarios === undefined) fail(file, 'scenarios', `an object keyed by scenario (${scenarioNames.join(', ')})`, undefined);
  const sc = obj(file, 'scenarios', root.scenarios, null);
  const scenarios: Record<string, ScenarioGates> = {};
  for (const [name, raw] of Object.entries(sc)) {
    const p = `scenarios.${name}`;
    if (!(scenarioNames as string[]).includes(name)) {
      throw new HarnessError(`${file}: ${p} must be a known scenario, one of ${scenarioNames.join(', ')} (got ${JSON.stringify(name)})`, { code: 'badConfig', hint: HINT });
    }
    const s = obj(file, p, raw, ['windows', 'gates', 'targets']);
    if (s.gates === undefined) fail(file, `${p}.gates`, 'an object of gate limits (may be {})', undefined);
    const entry: ScenarioGates = { gates: gates(file, `${p}.gates`, s.gates), targets: {} };
    if (s.windows !== undefined) {
      if (!Array.isArray(s.windows) || s.windows.some((w) => typeof w !== 'string')) fail(file, `${p}.windows`, 'a list of window names', s.windows);
      // a misspelt window would silently drop the p95/error gates: names must be the profile's
      const known = [...new Set(Object.values(profiles[name as ScenarioName]).flatMap((v) => v.windows.map((w) => w.name)))];
      const unknown = (s.windows as string[]).find((w) => !known.includes(w));
      if (unknown !== undefined) fail(file, `${p}.windows`, `a list of window names of ${name} (${known.join(', ')})`, unknown);
      entry.windows = s.windows as string[];
    }
    if (s.targets !== undefined) {
      for (const [t, g] of Object.entries(obj(file, `${p}.targets`, s.targets, null))) entry.targets[t] = gates(file, `${p}.targets.${t}`, g);
    }
    scenarios[name] = entry;
  }
  return { file, regressionMargin, regressionFloors, scenarios };
}

/** Read and validate an SLO file (default: clusters/slo/default.yaml). */
export function loadSloFile(path: string = DEFAULT_SLO_FILE): SloConfig {
  const file = resolve(path);
  const ext = extname(file).toLowerCase();
  if (!['.yaml', '.yml', '.json'].includes(ext)) {
    throw new HarnessError(`${path}: file name must end in .yaml, .yml or .json (got ${JSON.stringify(ext || 'no extension')})`, { code: 'badConfig', hint: HINT });
  }
  if (!existsSync(file)) {
    throw new HarnessError(`${path}: SLO file must exist (got nothing at ${file})`, { code: 'badConfig', hint: 'pass --slo clusters/slo/default.yaml, or copy it and edit the limits' });
  }
  let data: unknown;
  try {
    data = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const first = ((e as Error).message ?? String(e)).split('\n')[0];
    throw new HarnessError(`${path}: contents must be valid ${ext === '.json' ? 'JSON' : 'YAML'} (got ${first})`, { code: 'badConfig', hint: HINT, cause: e });
  }
  return parseSlo(data, path);
}

/** Gates for one scenario and target: scenario gates with the target's overrides on top. */
export function gatesFor(slo: SloConfig, scenario: string, target: string): { gates: Gates; windows: string[] | undefined } {
  const s = slo.scenarios[scenario];
  if (!s) return { gates: {}, windows: undefined };
  return { gates: { ...s.gates, ...(s.targets[target] ?? {}) }, windows: s.windows };
}

/**
 * The one SLO (p95 limit and error-rate limit) of a scenario on a target: the file's
 * `p95Ms` / `errorRate` gates (target overrides on top), else the profile's own. Time to
 * recover, the chart lines, k6's thresholds and the verdict all use this, so `--slo FILE`
 * changes them alike.
 */
export function sloFor(slo: SloConfig, scenario: ScenarioName, target?: string): Slo {
  const { gates } = gatesFor(slo, scenario, target ?? '');
  const own = profiles[scenario].quick.slo;
  return { p95Ms: gates.p95Ms ?? own.p95Ms, errorRate: gates.errorRate ?? own.errorRate };
}
