/**
 * Ctrl-C at each phase of a run, on fakes: probe, deploy, warm-up, load, while a node is
 * down, and a second Ctrl-C during teardown. Whatever the phase: the run ends `interrupted`
 * and saved, everything set up is torn down, a crashed node is restored.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { settle } from '../testing/fake-clock.ts';
import { fakeRun } from '../testing/fake-run.ts';

const SIGINT = 'interrupted by SIGINT';

describe('Ctrl-C at each phase (fakes)', () => {
  it('during probe: nothing is deployed; the run is saved as interrupted with no leg', async () => {
    const f = fakeRun();
    f.log.when('probe', () => f.interrupt.trigger(SIGINT));
    const { record, saved } = await f.run();
    assert.equal(record.status, 'interrupted');
    assert.equal(record.reason, SIGINT);
    assert.deepEqual(record.targets, []);
    assert.deepEqual(f.log.milestones(), ['probe', 'leftovers']);
    assert.equal(saved.record.status, 'interrupted', 'run.json on disk says so');
  });

  it('during deploy: the target is torn down, no sampler, no load; the leg is interrupted, not failed', async () => {
    const f = fakeRun();
    f.log.when('deploy', () => f.interrupt.trigger(SIGINT));
    const { record, firstError } = await f.run();
    assert.equal(firstError, null);
    assert.deepEqual(f.log.milestones(), ['probe', 'leftovers', 'deploy', 'teardown']);
    assert.equal(f.targets.get('local')!.deployed?.signal.aborted, true, 'deploy got the Ctrl-C signal');
    assert.deepEqual(record.targets.map((t) => [t.status, t.error]), [['interrupted', undefined]]);
    assert.equal(record.status, 'interrupted');
  });

  it('during warm-up: no load; sampler and target torn down; early events kept relative to where it stopped', async () => {
    const f = fakeRun();
    f.log.when('warm-up', () => f.interrupt.trigger(SIGINT));
    const { record, saved } = await f.run();
    assert.deepEqual(f.log.milestones(), ['probe', 'leftovers', 'deploy', 'sampler.start', 'warm-up', 'sampler.stop', 'teardown']);
    assert.equal(record.targets[0]!.status, 'interrupted');
    assert.deepEqual(saved.series.local!.load, []);
    assert.deepEqual(saved.series.local!.events.map((e) => [e.kind, e.atMs]), [['replica-ready', 0]], 'no sentinel stamp on disk');
  });

  it('during load, before the fault: the fault never fires; load stops, partial series kept; the next target never starts', async () => {
    const f = fakeRun({ targets: 'local,compose' });
    f.log.when('second 2', () => f.interrupt.trigger(SIGINT));
    const { record, saved } = await f.run();
    const steps = f.log.milestones();
    assert.ok(!steps.includes('local: crash host'), 'no crash after Ctrl-C');
    assert.deepEqual(steps.slice(-3), ['load.end', 'local: sampler.stop', 'local: teardown']);
    assert.ok(!steps.some((s) => s.startsWith('compose: deploy')), 'compose never deployed');
    assert.deepEqual(record.targets.map((t) => [t.name, t.status, t.durationS]), [['local', 'interrupted', 3]]);
    assert.equal(saved.series.local!.load.length, 3);
    assert.equal(f.time.pending, 0, 'no fault or sampler timer left armed');
  });

  it('while the node is down: load stops, the node is restored before the sampler stops and the target goes', async () => {
    const f = fakeRun();
    f.log.when('second 8', () => f.interrupt.trigger(SIGINT));
    const { record } = await f.run();
    assert.deepEqual(f.log.milestones().slice(-5), ['crash host', 'load.end', 'restore host', 'sampler.stop', 'teardown']);
    const local = record.targets[0]!;
    assert.equal(local.status, 'interrupted');
    assert.equal(local.faults[0]!.startMs, 6_000);
    assert.ok(local.faults[0]!.endMs !== undefined && local.faults[0]!.endMs >= 9_000, 'the window ends at the teardown restore');
    assert.deepEqual(local.notes, ['node host was restored']);
    assert.equal(f.targets.get('local')!.crashed, false);
  });

  it('while the node is being crashed: teardown waits for the crash to finish, then restores the node', async () => {
    const f = fakeRun();
    f.log.when('crash host', async () => {
      f.interrupt.trigger(SIGINT);
      // the crash is still in progress when the load has stopped and the leg wants to tear down
      for (let i = 0; i < 100 && !f.log.steps.includes('load.end'); i++) await settle();
      assert.ok(f.log.steps.includes('load.end'));
    });
    const { record } = await f.run();
    assert.deepEqual(f.log.milestones().slice(-5), ['crash host', 'load.end', 'restore host', 'sampler.stop', 'teardown']);
    assert.deepEqual(record.targets[0]!.notes, ['node host was restored']);
    assert.equal(f.targets.get('local')!.crashed, false);
  });

  it('a second Ctrl-C during teardown: the rest of teardown is fast, and the node is still restored', async () => {
    const f = fakeRun();
    f.log.when('second 8', () => f.interrupt.trigger(SIGINT));
    f.log.when('restore host', () => f.interrupt.trigger(SIGINT));
    const { record } = await f.run();
    assert.equal(f.interrupt.fast, true);
    assert.deepEqual(f.log.milestones().slice(-4), ['load.end', 'restore host', 'sampler.stop', 'teardown (fast)']);
    assert.equal(f.targets.get('local')!.crashed, false, 'restored although teardown was fast');
    assert.equal(record.status, 'interrupted');
    assert.ok(f.events.some((e) => e.kind === 'teardown' && e.fast));
  });
});
