import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode, HarnessError, type LoadSecond } from '../../model/index.ts';
import { Clock } from '../../model/clock.ts';
import { loadPlan } from '../../scenario/load-profile.ts';
import { K6Driver, type K6DriverOptions } from './k6-driver.ts';
import { writeFakeK6 } from '../../testing/fake-k6.ts';
import { findK6 } from './find-k6.ts';

const fixtures = fileURLToPath(new URL('../../../test/fixtures/k6/', import.meta.url));
const scenariosDir = fileURLToPath(new URL('../../../scenarios/', import.meta.url));
const plan = loadPlan('spike', { quick: true, model: 'closed', timeScale: 0.1, slo: { p95Ms: 750, errorRate: 0.02 } });

interface Setup {
  dir: string;
  outDir: string;
  argsFile: string;
  linesFile: string;
  /** http_req_duration lines among the lines the fake writes */
  requests: number;
  driver: (mode: string, extra?: Partial<K6DriverOptions>) => K6Driver;
}

/** Fake k6 + the first `n` lines of the recorded fixture for it to replay. */
const temps: string[] = [];
after(() => Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))));

async function setup(n = 200): Promise<Setup> {
  const dir = await mkdtemp(path.join(tmpdir(), 'capbench-k6-driver-'));
  temps.push(dir);
  const bin = await writeFakeK6(dir);
  const lines = (await readFile(path.join(fixtures, 'k6-output.jsonl'), 'utf8')).split('\n').filter((l) => l !== '').slice(0, n);
  const linesFile = path.join(dir, 'lines.ndjson');
  await writeFile(linesFile, `${lines.join('\n')}\n`);
  const argsFile = path.join(dir, 'args.ndjson');
  const requests = lines.filter((l) => JSON.parse(l).type === 'Point' && JSON.parse(l).metric === 'http_req_duration').length;
  return {
    dir,
    outDir: path.join(dir, 'out'),
    argsFile,
    linesFile,
    requests,
    driver: (mode, extra = {}) => {
      const env = {
        ...process.env,
        K6_BIN: bin,
        FAKE_K6_MODE: mode,
        FAKE_K6_LINES: linesFile,
        FAKE_K6_ARGS: argsFile,
        FAKE_K6_SUMMARY: path.join(fixtures, 'summary-export.json'),
      };
      return new K6Driver({ env, findK6: () => findK6({ env }), pollMs: 20, ...extra });
    },
  };
}

function runOpts(s: Setup, signal: AbortSignal = new AbortController().signal) {
  const seconds: LoadSecond[] = [];
  const clock = new Clock();
  return {
    seconds,
    clock,
    opts: {
      plan,
      baseUrl: 'http://127.0.0.1:9',
      clock,
      signal,
      onSecond: (x: LoadSecond) => seconds.push(x),
      outDir: s.outDir,
    },
  };
}

async function calls(file: string): Promise<string[][]> {
  return (await readFile(file, 'utf8')).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as string[]);
}

test('exit 99 (thresholds crossed) is a result: streamed points recorded, summary export kept, args as documented', async () => {
  const s = await setup();
  const { opts, seconds, clock } = runOpts(s);
  const r = await s.driver('thresholds').run(opts);
  assert.equal(r.interrupted, false);
  assert.equal(r.summary['thresholdsCrossed'], true);
  assert.equal(r.summary['exitCode'], 99);
  assert.equal(r.summary['timeScale'], 0.1);
  assert.equal(r.summary['requests'], s.requests);
  assert.equal(seconds.reduce((n, x) => n + x.requests, 0), s.requests);
  assert.ok(s.requests > 0);
  assert.deepEqual(r.warnings, []);
  assert.ok(clock.started);
  seconds.forEach((x, i) => assert.equal(x.t, i));
  assert.equal(r.durationS, seconds.length);
  const exported = JSON.parse(await readFile(path.join(fixtures, 'summary-export.json'), 'utf8')) as unknown;
  assert.deepEqual(r.summary['summaryExport'], exported);
  assert.ok((await stat(path.join(s.outDir, 'k6.ndjson'))).size > 0);

  const run = (await calls(s.argsFile)).find((a) => a[0] === 'run');
  assert.ok(run);
  assert.deepEqual(run, [
    'run', '--quiet', '--no-color',
    '-e', 'BASE_URL=http://127.0.0.1:9',
    '-e', 'PROFILE=quick',
    '-e', 'MODEL=closed',
    '-e', 'TIME_SCALE=0.1',
    '-e', 'SLO_P95_MS=750',
    '-e', 'SLO_ERROR_RATE=0.02',
    '--out', `json=${path.join(s.outDir, 'k6.ndjson')}`,
    `--summary-export=${path.join(s.outDir, 'summary-export.json')}`,
    path.join(scenariosDir, 'spike.ts'),
  ]);
});

test('exit 0 is a plain result', async () => {
  const s = await setup(60);
  const { opts } = runOpts(s);
  const r = await s.driver('ok').run(opts);
  assert.equal(r.summary['thresholdsCrossed'], false);
  assert.equal(r.summary['requests'], s.requests);
  assert.equal(r.interrupted, false);
});

test('any other exit is a HarnessError carrying the last stderr lines', async () => {
  const s = await setup();
  const { opts } = runOpts(s);
  await assert.rejects(s.driver('script-error').run(opts), (e: unknown) => {
    assert.ok(e instanceof HarnessError);
    assert.equal(e.exitCode, ExitCode.internal);
    assert.match(e.message, /code 107 \(script exception\)/);
    assert.match(e.message, /script error/);
    assert.match(e.message, /noise 24/);
    assert.doesNotMatch(e.message, /noise 5\n/, 'only the last ~20 lines');
    assert.match(e.hint ?? '', /k6-stderr\.log/);
    return true;
  });
});

test('abort → SIGINT; k6 flushes and exits 105; what was measured is kept, interrupted: true', async () => {
  const s = await setup();
  const ac = new AbortController();
  const { opts, seconds } = runOpts(s, ac.signal);
  const running = s.driver('sigint').run(opts);
  await new Promise((r) => setTimeout(r, 400));
  ac.abort();
  const r = await running;
  assert.equal(r.interrupted, true);
  assert.equal(r.summary['exitCode'], 105);
  // the second half was written in response to SIGINT: it must be read too
  assert.equal(seconds.reduce((n, x) => n + x.requests, 0), s.requests);
});

test('k6 that ignores SIGINT is killed after the grace period; still a result', async () => {
  const s = await setup();
  const ac = new AbortController();
  const { opts, seconds } = runOpts(s, ac.signal);
  const running = s.driver('deaf', { killGraceMs: 200 }).run(opts);
  await new Promise((r) => setTimeout(r, 400));
  const t = Date.now();
  ac.abort();
  const r = await running;
  assert.ok(Date.now() - t >= 150);
  assert.equal(r.interrupted, true);
  assert.equal(r.summary['exitSignal'], 'SIGKILL');
  assert.ok(seconds.reduce((n, x) => n + x.requests, 0) > 0);
  assert.ok(r.warnings.some((w) => w.includes('no summary export')));
});

test('version() and the default warm-up (k6 with WARMUP=1, nothing recorded)', async () => {
  const s = await setup(20);
  const d = s.driver('ok');
  assert.equal(await d.version(), 'k6 v1.3.0 (go1.23.5, linux/amd64)');
  await d.warmUp({ plan, baseUrl: 'http://127.0.0.1:9', signal: new AbortController().signal });
  const warm = (await calls(s.argsFile)).find((a) => a[0] === 'run');
  assert.ok(warm);
  assert.ok(warm.includes('WARMUP=1'));
  assert.ok(!warm.includes('--out'));
  let delegated = false;
  await s.driver('ok', { warmUp: async () => { delegated = true; } }).warmUp({ plan, baseUrl: 'x', signal: new AbortController().signal });
  assert.ok(delegated);
});
