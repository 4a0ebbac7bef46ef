import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HarnessError } from '../model/index.ts';
import { OneAtATime, checkReplicaCount } from './replica-count.ts';

test('checkReplicaCount: an integer 1..max passes; anything else is a usage error naming the value and the limit', () => {
  for (const ok of [1, 7, 16]) checkReplicaCount('local', ok, 16);
  for (const bad of [0, -1, 17, 2.5, Number.NaN]) {
    assert.throws(
      () => checkReplicaCount('local', bad, 16),
      (e: unknown) => e instanceof HarnessError && e.exitCode === 2 && e.message === `local: replicas must be an integer 1..16 (got ${bad})` && /1 to 16/.test(e.hint ?? ''),
    );
  }
});

test('OneAtATime: calls run in order, one at a time, and a failure does not stop the next', async () => {
  const q = new OneAtATime();
  const log: string[] = [];
  let inFlight = 0;
  const job = (name: string, ms: number, fail = false) => async (): Promise<string> => {
    inFlight++;
    assert.equal(inFlight, 1, 'never two at once');
    log.push(`start ${name}`);
    await new Promise((r) => setTimeout(r, ms));
    log.push(`end ${name}`);
    inFlight--;
    if (fail) throw new Error(`${name} failed`);
    return name;
  };
  const a = q.run(job('a', 30));
  const b = q.run(job('b', 1, true));
  const c = q.run(job('c', 1));
  assert.equal(await a, 'a');
  await assert.rejects(b, /b failed/);
  assert.equal(await c, 'c');
  assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
});
