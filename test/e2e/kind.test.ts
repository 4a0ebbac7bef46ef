/**
 * End to end on a real kind cluster (kind 0.33 from Debian; nodes are Docker containers) on
 * the node image built from Debian (clusters/kind/build-node-image.sh: Kubernetes 1.20.2 from
 * Debian's source, no registry). One cluster for the whole file: `cluster up kind` through the
 * CLI, then a quick spike (the HPA scales through capbench's metrics adapter), a node crash
 * (a worker's container is killed and started again) and a rolling update through NodePort
 * 30080 on 127.0.0.1, then `cluster down kind`, which must leave nothing behind.
 * As cheap as it honestly gets on CI's 2 cores: one cluster of 1 control plane + 2 workers (the
 * fewest that show a node crash) for all three runs, quick profiles time-scaled, one report
 * rendered (the spike's), the node image built once by setup and cached. The wall time of each step is printed
 * (`# kind timings`) so the CI budget stays visible.
 * Skipped only with CAPBENCH_SKIP_K8S=1 or CAPBENCH_SKIP_DOCKER=1.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readRun, type SavedRun } from '../../src/store/run-store.ts';
import { cli, tempDir } from '../cli-harness.ts';

const skip = process.env.CAPBENCH_SKIP_K8S === '1' ? 'CAPBENCH_SKIP_K8S=1' : process.env.CAPBENCH_SKIP_DOCKER === '1' ? 'CAPBENCH_SKIP_DOCKER=1' : false;
const NODE_LABEL = 'label=io.x-k8s.kind.cluster=capbench';
const SYSCTLS = ['vm/overcommit_memory', 'vm/panic_on_oom', 'kernel/panic', 'kernel/panic_on_oops'];

function sh(file: string, args: string[]): string {
  return execFileSync(file, args, { encoding: 'utf8' }).trim();
}

function sysctls(): Record<string, string> {
  return Object.fromEntries(SYSCTLS.map((k) => [k, readFileSync(`/proc/sys/${k}`, 'utf8').trim()]));
}

const timings: Record<string, number> = {};

async function timed<T>(name: string, f: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await f();
  } finally {
    timings[name] = (performance.now() - t0) / 1000;
  }
}

async function run(name: string, args: string[]): Promise<SavedRun> {
  const out = tempDir();
  const r = await timed(name, () => cli([...args, '--driver', 'builtin', '--out', out]));
  assert.equal(r.code, 0, `capbench ${args.join(' ')} → ${r.code}\n${r.err}\n${r.out.slice(-3000)}`);
  // of the step's wall time, how much went to deploying (the rest: warm-up, load, teardown, report)
  const deployS = /: ready at \S+ after ([\d.]+) s/.exec(r.out)?.[1];
  if (deployS !== undefined) timings[`${name.replace(/S$/, '')}DeployS`] = Number(deployS);
  return readRun(join(out, readdirSync(out)[0]!));
}

describe('kind end to end', { skip, timeout: 45 * 60_000 }, () => {
  let sysctlsBefore: Record<string, string>;
  let kindBridge = '';

  before(async () => {
    assert.equal(sh('docker', ['ps', '-aq', '--filter', NODE_LABEL]), '', 'no kind cluster capbench before the suite');
    sysctlsBefore = sysctls();
    const up = await timed('clusterUpS', () => cli(['cluster', 'up', 'kind']));
    assert.equal(up.code, 0, up.err + up.out.slice(-3000));
    // the Linux bridge of Docker network `kind`: its iptables rules must go with the network
    kindBridge = `br-${sh('docker', ['network', 'inspect', '-f', '{{.Id}}', 'kind']).slice(0, 12)}`;
  });

  after(async () => {
    if (process.env.CAPBENCH_KEEP_CLUSTER === '1') return;
    const down = await timed('clusterDownS', () => cli(['cluster', 'down', 'kind']));
    console.log(`# kind timings (s): ${Object.entries(timings).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
    assert.equal(down.code, 0, down.err + down.out.slice(-3000));
    assert.equal(sh('kind', ['get', 'clusters']).split('\n').filter((c) => c === 'capbench').length, 0, 'kind lists no cluster capbench');
    assert.equal(sh('docker', ['ps', '-aq', '--filter', NODE_LABEL]), '', 'no node container left');
    assert.notEqual(spawnSync('docker', ['network', 'inspect', 'kind']).status, 0, 'no docker network kind left');
    // other Docker users' rules may forward to some container's 30080; kind's own publish 127.0.0.1:30080
    const rules = sh('iptables-save', []);
    assert.doesNotMatch(rules, /-d 127\.0\.0\.1\/32 .*--dport 30080 -j DNAT/, 'no rule publishing 127.0.0.1:30080 left');
    assert.ok(kindBridge !== '' && !rules.includes(kindBridge), `no iptables rule of the kind network's bridge ${kindBridge} left`);
    const kubeconfig = join(homedir(), '.kube', 'config');
    assert.ok(!existsSync(kubeconfig) || !readFileSync(kubeconfig, 'utf8').includes('kind-capbench'), `no context kind-capbench left in ${kubeconfig}`);
    assert.deepEqual(sysctls(), sysctlsBefore, 'host sysctls as before');
  });

  it('cluster up: a real kind cluster, nodes are Docker containers, on the Debian-built node image', () => {
    assert.ok(sh('kind', ['get', 'clusters']).split('\n').includes('capbench'), 'kind get clusters lists capbench');
    const nodes = sh('docker', ['ps', '--filter', NODE_LABEL, '--format', '{{.Names}} {{.Image}}']).split('\n').sort();
    assert.deepEqual(
      nodes.map((l) => l.split(' ')[0]),
      ['capbench-control-plane', 'capbench-worker', 'capbench-worker2'],
    );
    assert.ok(nodes.every((l) => /capbench\.local\/kind-node:v1\.20\.2$/.test(l)), nodes.join('; '));
    const ready = sh('docker', ['exec', 'capbench-control-plane', 'kubectl', '--kubeconfig=/etc/kubernetes/admin.conf', 'get', 'nodes', '--no-headers']);
    assert.equal(ready.split('\n').filter((l) => / Ready /.test(l) && /v1\.20\.2/.test(l)).length, 3, ready);
  });

  it('quick spike through NodePort 30080: the HPA scales on the metrics adapter and ready pods follow', async () => {
    const saved = await run('spikeS', ['run', 'spike', '--quick', '--time-scale', '0.6', '--target', 'kind']);
    const t = saved.record.targets[0]!;
    assert.equal(t.status, 'completed', t.error);
    assert.equal(t.baseUrl, 'http://127.0.0.1:30080', 'traffic goes to the published NodePort on loopback');
    const f = t.figures!;
    assert.ok((f.peakDesiredReplicas ?? 0) > 2, `HPA desired rose above the minimum (peak ${f.peakDesiredReplicas})`);
    assert.ok((f.peakReadyReplicas ?? 0) > 2, `ready pods followed (peak ${f.peakReadyReplicas})`);
    const plat = saved.series['kind']!.platform;
    assert.ok(plat.some((p) => p.hpaCpuPercent !== undefined), 'HPA CPU sampled (metrics API answers)');
    assert.ok(plat.some((p) => p.podsPerNode && Object.keys(p.podsPerNode).length >= 2), 'pods spread over nodes');
    assert.match(t.versions['kind node image'] ?? '', /^capbench\.local\/kind-node:v1\.20\.2$/);
  });

  it('quick node crash: a worker container is killed, started again, ready replicas return to desired', async () => {
    const saved = await run('nodeCrashS', ['run', 'node-crash', '--quick', '--time-scale', '0.7', '--target', 'kind', '--no-report']);
    const t = saved.record.targets[0]!;
    assert.equal(t.status, 'completed', t.error);
    const w = t.faults[0]!;
    assert.equal(w.kind, 'node-crash');
    assert.match(w.subject, /^capbench-worker\d?$/, 'a worker node crashed');
    assert.ok(w.endMs !== undefined, 'the node was restored');
    assert.ok(t.figures!.faults[0]!.capacityBackS !== null, 'ready replicas back at desired');
    const last = saved.series['kind']!.platform.filter((p) => !p.gap).at(-1)!;
    assert.equal(last.readyReplicas, last.desiredReplicas, 'ready = desired at the end');
    assert.equal(sh('docker', ['inspect', '-f', '{{.State.Running}}', w.subject]), 'true', 'the crashed node container runs again');
  });

  it('quick rolling update: v1 → v2, rollout finished, both versions served', async () => {
    const saved = await run('rolloutS', ['run', 'rolling-update', '--quick', '--time-scale', '0.5', '--target', 'kind', '--no-report']);
    const t = saved.record.targets[0]!;
    assert.equal(t.status, 'completed', t.error);
    const ff = t.figures!.faults[0]!;
    assert.ok(ff.rolloutDurationS !== null && ff.rolloutDurationS > 0, 'rollout finished');
    const versions = new Set(saved.series['kind']!.load.flatMap((s) => Object.keys(s.versions)));
    assert.ok(versions.has('v1') && versions.has('v2'), `versions seen: ${[...versions]}`);
  });
});
