import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { cleanupLocal, listLocalLeftovers, parentPid, writeLocalState } from './leftovers.ts';

const children: ChildProcess[] = [];
after(() => children.forEach((c) => c.kill('SIGKILL')));

/** a process of run `runId`, as the local target starts them (CAPBENCH_RUN_ID in its environment) */
function ours(runId: string): ChildProcess {
  const c = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { env: { CAPBENCH_RUN_ID: runId }, stdio: 'ignore' });
  children.push(c);
  return c;
}

test('parentPid reads /proc: this test is the parent of its child; a gone pid has none', async () => {
  const c = ours('x');
  await sleep(50);
  assert.equal(parentPid(c.pid!), process.pid);
  c.kill('SIGKILL');
  await new Promise((r) => c.once('exit', r));
  assert.equal(parentPid(c.pid!), null);
});

test('a run whose harness still parents its processes is no leftover; an orphaned one is, and cleanup kills it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'capbench-local-test-'));
  const live = ours('live-run');
  const orphan = ours('dead-run');
  const notOurs = ours('someone-else');
  await sleep(50);
  writeLocalState({ runId: 'live-run', pids: [live.pid!], harnessPid: process.pid }, dir);
  // the recorded harness (pid 1 here) is not the parent any more: the kernel re-parented them
  writeLocalState({ runId: 'dead-run', pids: [orphan.pid!, notOurs.pid!], harnessPid: 1 }, dir);
  writeFileSync(join(dir, 'garbage.json'), '{');
  assert.deepEqual(listLocalLeftovers(dir), [{ runId: 'dead-run', pids: [orphan.pid!] }], 'a process without the run id in its environment is never ours');
  const done = cleanupLocal(() => false, dir);
  assert.deepEqual(done, [`local run dead-run: killed ${orphan.pid}`]);
  await new Promise((r) => (orphan.exitCode !== null || orphan.signalCode !== null ? r(null) : orphan.once('exit', r)));
  assert.equal(orphan.signalCode, 'SIGKILL');
  assert.equal(existsSync(join(dir, 'dead-run.json')), false);
  assert.equal(live.exitCode, null, 'the live run is untouched');
  assert.equal(notOurs.exitCode, null);
});

test('a state file whose processes are all gone is removed quietly', () => {
  const dir = mkdtempSync(join(tmpdir(), 'capbench-local-test-'));
  writeLocalState({ runId: 'old', pids: [2 ** 22 + 12345], harnessPid: 1 }, dir);
  assert.deepEqual(listLocalLeftovers(dir), []);
  assert.equal(existsSync(join(dir, 'old.json')), false);
});

/** until the child has exec'd (its environment names its run): before that /proc shows ours */
async function execd(c: ChildProcess, runId: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (readFileSync(`/proc/${c.pid}/environ`, 'utf8').includes(`CAPBENCH_RUN_ID=${runId}`)) return;
    await sleep(20);
  }
  assert.fail(`child ${c.pid} never showed CAPBENCH_RUN_ID=${runId}`);
}

test('cleanup removes the app logs of ended runs, never a live run\'s: one with a state file, or whose harness holds its lease', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'capbench-local-test-'));
  for (const id of ['ended', 'starting', 'running']) writeFileSync(join(dir, `${id}.log`), 'app output\n');
  // "running": its processes are ours and parented by this harness, so its state file stays
  const live = ours('running');
  await execd(live, 'running');
  writeLocalState({ runId: 'running', pids: [live.pid!], harnessPid: process.pid }, dir);
  const asked: string[] = [];
  // "starting" opened its log but has not written its state file yet; its harness holds the lease
  const done = cleanupLocal((runId) => (asked.push(runId), runId === 'starting'), dir);
  assert.deepEqual(done, [`local run ended: app log ${join(dir, 'ended.log')} removed`]);
  assert.equal(existsSync(join(dir, 'ended.log')), false);
  assert.equal(existsSync(join(dir, 'starting.log')), true, 'a live harness keeps its log');
  assert.equal(existsSync(join(dir, 'running.log')), true, 'a run with a state file keeps its log');
  assert.deepEqual(asked.sort(), ['ended', 'starting'], 'the lease is asked only where no state file decides');
  assert.deepEqual(cleanupLocal(() => true, dir), [], 'idempotent: nothing more to remove');
});
