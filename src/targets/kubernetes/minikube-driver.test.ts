import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HarnessError } from '../../model/index.ts';
import { FakeRunner, type FakeReply } from '../../testing/fake-runner.ts';
import { minikubeRecordings as rec } from '../../testing/minikube-recordings.ts';
import { IMAGES_BUILD } from './cluster-drivers.ts';
import { FORWARDER_JS, MinikubeDriver } from './minikube-driver.ts';

const quiet = (): void => undefined;

/** replays the recordings: status, forwarder inspect, and `start` refusing root without --force */
function minikube(o: { status?: FakeReply; forwarder?: FakeReply } = {}): FakeRunner {
  return new FakeRunner((file, args) => {
    if (file === 'minikube' && args[0] === 'status') return o.status ?? rec.statusThreeNodes;
    if (file === 'minikube' && args[0] === 'start' && !args.includes('--force')) return rec.startAsRoot;
    if (file === 'docker' && args[0] === 'inspect') return o.forwarder ?? rec.forwarderRunning;
    return undefined;
  });
}

const FORWARDER = ['docker', 'run', '-d', '--name', 'capbench-capbench-forward', '--label', 'capbench.cluster-forwarder=capbench', '--network', 'capbench', '--restart', 'unless-stopped', '-p', '127.0.0.1:30080:30080', '--entrypoint', 'node', 'capbench/app:v1', '-e', FORWARDER_JS, 'capbench', '30080'];

describe('minikube preset', () => {
  it('cluster up as root: no --ports (it would publish on every node), --force, then the forwarder on the profile network', async () => {
    const runner = minikube();
    const lines: string[] = [];
    await new MinikubeDriver(runner, 'capbench', { isRoot: true }).up((l) => lines.push(l));
    assert.deepEqual(runner.calls.map((c) => [c.file, ...c.args]), [
      ['minikube', 'start', '-p', 'capbench', '--nodes', '3', '--driver', 'docker', '--force'],
      ['minikube', 'addons', 'enable', 'metrics-server', '-p', 'capbench'],
      ['bash', IMAGES_BUILD],
      ['minikube', 'image', 'load', 'capbench/app:v1', '-p', 'capbench'],
      ['docker', 'rm', '-f', 'capbench-capbench-forward'],
      FORWARDER,
    ]);
    assert.ok(!runner.lines().some((l) => l.includes('--ports')), 'never --ports');
    assert.match(lines[0]!, /--force: minikube refuses the docker driver as root without it/);
  });

  it('not root: no --force', async () => {
    const runner = new FakeRunner((file, args) => (file === 'minikube' && args[0] === 'status' ? rec.statusThreeNodes : undefined));
    await new MinikubeDriver(runner, 'capbench', { isRoot: false }).up(quiet);
    assert.deepEqual(runner.calls[0]!.args, ['start', '-p', 'capbench', '--nodes', '3', '--driver', 'docker']);
  });

  it('root detected wrongly: minikube\'s own DRV_AS_ROOT refusal (exit 57, stderr) is in the error, with a hint', async () => {
    await assert.rejects(new MinikubeDriver(minikube(), 'capbench', { isRoot: false }).up(quiet), (e: unknown) => e instanceof HarnessError && /`minikube start -p capbench --nodes 3 --driver docker` must succeed \(got exit 57: .*Exiting due to DRV_AS_ROOT/s.test(e.message) && e.hint !== undefined);
  });

  it('the forwarder relays TCP to the control plane by its container name (node -e in the app image)', () => {
    assert.doesNotThrow(() => new Function('require', 'process', FORWARDER_JS), 'valid JavaScript (parsed, not run)');
    assert.match(FORWARDER_JS, /net\.connect\(Number\(port\),host\)/);
  });

  it('status: an array of three running nodes and a running forwarder = up', async () => {
    const s = await new MinikubeDriver(minikube()).status();
    assert.deepEqual(s, { up: true, reason: 'minikube profile capbench, 3 nodes, NodePort 30080 on 127.0.0.1 through capbench-capbench-forward' });
  });

  it('status: a single-node profile prints one object, not an array', async () => {
    const s = await new MinikubeDriver(minikube({ status: rec.statusOneNode })).status();
    assert.equal(s.up, true);
    assert.match(s.reason, /1 nodes/);
  });

  it('status: no profile (JSON events on stdout, exit 85) = not running; forwarder gone = not up', async () => {
    const none = await new MinikubeDriver(minikube({ status: rec.statusNoProfile })).status();
    assert.deepEqual(none, { up: false, reason: 'minikube profile capbench is not running', hint: 'npx capbench cluster up minikube' });
    const noFwd = await new MinikubeDriver(minikube({ forwarder: rec.forwarderMissing })).status();
    assert.equal(noFwd.up, false);
    assert.match(noFwd.reason, /forwarder container capbench-capbench-forward \(127\.0\.0\.1:30080\) does not/);
    const missing = await new MinikubeDriver(new FakeRunner(() => ({ code: 127, stderr: 'minikube: not found' }))).status();
    assert.equal(missing.reason, 'minikube is not installed');
  });

  it('crash = minikube node stop, restore = minikube node start; a stopped worker (exit 3) is down', async () => {
    const runner = minikube({ status: rec.statusWorkerStopped });
    const d = new MinikubeDriver(runner);
    await d.crash('capbench-m02');
    await d.restore('capbench-m02');
    assert.deepEqual(await d.machinesDown(), ['capbench-m02']);
    assert.deepEqual(runner.calls.slice(0, 2).map((c) => [c.file, ...c.args]), [
      ['minikube', 'node', 'stop', 'capbench-m02', '-p', 'capbench'],
      ['minikube', 'node', 'start', 'capbench-m02', '-p', 'capbench'],
    ]);
    assert.deepEqual(await new MinikubeDriver(minikube({ status: rec.statusNoProfile })).machinesDown(), [], 'a missing profile has no machines');
    assert.equal(d.context, 'capbench');
    assert.equal(d.nodePort, 30080);
  });

  it('cluster down removes the forwarder (missing is fine) and deletes the profile', async () => {
    const runner = new FakeRunner((file) => (file === 'docker' ? { code: 1, stderr: 'Error response from daemon: No such container: capbench-capbench-forward\n' } : undefined));
    await new MinikubeDriver(runner).down(quiet);
    assert.deepEqual(runner.lines(), ['docker rm -f capbench-capbench-forward', 'minikube delete -p capbench']);
  });

  it('a failing command becomes a HarnessError with the command line and a hint', async () => {
    const runner = new FakeRunner(() => ({ code: 1, stderr: 'boom' }));
    await assert.rejects(new MinikubeDriver(runner).crash('capbench-m02'), (e: HarnessError) => /`minikube node stop capbench-m02 -p capbench` must succeed \(got exit 1: boom\)/.test(e.message) && e.hint !== undefined);
  });
});
