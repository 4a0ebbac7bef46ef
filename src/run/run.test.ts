/**
 * The orchestrator on fakes (src/testing/fake-run.ts): no process, port or sleep — fault
 * timing, teardown order, series on disk and progress events, in milliseconds.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { HarnessError } from '../model/index.ts';
import { fakeRun } from '../testing/fake-run.ts';

describe('runScenario on fakes', () => {
  it('node crash: fires at atS on the run clock, restored downS later, then teardown newest first', async () => {
    const f = fakeRun();
    const { record, saved, firstError } = await f.run();
    assert.equal(firstError, null);
    assert.equal(record.status, 'completed');
    assert.equal(saved.record.connections, 'per-iteration', 'run.json records the connection model');
    assert.deepEqual(f.log.milestones(), [
      'probe', 'leftovers', 'deploy', 'sampler.start', 'warm-up', 'load.start',
      'crash host', 'restore host', 'load.end',
      // teardown: the fault's recovery (idempotent), then the sampler, then the target
      'restore host', 'sampler.stop', 'teardown',
    ]);
    const at = (step: string): number => f.log.steps.indexOf(step);
    assert.ok(at('second 4') < at('crash host') && at('crash host') < at('second 5'), 'crash during second 5 (t = 6 s)');
    assert.ok(at('second 26') < at('restore host') && at('restore host') < at('second 27'), 'restored during second 27 (t = 28 s)');
    const local = record.targets[0]!;
    assert.equal(local.status, 'completed');
    assert.deepEqual(local.faults.map((w) => [w.kind, w.subject, w.startMs, w.endMs]), [['node-crash', 'host', 6_000, 28_000]]);
    assert.deepEqual(local.notes, ['node host was restored']);
    assert.equal(local.durationS, 36);
    assert.equal(saved.series.local!.load.length, 36);
    const platform = saved.series.local!.platform;
    assert.deepEqual([5, 6, 27, 28].map((t) => platform.find((p) => p.t === t)?.readyReplicas), [2, 0, 0, 2], 'the sampler saw the host down from 6 s to 28 s');
    assert.equal(local.figures!.minReadyReplicas, 0);
  });

  it('a host that reboots by itself: the reboot delay is stated and drives recovery', async () => {
    const f = fakeRun({ target: { local: { rebootDelayS: 3 } } });
    const { record } = await f.run();
    const local = record.targets[0]!;
    assert.deepEqual(local.faults.map((w) => [w.startMs, w.endMs]), [[6_000, 9_000]]);
    assert.deepEqual(local.notes, ['host crash: the host comes back 3 s after the crash (configurable with --reboot-delay)', 'node host was restored']);
  });

  it('platform events before load start carry their true negative offset from load start (not the clock sentinel)', async () => {
    const f = fakeRun();
    const { saved } = await f.run();
    const events = saved.series.local!.events;
    // the fake sampler reports a replica ready when it starts, before the 2 s warm-up
    assert.deepEqual(events[0], { atMs: -2_000, kind: 'replica-ready', subject: 'local-1' });
    assert.deepEqual(events.slice(1).map((e) => [e.kind, e.atMs]), [['fault-apply', 6_000], ['fault-recover', 28_000]]);
    assert.doesNotMatch(readFileSync(join(saved.dir, 'targets/local/events.ndjson'), 'utf8'), /-99999/);
  });

  it('each leg runs on its own clock: both targets crash 6 s into their own load, one after the other', async () => {
    const f = fakeRun({ targets: 'local,compose' });
    const { record } = await f.run();
    assert.deepEqual(record.targets.map((t) => [t.name, t.status, t.faults[0]?.startMs, t.faults[0]?.endMs]), [['local', 'completed', 6_000, 28_000], ['compose', 'completed', 6_000, 28_000]]);
    const steps = f.log.milestones();
    assert.ok(steps.indexOf('local: teardown') < steps.indexOf('compose: deploy'), 'one leg at a time');
  });

  it('progress: typed events in order, every load second once, fault notices', async () => {
    const f = fakeRun();
    await f.run();
    const kinds = f.events.map((e) => e.kind).filter((k, i, a) => k !== a[i - 1]);
    assert.deepEqual(kinds.slice(0, 7), ['run-start', 'leg-start', 'deploying', 'deploy-progress', 'ready', 'warm-up', 'load-start']);
    assert.deepEqual(kinds.slice(-3), ['teardown', 'leg-end', 'run-end']);
    const seconds = f.events.flatMap((e) => (e.kind === 'load-second' ? [e.second.t] : []));
    assert.deepEqual(seconds, Array.from({ length: 36 }, (_, t) => t));
    const faults = f.events.flatMap((e) => (e.kind === 'fault' ? [[e.notice.kind, e.notice.atMs]] : []));
    assert.deepEqual(faults, [['applied', 6_000], ['ended', 28_000]]);
    const start = f.events.find((e) => e.kind === 'run-start');
    assert.ok(start?.kind === 'run-start' && start.loadS === 36 && start.scenario === 'node-crash' && start.connections === 'per-iteration');
  });

  it('a failing deploy: the leg fails, its teardown still runs, the next target still runs', async () => {
    const f = fakeRun({ targets: 'local,compose' });
    f.log.when('local: deploy', () => {
      throw new Error('replica exited with code 1');
    });
    const { record, firstError } = await f.run();
    assert.equal(firstError?.message, 'replica exited with code 1');
    assert.equal(record.status, 'failed');
    assert.deepEqual(record.targets.map((t) => [t.name, t.status, t.error]), [['local', 'failed', 'replica exited with code 1'], ['compose', 'completed', undefined]]);
    const steps = f.log.milestones().filter((s) => s.startsWith('local: '));
    assert.deepEqual(steps.slice(2), ['local: deploy', 'local: teardown']);
    assert.ok(f.events.some((e) => e.kind === 'leg-failed' && e.message === 'replica exited with code 1'));
  });

  it('a fault that cannot be injected fails the leg after its load; a failed teardown step is a note and the rest runs', async () => {
    const f = fakeRun();
    f.log.when('crash host', () => {
      throw new Error('docker kill: permission denied');
    });
    f.log.when('sampler.stop', () => {
      throw new Error('watch did not close');
    });
    const { record, firstError } = await f.run();
    assert.equal(firstError?.message, 'docker kill: permission denied');
    const local = record.targets[0]!;
    assert.equal(local.status, 'failed');
    assert.equal(local.durationS, 36, 'the load ran to its end');
    assert.deepEqual(local.notes, ['teardown: watch did not close']);
    assert.equal(f.log.milestones().at(-1), 'teardown');
    assert.ok(f.events.some((e) => e.kind === 'teardown-step-failed' && e.step === 'local sampler' && e.message === 'watch did not close'));
  });

  it('everything is checked before anything starts: unusable, leftovers, missing capability', async () => {
    const unusable = { usable: false, reason: 'not installed here' };
    const auto = fakeRun({ targets: 'auto', target: { compose: { usability: unusable }, 'local-k8s': { usability: unusable }, kind: { usability: unusable }, minikube: { usability: unusable }, kubernetes: { usability: unusable } } });
    const { record } = await auto.run();
    assert.deepEqual(record.targets.map((t) => [t.name, t.status]), [['compose', 'skipped'], ['local-k8s', 'skipped'], ['kind', 'skipped'], ['minikube', 'skipped'], ['kubernetes', 'skipped'], ['local', 'completed']], '--target auto skips what cannot run here');
    assert.ok(record.targets.filter((t) => t.status === 'skipped').every((t) => t.requestedBy === 'auto' && t.error === 'not installed here'));
    assert.equal(auto.events.filter((e) => e.kind === 'target-skipped').length, 5);
    const cases: Array<[string, ReturnType<typeof fakeRun>, RegExp, number]> = [
      ['unusable', fakeRun({ target: { local: { usability: { usable: false, reason: 'no node', hint: 'install node' } } } }), /--target local: must be usable here \(got: no node\)/, 4],
      ['leftovers', fakeRun({ target: { local: { leftovers: ['local run x: processes 1'] } } }), /local: must be clean before a run \(got leftovers of an earlier run: local run x: processes 1\)/, 4],
      ['capability', fakeRun({ target: { local: { nodes: false } } }), /node-crash: target local must offer the `nodes` capability/, 2],
    ];
    for (const [name, f, message, exitCode] of cases) {
      await assert.rejects(f.run(), (e: unknown) => e instanceof HarnessError && message.test(e.message) && e.exitCode === exitCode, name);
      assert.ok(!f.log.steps.includes('deploy'), `${name}: nothing deployed`);
    }
  });

  it('--repeat 2 on two targets: legs A B B A, each with its own series and figures, and per-target aggregates', async () => {
    const f = fakeRun({ targets: 'local,compose', run: { repeat: 2 } });
    const { record, saved } = await f.run();
    assert.equal(record.repeat, 2);
    assert.deepEqual(record.targets.map((t) => [t.name, t.leg, t.repetition, t.status]), [
      ['local', 'local.rep1', 0, 'completed'], ['compose', 'compose.rep1', 0, 'completed'],
      ['compose', 'compose.rep2', 1, 'completed'], ['local', 'local.rep2', 1, 'completed'],
    ]);
    assert.deepEqual(Object.keys(saved.series).sort(), ['compose.rep1', 'compose.rep2', 'local.rep1', 'local.rep2']);
    assert.ok(Object.values(saved.series).every((s) => s.load.length === 36));
    assert.deepEqual(record.aggregates!.map((a) => [a.target, a.repetitions]), [['local', 2], ['compose', 2]]);
    const d = record.aggregates![0]!.figures['downtimeS']!;
    assert.deepEqual([d.n, d.method, d.coverage], [2, 'order-statistic', 0.5]);
    assert.deepEqual(f.events.filter((e) => e.kind === 'leg-start').map((e) => e.kind === 'leg-start' && [e.target, e.repetition, e.repetitions]), [['local.rep1', 0, 2], ['compose.rep1', 0, 2], ['compose.rep2', 1, 2], ['local.rep2', 1, 2]]);
  });
});
