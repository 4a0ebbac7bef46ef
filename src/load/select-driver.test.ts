import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ExitCode, HarnessError } from '../model/index.ts';
import { writeFakeK6 } from '../testing/fake-k6.ts';
import { selectDriver } from './select-driver.ts';

const temps: string[] = [];
after(() => Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))));

async function envs(): Promise<{ withK6: NodeJS.ProcessEnv; without: NodeJS.ProcessEnv; bin: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'capbench-select-driver-'));
  temps.push(dir);
  const bin = await writeFakeK6(dir);
  const without = { PATH: path.join(dir, 'empty'), CAPBENCH_K6_CACHE: path.join(dir, 'no-cache') };
  return { withK6: { ...without, K6_BIN: bin }, without, bin };
}

function select(choice: string, env: NodeJS.ProcessEnv, k6Outputs: string[] = []) {
  const log: string[] = [];
  return { log, driver: selectDriver(choice, { harnessVersion: 'test', env, log: (l) => log.push(l), k6Outputs }) };
}

async function rejects(p: Promise<unknown>, code: number, message: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof HarnessError && e.exitCode === code && message.test(e.message));
}

test('auto: k6 when found, said with its version, path and where it came from (and the user\'s outputs)', async () => {
  const { withK6, bin } = await envs();
  const s = select('auto', { ...withK6, K6_OUT: 'experimental-prometheus-rw' }, ['csv=k6.csv']);
  assert.equal((await s.driver).name, 'k6');
  assert.deepEqual(s.log, [`driver: k6 (k6 v1.3.0 (go1.23.5, linux/amd64) at ${bin}, from K6_BIN); your k6 outputs: experimental-prometheus-rw, csv=k6.csv`]);
});

test('auto without k6: the builtin driver, saying why', async () => {
  const { without } = await envs();
  const s = select('auto', without);
  assert.equal((await s.driver).name, 'builtin');
  assert.match(s.log[0]!, /^driver: builtin \(k6 not used: find-k6: k6 must be installed/);
});

test('refused before anything starts: --k6-out without k6, k6 asked for but missing, a K6_* that changes the load, an unknown driver', async () => {
  const { withK6, without } = await envs();
  await rejects(select('builtin', withK6, ['csv=x.csv']).driver, ExitCode.usage, /--k6-out: must go with the k6 driver \(got --driver builtin\)/);
  await rejects(select('auto', without, ['csv=x.csv']).driver, ExitCode.usage, /--k6-out: must go with the k6 driver \(got no usable k6: find-k6/);
  await rejects(select('k6', without).driver, ExitCode.missingEnvironment, /k6 must be installed/);
  await rejects(select('auto', { ...withK6, K6_DURATION: '5s' }).driver, ExitCode.badConfig, /K6_DURATION must not be set/);
  await rejects(select('wrk', withK6).driver, ExitCode.usage, /unknown driver "wrk"; valid: auto, k6, builtin/);
  // the builtin driver ignores K6_* variables: they are k6's
  assert.equal((await select('builtin', { ...withK6, K6_DURATION: '5s' }).driver).name, 'builtin');
});
