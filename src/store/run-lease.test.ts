import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cleanupStaleLeases, procStartTime, runIsAlive, takeLease } from './run-lease.ts';

/** the PID of a process that has exited (a SIGKILLed harness looks like this) */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  assert.equal(r.status, 0);
  return r.pid;
}

test('cleanup removes the leases of runs whose harness is gone, says which, and keeps a live one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'capbench-lease-test-'));
  takeLease('live-run', dir);
  writeFileSync(join(dir, 'killed-run.json'), JSON.stringify({ runId: 'killed-run', pid: deadPid(), start: '1' }));
  // this PID is alive, but the start time says the lease was taken by an earlier process with the same PID
  writeFileSync(join(dir, 'reused-pid.json'), JSON.stringify({ runId: 'reused-pid', pid: process.pid, start: `${procStartTime(process.pid)}0` }));
  writeFileSync(join(dir, 'torn.json'), '{');
  assert.deepEqual(cleanupStaleLeases(dir), [
    `run lease killed-run: its harness is gone, lease ${join(dir, 'killed-run.json')} removed`,
    `run lease reused-pid: its harness is gone, lease ${join(dir, 'reused-pid.json')} removed`,
    `run lease torn: its harness is gone, lease ${join(dir, 'torn.json')} removed`,
  ]);
  assert.deepEqual(readdirSync(dir), ['live-run.json']);
  assert.equal(runIsAlive('live-run', dir), true);
  assert.deepEqual(cleanupStaleLeases(dir), [], 'idempotent');
});

test('no lease directory yet: nothing to do', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'capbench-lease-test-')), 'absent');
  assert.deepEqual(cleanupStaleLeases(dir), []);
  assert.equal(existsSync(dir), false);
});
