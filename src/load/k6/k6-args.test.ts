import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExitCode, HarnessError } from '../../model/index.ts';
import { loadPlan } from '../../scenario/load-profile.ts';
import { checkK6Env, k6Outputs, k6RunArgs } from './k6-args.ts';
import { capacityHold } from '../../../scenarios/lib/index.ts';

const plan = loadPlan('spike', { quick: true, model: 'open', timeScale: 0.1, slo: { p95Ms: 750, errorRate: 0.02 } });
const base = { plan, baseUrl: 'http://127.0.0.1:9', ndjson: '/o/k6.ndjson', summaryExport: '/o/summary-export.json', script: '/s/spike.ts', outputs: [] };

test('k6RunArgs: the plan as -e, capbench\'s NDJSON first, the user\'s outputs beside it, the script last', () => {
  assert.deepEqual(k6RunArgs({ ...base, version: { major: 2 }, outputs: ['csv=k6.csv', 'web-dashboard'] }), [
    'run', '--quiet', '--no-color',
    '-e', 'BASE_URL=http://127.0.0.1:9',
    '-e', 'PROFILE=quick',
    '-e', 'MODEL=open',
    '-e', 'TIME_SCALE=0.1',
    '-e', 'CONNECTIONS=per-iteration',
    '-e', 'SLO_P95_MS=750',
    '-e', 'SLO_ERROR_RATE=0.02',
    '--out', 'json=/o/k6.ndjson',
    '--out', 'csv=k6.csv',
    '--out', 'web-dashboard',
    '--summary-export=/o/summary-export.json',
    '/s/spike.ts',
  ]);
});

test('k6RunArgs per major: before v2 the REST API is turned off (--address=), v2 starts none by default; --no-summary never', () => {
  for (const [major, address] of [[0, true], [1, true], [2, false], [3, false]] as const) {
    const args = k6RunArgs({ ...base, version: { major } });
    assert.equal(args.includes('--address='), address, `k6 v${major}`);
    assert.ok(!args.some((a) => a.startsWith('--address') && a !== '--address='), 'no REST API address is ever given');
    assert.ok(!args.includes('--no-summary'), 'k6 v2 rejects --no-summary');
  }
});

test('k6Outputs: K6_OUT split on commas as k6 splits it, then --k6-out flags; empty flags refused', () => {
  assert.deepEqual(k6Outputs({}), []);
  assert.deepEqual(k6Outputs({ K6_OUT: 'csv=a.csv, experimental-prometheus-rw,' }, ['web-dashboard']), ['csv=a.csv', 'experimental-prometheus-rw', 'web-dashboard']);
  for (const bad of ['', '  ', '=x']) {
    assert.throws(() => k6Outputs({}, [bad]), (e: unknown) => e instanceof HarnessError && e.exitCode === ExitCode.usage && /--k6-out: must be a k6 output/.test(e.message), JSON.stringify(bad));
  }
});

test('checkK6Env: variables that change the load or keep k6 running are refused; outputs\' settings pass', () => {
  const refused: Array<[Record<string, string>, RegExp]> = [
    [{ K6_VUS: '5' }, /K6_VUS must not be set/],
    [{ K6_DURATION: '10s' }, /K6_DURATION/],
    [{ K6_ITERATIONS: '100' }, /K6_ITERATIONS/],
    [{ K6_STAGES: '5s:10' }, /K6_STAGES/],
    [{ K6_RPS: '50' }, /caps the request rate/],
    [{ K6_MIN_ITERATION_DURATION: '1s' }, /think time/],
    [{ K6_PAUSED: 'true' }, /start paused/],
    [{ K6_LINGER: 'true' }, /not exit/],
    [{ K6_SYSTEM_TAGS: 'status,method' }, /K6_SYSTEM_TAGS must include status and expected_response .*without expected_response/],
  ];
  for (const [env, want] of refused) {
    assert.throws(() => checkK6Env(env), (e: unknown) => e instanceof HarnessError && e.exitCode === ExitCode.badConfig && want.test(e.message), JSON.stringify(env));
  }
  const passing: Array<Record<string, string>> = [
    {},
    { K6_VUS: '' },
    { K6_OUT: 'csv=x.csv', K6_WEB_DASHBOARD: 'true', K6_WEB_DASHBOARD_EXPORT: 'r.html', K6_PROMETHEUS_RW_SERVER_URL: 'http://127.0.0.1:9090/api/v1/write' },
    { K6_OTEL_EXPORTER_PROTOCOL: 'grpc', K6_SYSTEM_TAGS: 'status,expected_response,error_code,name,method' },
  ];
  for (const env of passing) assert.doesNotThrow(() => checkK6Env(env), JSON.stringify(env));
});

test('k6RunArgs: a capacity plan held at one rate (plan --verify) passes HOLD_RPS, so k6 rebuilds the same one-step profile', () => {
  const ladder = loadPlan('capacity', { quick: true, model: 'open' });
  const held = { ...ladder, profile: capacityHold(ladder.profile, 37), holdRps: 37 };
  const args = k6RunArgs({ ...base, plan: held, script: '/s/capacity.ts', version: { major: 2 } });
  const at = args.indexOf('HOLD_RPS=37');
  assert.ok(at > 0 && args[at - 1] === '-e' && at < args.indexOf('--out'), args.join(' '));
  assert.ok(!k6RunArgs({ ...base, plan: ladder, version: { major: 2 } }).some((a) => a.startsWith('HOLD_RPS')));
  assert.deepEqual(held.profile.rateStages, [{ durationS: 1, target: 37 }, { durationS: 19, target: 37 }]);
});
