/**
 * K6Driver on a fake k6, for what real k6 cannot be made to do (ignore SIGINT), and the
 * driver's checks before k6 starts. Everything else runs on real k6 v1 and v2 in
 * test/k6-driver.test.ts.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode, HarnessError, type LoadSecond } from '../../model/index.ts';
import { Clock } from '../../model/clock.ts';
import { loadPlan } from '../../scenario/load-profile.ts';
import { writeFakeK6 } from '../../testing/fake-k6.ts';
import { findK6 } from './find-k6.ts';
import { K6Driver } from './k6-driver.ts';

const fixtures = fileURLToPath(new URL('../../../test/fixtures/k6/', import.meta.url));
const plan = loadPlan('spike', { quick: true, model: 'closed', timeScale: 0.1, slo: { p95Ms: 750, errorRate: 0.02 } });
const noWarmUp = async (): Promise<void> => {};

const temps: string[] = [];
after(() => Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))));

test('k6 that ignores SIGINT is SIGKILLed after the grace period; what it wrote is still the result', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'capbench-k6-driver-'));
  temps.push(dir);
  const bin = await writeFakeK6(dir);
  const lines = (await readFile(path.join(fixtures, 'k6-output.jsonl'), 'utf8')).split('\n').filter((l) => l !== '').slice(0, 100);
  const linesFile = path.join(dir, 'lines.ndjson');
  await writeFile(linesFile, `${lines.join('\n')}\n`);
  const requests = lines.filter((l) => l.startsWith('{"metric":"http_req_duration","type":"Point"')).length;
  assert.ok(requests > 0);
  const env = { ...process.env, K6_BIN: bin, FAKE_K6_LINES: linesFile };
  const driver = new K6Driver({ env, findK6: () => findK6({ env }), pollMs: 20, killGraceMs: 200, warmUp: noWarmUp });
  const ac = new AbortController();
  const seconds: LoadSecond[] = [];
  const outDir = path.join(dir, 'out');
  const running = driver.run({ plan, baseUrl: 'http://127.0.0.1:9', clock: new Clock(), signal: ac.signal, onSecond: (s) => seconds.push(s), outDir });
  // abort once the fake has written its lines (it ignores SIGINT from its first line on)
  const ndjson = path.join(outDir, 'k6.ndjson');
  for (let i = 0; i < 200 && !(await stat(ndjson).then((x) => x.size > 0, () => false)); i++) await new Promise((r) => setTimeout(r, 50));
  const t = Date.now();
  ac.abort();
  const r = await running;
  assert.ok(Date.now() - t >= 150, 'waited for the grace period');
  assert.equal(r.interrupted, true);
  assert.equal(r.summary['exitSignal'], 'SIGKILL');
  assert.equal(seconds.reduce((n, x) => n + x.requests, 0), requests);
  assert.ok(r.warnings.some((w) => w.includes('no summary export')), r.warnings.join('\n'));
  const saved = JSON.parse(await readFile(path.join(outDir, 'k6-result.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(saved['exitSignal'], 'SIGKILL');
  assert.equal(saved['exitMeaning'], 'signal SIGKILL');
  assert.equal(saved['stoppedByCapbench'], true);
});

test('the generator-health feed gets the k6 process pid at spawn, after t=0 is set', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'capbench-k6-driver-'));
  temps.push(dir);
  const bin = await writeFakeK6(dir);
  const env = { ...process.env, K6_BIN: bin };
  const driver = new K6Driver({ env, findK6: () => findK6({ env }), pollMs: 20, killGraceMs: 100, warmUp: noWarmUp });
  const ac = new AbortController();
  const clock = new Clock();
  const seen: Array<{ pid: number; started: boolean; cmdline: string }> = [];
  const health = {
    inFlightGauge: () => assert.fail('the k6 driver has no in-flight gauge'),
    generatorPid: (pid: number) => {
      seen.push({ pid, started: clock.started, cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8') });
      ac.abort();
    },
  };
  await driver.run({ plan, baseUrl: 'http://127.0.0.1:9', clock, signal: ac.signal, onSecond: () => {}, outDir: path.join(dir, 'out'), health });
  assert.equal(seen.length, 1);
  assert.equal(seen[0]!.started, true);
  assert.ok(seen[0]!.cmdline.split('\0').includes(bin), `pid ${seen[0]!.pid} runs ${seen[0]!.cmdline}`);
});

test('warm-up is the function given (selectDriver: the builtin driver); nothing of k6 starts', async () => {
  let called = 0;
  const d = new K6Driver({ env: {}, findK6: () => Promise.reject(new Error('k6 must not be looked up')), warmUp: async () => { called++; } });
  await d.warmUp({ plan, baseUrl: 'http://127.0.0.1:9', signal: new AbortController().signal });
  assert.equal(called, 1);
});

test('a K6_* variable that would change the load is refused before k6 starts', () => {
  assert.throws(() => new K6Driver({ env: { K6_VUS: '10' }, warmUp: noWarmUp }), (e: unknown) => {
    assert.ok(e instanceof HarnessError);
    assert.equal(e.exitCode, ExitCode.badConfig);
    assert.match(e.message, /K6_VUS must not be set.*"10".*load shape/);
    assert.match(e.hint ?? '', /unset K6_VUS/);
    return true;
  });
  assert.throws(() => new K6Driver({ env: {}, outputs: [''], warmUp: noWarmUp }), /--k6-out: must be a k6 output/);
});
