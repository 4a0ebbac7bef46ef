import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeTime } from '../testing/fake-clock.ts';
import { Clock, PRE_START_MS } from './clock.ts';

describe('Clock', () => {
  it('stamps before start far below zero, then maps them to their true negative offset from load start', async () => {
    const time = new FakeTime();
    const clock = new Clock(time);
    await time.advance(2_000);
    const early = clock.nowMs();
    assert.ok(early < -PRE_START_MS / 2, `pre-start stamp ${early} is far below zero`);
    assert.equal(clock.offsetMs(early), null, 'no offset before t=0 is known');
    await time.advance(3_500);
    clock.start();
    assert.equal(clock.offsetMs(early), -3_500, 'the event happened 3.5 s before load start');
    await time.advance(1_200);
    assert.equal(clock.nowMs(), 1_200);
    assert.equal(clock.offsetMs(1_200), 1_200, 'stamps after start are already offsets');
    assert.equal(clock.offsetMs(-300), -300, 'a small negative stamp after start (an event dated back) is kept');
  });

  it('start is idempotent and gives the epoch of t=0', async () => {
    const time = new FakeTime(1_000_000);
    const clock = new Clock(time);
    await time.advance(500);
    clock.start();
    await time.advance(700);
    clock.start();
    assert.equal(clock.nowMs(), 700);
    assert.equal(clock.epochAtStart(), 1_000_500);
  });

  it('at() waits for load start, fires at its time on the run clock, and can be cancelled', async () => {
    const time = new FakeTime();
    const clock = new Clock(time);
    const fired: Array<[string, number]> = [];
    clock.at(3_000, () => fired.push(['a', clock.nowMs()]));
    const cancelB = clock.at(4_000, () => fired.push(['b', clock.nowMs()]));
    clock.at(0, () => fired.push(['zero', clock.nowMs()]));
    await time.advance(10_000);
    assert.deepEqual(fired, [], 'nothing fires before load starts, however long that takes');
    clock.start();
    await time.advance(2_999);
    assert.deepEqual(fired, [['zero', 0]]);
    cancelB();
    await time.advance(5_000);
    assert.deepEqual(fired, [['zero', 0], ['a', 3_000]]);
    assert.equal(time.pending, 0, 'no timer left behind');
  });

  it('at() for a time already passed fires on the next microtask, never inside at()', async () => {
    const time = new FakeTime();
    const clock = new Clock(time);
    clock.start();
    await time.advance(5_000);
    let fired = false;
    const cancel = clock.at(1_000, () => (fired = true));
    assert.equal(fired, false);
    await Promise.resolve();
    assert.equal(fired, true);
    cancel();
  });

  it('a timer that fires ahead of the clock is re-armed, not run early', async () => {
    let now = 0;
    const pending: Array<() => void> = [];
    // a timer source whose timers fire 1 ms early, as real timers may
    const early = { nowMs: () => now, epochMs: () => now, after: (_ms: number, fn: () => void) => (pending.push(fn), () => {}) };
    const clock = new Clock(early);
    clock.start();
    let firedAt: number | null = null;
    clock.at(1_000, () => (firedAt = clock.nowMs()));
    now = 999;
    pending.shift()!();
    assert.equal(firedAt, null, 'not at 999 ms');
    assert.equal(pending.length, 1, 're-armed');
    now = 1_000;
    pending.shift()!();
    assert.equal(firedAt, 1_000);
  });
});
