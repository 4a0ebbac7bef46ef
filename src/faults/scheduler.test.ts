import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FaultSchedule } from '../../scenarios/lib/index.ts';
import { Clock, HarnessError, type PlatformEvent, type TargetCapabilities } from '../model/index.ts';
import { FakeTime, settle } from '../testing/fake-clock.ts';
import { FakeTarget } from '../testing/fake-target.ts';
import { StepLog } from '../testing/step-log.ts';
import type { FaultNotice } from './fault.ts';
import { FaultScheduler } from './scheduler.ts';

function setup(schedule: FaultSchedule[], o: { rebootDelayS?: number; caps?: (c: TargetCapabilities) => TargetCapabilities; signal?: AbortSignal } = {}) {
  const time = new FakeTime();
  const clock = new Clock(time);
  const log = new StepLog();
  const target = new FakeTarget({ log, time, ...(o.rebootDelayS === undefined ? {} : { rebootDelayS: o.rebootDelayS }) });
  const events: PlatformEvent[] = [];
  const notices: FaultNotice[] = [];
  const deferred: Array<{ name: string; recover: () => Promise<void> }> = [];
  const caps = o.caps ? o.caps(target.capabilities()) : target.capabilities();
  const scheduler = new FaultScheduler({
    clock,
    schedule,
    caps,
    targetName: 'local',
    event: (e) => events.push(e),
    notify: (n) => notices.push(n),
    deferRecovery: (name, recover) => deferred.push({ name, recover }),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  /** advance the fake time in 1 s steps, as a load driver's seconds would */
  const run = async (seconds: number): Promise<void> => {
    for (let i = 0; i < seconds; i++) await time.advance(1_000);
  };
  return { time, clock, log, target, events, notices, deferred, scheduler, run };
}

const crashAt30: FaultSchedule[] = [{ kind: 'node-crash', atS: 30, downS: 60 }];

describe('FaultScheduler', () => {
  it('fires a node crash at atS on the run clock, not before load starts, and restores it downS later', async () => {
    const s = setup(crashAt30);
    s.scheduler.arm();
    await s.run(100);
    assert.deepEqual(s.log.steps, [], 'nothing fires while load has not started');
    s.clock.start();
    await s.run(29);
    assert.deepEqual(s.log.steps, []);
    await s.run(1);
    assert.deepEqual(s.log.steps, ['crash host']);
    const w = s.scheduler.windows[0]!;
    assert.equal(w.startMs, 30_000);
    assert.equal(s.target.crashed, true);
    await s.run(60);
    assert.deepEqual(s.log.steps, ['crash host', 'restore host']);
    assert.equal(w.endMs, 90_000);
    assert.deepEqual(s.events.map((e) => [e.kind, e.atMs]), [['fault-apply', 30_000], ['fault-recover', 90_000]]);
    assert.deepEqual(s.notices.map((n) => [n.kind, n.summary]), [['applied', 'crashing node host (2 app replicas on it)'], ['ended', 'node host restored']]);
    assert.deepEqual(await s.scheduler.stop(), []);
    assert.equal(s.time.pending, 0, 'no timer left');
  });

  it("a host that reboots by itself: recovery after the target's reboot delay, stated before and after", async () => {
    const s = setup(crashAt30, { rebootDelayS: 15 });
    assert.deepEqual(s.scheduler.notesBefore(), ['host crash: the host comes back 15 s after the crash (configurable with --reboot-delay)']);
    s.scheduler.arm();
    s.clock.start();
    await s.run(45);
    assert.equal(s.scheduler.windows[0]!.endMs, 45_000);
    await s.scheduler.stop();
    assert.deepEqual(s.scheduler.notesAfter(), ['node host was restored']);
  });

  it('hands each injected fault to teardown at once; teardown recovery is idempotent', async () => {
    const s = setup(crashAt30);
    s.scheduler.arm();
    s.clock.start();
    await s.run(30);
    assert.deepEqual(s.deferred.map((d) => d.name), ['local node-crash recover'], 'recovery deferred the moment the node is down');
    await s.run(60);
    await s.deferred[0]!.recover();
    assert.equal(s.scheduler.windows[0]!.endMs, 90_000, 'the second recover keeps the first end');
    assert.deepEqual(s.log.steps, ['crash host', 'restore host', 'restore host']);
  });

  it('stop() while the node is down: no scheduled restore any more (teardown restores), no timer left', async () => {
    const s = setup(crashAt30);
    s.scheduler.arm();
    s.clock.start();
    await s.run(40);
    await s.scheduler.stop();
    await s.run(100);
    assert.deepEqual(s.log.steps, ['crash host']);
    assert.equal(s.time.pending, 0);
    assert.deepEqual(s.scheduler.notesAfter(), ['node host was NOT restored — run `npx capbench cleanup`']);
    await s.deferred[0]!.recover();
    assert.deepEqual(s.scheduler.notesAfter(), ['node host was restored']);
  });

  it('stop() before a fault is due: it never fires', async () => {
    const s = setup(crashAt30);
    s.scheduler.arm();
    s.clock.start();
    await s.run(10);
    await s.scheduler.stop();
    await s.run(100);
    assert.deepEqual(s.log.steps, []);
    assert.deepEqual(s.scheduler.windows, []);
  });

  it('Ctrl-C (the signal) cancels faults not yet fired, even before stop()', async () => {
    const ctrl = new AbortController();
    const s = setup(crashAt30, { signal: ctrl.signal });
    s.scheduler.arm();
    s.clock.start();
    await s.run(10);
    ctrl.abort();
    await s.run(100);
    assert.deepEqual(s.log.steps, []);
    assert.equal(s.time.pending, 0);
  });

  it('stop() during an injection waits for it, so its recovery reaches the teardown stack', async () => {
    let release!: () => void;
    const s = setup(crashAt30);
    s.log.when('crash host', () => new Promise<void>((r) => (release = r)));
    s.scheduler.arm();
    s.clock.start();
    await s.run(30);
    let stopped = false;
    const stopping = s.scheduler.stop().then(() => (stopped = true));
    await settle();
    assert.equal(stopped, false, 'stop waits while the crash is in progress');
    release();
    await stopping;
    assert.deepEqual(s.deferred.map((d) => d.name), ['local node-crash recover']);
    assert.equal(s.time.pending, 0, 'but schedules no restore: teardown does it');
  });

  it('a fault that cannot be injected: a failed notice, and stop() returns its error', async () => {
    const s = setup(crashAt30, { caps: (c) => ({ nodes: { ...c.nodes!, crash: async () => Promise.reject(new Error('docker kill: permission denied')) } }) });
    s.scheduler.arm();
    s.clock.start();
    await s.run(31);
    const errors = await s.scheduler.stop();
    assert.deepEqual(errors.map((e) => e.message), ['docker kill: permission denied']);
    assert.equal(s.notices.at(-1)!.kind, 'failed');
    assert.match(s.notices.at(-1)!.summary, /node-crash could not be injected: docker kill: permission denied/);
  });

  it('a rolling update ends when the rollout finishes (no scheduled recovery); stop() aborts an unfinished wait', async () => {
    const s = setup([{ kind: 'rolling-update', atS: 10 }]);
    s.scheduler.arm();
    s.clock.start();
    await s.run(20);
    const w = s.scheduler.windows[0]!;
    assert.deepEqual([w.startMs, w.endMs], [10_000, 15_000], 'the fake rollout takes 5 s');
    assert.deepEqual(s.log.steps, ['roll-out v2', 'rolled-out v2']);

    const late = setup([{ kind: 'rolling-update', atS: 10 }]);
    late.scheduler.arm();
    late.clock.start();
    await late.run(12);
    await late.scheduler.stop();
    await settle();
    assert.equal(late.scheduler.windows[0]!.endMs, undefined);
    assert.match(late.notices.at(-1)!.summary, /rollout to v2 did not finish: rollout wait aborted/);
  });

  it('check(): a scheduled fault the target cannot do is refused before the run (usage)', () => {
    const log = new StepLog();
    const t = new FakeTarget({ log, time: new FakeTime(), nodes: false });
    assert.throws(() => FaultScheduler.check(crashAt30, t.capabilities(), 'local'), (e: unknown) => e instanceof HarnessError && e.exitCode === 2 && /target local must offer the `nodes` capability/.test(e.message));
    FaultScheduler.check([{ kind: 'rolling-update', atS: 1 }], t.capabilities(), 'local');
  });
});
