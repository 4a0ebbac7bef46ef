import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commandRunner } from './command-runner.ts';

test('commandRunner: the command gets exactly the given environment plus the call\'s own, never process.env', async () => {
  const run = commandRunner({ PATH: process.env['PATH'], ONLY_HERE: 'base', BOTH: 'base' });
  const print = "process.stdout.write(JSON.stringify([process.env.ONLY_HERE, process.env.BOTH, process.env.CALL, process.env.HOME ?? null]))";
  const r = await run.run(process.execPath, ['-e', print], { env: { BOTH: 'call', CALL: 'yes' } });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), ['base', 'call', 'yes', null]);
});

test('commandRunner: a missing program is exit 127, a timeout 124, never a rejection', async () => {
  const run = commandRunner({ PATH: process.env['PATH'] });
  assert.equal((await run.run('capbench-no-such-program', [])).code, 127);
  const slow = await run.run(process.execPath, ['-e', 'setTimeout(() => {}, 5000)'], { timeoutMs: 100 });
  assert.equal(slow.code, 124);
});
