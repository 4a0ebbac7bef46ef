import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cleanupOwnedTempDirs, makeOwnedTempDir, OWNER_FILE } from './owned-temp-dirs.ts';

/** a directory as a process that has since exited made it (a SIGKILLed `npm test`) */
function madeByGoneProcess(parent: string, name: string): { dir: string; pid: number } {
  const r = spawnSync(process.execPath, ['-e', '0']);
  const dir = join(parent, name);
  mkdirSync(join(dir, 'inside'), { recursive: true });
  writeFileSync(join(dir, 'inside', 'screenshot.png'), 'x');
  writeFileSync(join(dir, OWNER_FILE), JSON.stringify({ pid: r.pid, start: '1', madeBy: 'npm test' }));
  return { dir, pid: r.pid };
}

test("cleanup removes owned directories whose maker is gone, and nothing else under $TMPDIR", () => {
  const tmp = mkdtempSync(join(tmpdir(), 'capbench-owned-test-')); // stands for $TMPDIR
  const { dir: gone, pid } = madeByGoneProcess(tmp, 'capbench-tests-abc123');
  const live = makeOwnedTempDir(tmp, 'capbench-tests-', 'npm test');
  mkdirSync(join(tmp, 'capbench-someone-else')); // the prefix alone proves nothing
  mkdirSync(join(tmp, 'capbench-runs')); // capbench's own, but not an owned temp dir: leases are judged one by one
  const foreign = join(tmp, 'other-tool');
  mkdirSync(foreign);
  writeFileSync(join(foreign, OWNER_FILE), '{}');
  const lookalike = madeByGoneProcess(tmp, 'not-capbench-dir').dir; // marker, but not our name
  symlinkSync(gone, join(tmp, 'capbench-link'));
  mkdirSync(join(tmp, 'capbench-torn'));
  writeFileSync(join(tmp, 'capbench-torn', OWNER_FILE), '{"pid": "1"');
  writeFileSync(join(tmp, 'capbench-file'), 'a file');

  assert.deepEqual(cleanupOwnedTempDirs(tmp), [`temp dir ${gone} (npm test, pid ${pid} gone): removed`]);
  assert.equal(existsSync(gone), false);
  assert.ok(existsSync(join(live, OWNER_FILE)), 'the live maker keeps its directory');
  assert.ok(existsSync(lookalike));
  assert.deepEqual(readdirSync(tmp).sort(), ['capbench-file', 'capbench-link', 'capbench-runs', 'capbench-someone-else', 'capbench-torn', live.slice(tmp.length + 1), 'not-capbench-dir', 'other-tool'].sort());
  assert.deepEqual(cleanupOwnedTempDirs(tmp), [], 'idempotent');
});

test('an owned directory must carry the capbench- prefix', () => {
  assert.throws(() => makeOwnedTempDir(tmpdir(), 'tests-', 'npm test'), /prefix must start with capbench- \(got "tests-"\)/);
});

test('no such parent: nothing to do', () => {
  assert.deepEqual(cleanupOwnedTempDirs(join(tmpdir(), 'capbench-owned-test-absent-dir')), []);
});
