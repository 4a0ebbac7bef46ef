/**
 * The k6 command line and environment of a capbench run, for each k6 major (read from
 * k6's sources at v1.3.0 and v2.2.0, internal/cmd):
 *  - REST API: k6 < v2 starts it on localhost:6565 by default (and only warns when the port
 *    is taken); k6 v2 starts it only when `--address` is given. capbench uses no REST API,
 *    so before v2 `--address=` (empty) turns it off; on v2 nothing is passed.
 *  - Summary: `--no-summary` is gone in v2. capbench keeps k6's end-of-test summary (it goes
 *    to k6-stdout.log) and its `--summary-export`, which both majors write.
 *  - `k6 pause/resume/scale/status` are gone in v2; capbench never used them.
 * Exit codes are the same on both (errext/exitcodes): see K6_EXIT_CODES.
 *
 * Outputs: k6 replaces K6_OUT (and a config file's `out`) with the `--out` flags when any is
 * given, and capbench always gives its own `--out json=…`. So K6_OUT is read here and turned
 * into `--out` flags beside capbench's, and the user's outputs run next to the NDJSON stream
 * capbench reads instead of silently disappearing.
 */
import { HarnessError } from '../../model/index.ts';
import type { LoadPlan } from '../../scenario/load-profile.ts';
import type { K6Version } from './find-k6.ts';

/** k6's exit codes (go.k6.io/k6/errext/exitcodes, the same in v1.3.0 and v2.2.0), for messages. */
export const K6_EXIT_CODES: Readonly<Record<number, string>> = {
  97: 'cloud test run failed',
  98: 'cloud progress failed',
  99: 'thresholds crossed',
  100: 'setup timeout',
  101: 'teardown timeout',
  102: 'generic timeout',
  103: 'script stopped from the REST API',
  104: 'invalid config',
  105: 'external abort (signal)',
  106: 'cannot start REST API',
  107: 'script exception',
  108: 'script aborted',
  109: 'Go panic',
  110: 'marked as failed',
};

/**
 * `-e` arguments that make the k6 entry file rebuild exactly the plan's profile:
 * PROFILE/TIME_SCALE/MODEL select it from scenarios/lib, CONNECTIONS how users hold
 * connections, SLO_* set its thresholds, FROM_STEP starts the capacity ladder higher up, HOLD_RPS holds it at one rate.
 */
export function k6PlanEnv(plan: LoadPlan, baseUrl: string): string[] {
  return [
    '-e', `BASE_URL=${baseUrl}`,
    '-e', `PROFILE=${plan.variant}`,
    '-e', `MODEL=${plan.model}`,
    '-e', `TIME_SCALE=${plan.timeScale}`,
    '-e', `CONNECTIONS=${plan.connections}`,
    '-e', `SLO_P95_MS=${plan.slo.p95Ms}`,
    '-e', `SLO_ERROR_RATE=${plan.slo.errorRate}`,
    ...(plan.fromStep === undefined ? [] : ['-e', `FROM_STEP=${plan.fromStep}`]),
    ...(plan.holdRps === undefined ? [] : ['-e', `HOLD_RPS=${plan.holdRps}`]),
  ];
}

export interface K6RunArgsOptions {
  version: Pick<K6Version, 'major'>;
  plan: LoadPlan;
  baseUrl: string;
  /** capbench's NDJSON stream */
  ndjson: string;
  summaryExport: string;
  /** the scenario's k6 entry file */
  script: string;
  /** the user's extra outputs (k6Outputs), each passed as `--out X` */
  outputs: readonly string[];
}

/** `k6 run …` for a measured run on this k6 version. */
export function k6RunArgs(o: K6RunArgsOptions): string[] {
  return [
    'run', '--quiet', '--no-color',
    ...(o.version.major < 2 ? ['--address='] : []),
    ...k6PlanEnv(o.plan, o.baseUrl),
    '--out', `json=${o.ndjson}`,
    ...o.outputs.flatMap((x) => ['--out', x]),
    `--summary-export=${o.summaryExport}`,
    o.script,
  ];
}

/**
 * The user's extra k6 outputs: K6_OUT (comma-separated, as k6 itself splits it) first, then
 * each `--k6-out`. Throws HarnessError (usage) on an empty entry.
 */
export function k6Outputs(env: NodeJS.ProcessEnv, flags: readonly string[] = []): string[] {
  const fromEnv = (env['K6_OUT'] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const f of flags) {
    if (f.trim() === '' || f.startsWith('=')) {
      throw new HarnessError(`--k6-out: must be a k6 output like \`csv=out.csv\` or \`experimental-prometheus-rw\` (got ${JSON.stringify(f)})`, {
        code: 'usage',
        hint: 'k6 run --help lists the outputs; e.g. --k6-out web-dashboard --k6-out csv=k6.csv',
      });
    }
  }
  return [...fromEnv, ...flags.map((f) => f.trim())];
}

/** k6's default system tags include these; without them k6's NDJSON cannot tell a failed request. */
const NEEDED_SYSTEM_TAGS = ['status', 'expected_response'] as const;

/** K6_* variables that would change the load capbench measures, or keep k6 from ending. */
const REFUSED_ENV: Readonly<Record<string, string>> = {
  K6_VUS: "it replaces the scenario's load shape",
  K6_DURATION: "it replaces the scenario's load shape",
  K6_ITERATIONS: "it replaces the scenario's load shape",
  K6_STAGES: "it replaces the scenario's load shape",
  K6_RPS: 'it caps the request rate below what the scenario asks for',
  K6_MIN_ITERATION_DURATION: "it changes the scenario's think time",
  K6_PAUSED: 'k6 would start paused and wait for a resume that never comes',
  K6_LINGER: 'k6 would not exit after the load',
};

/**
 * Throws HarnessError (badConfig) when k6's environment sets a variable that would change
 * what capbench measures. Every other K6_* variable (outputs' settings, K6_WEB_DASHBOARD,
 * K6_PROMETHEUS_RW_*, K6_OTEL_*, …) passes through to k6 unchanged.
 */
export function checkK6Env(env: NodeJS.ProcessEnv): void {
  for (const [name, why] of Object.entries(REFUSED_ENV)) {
    const v = env[name];
    if (v === undefined || v === '') continue;
    throw new HarnessError(`k6 driver: environment variable ${name} must not be set for a capbench run (got ${JSON.stringify(v)}): ${why}`, {
      code: 'badConfig',
      hint: `unset ${name} (the scenario's profile in scenarios/lib sets the load; --time-scale scales it)`,
    });
  }
  const tags = env['K6_SYSTEM_TAGS'];
  if (tags !== undefined && tags !== '') {
    const set = new Set(tags.split(',').map((s) => s.trim()));
    const missing = NEEDED_SYSTEM_TAGS.filter((t) => !set.has(t));
    if (missing.length > 0) {
      throw new HarnessError(`k6 driver: K6_SYSTEM_TAGS must include ${NEEDED_SYSTEM_TAGS.join(' and ')} (got ${JSON.stringify(tags)}, without ${missing.join(', ')})`, {
        code: 'badConfig',
        hint: `add ${missing.join(',')} to K6_SYSTEM_TAGS, or unset it`,
      });
    }
  }
}
