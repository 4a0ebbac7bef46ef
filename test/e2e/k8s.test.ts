/**
 * End to end on a real Kubernetes: the local-k8s cluster (1.20.2 built from Debian's
 * source, 3 nodes on this host). Brings the cluster up through the CLI, runs a quick spike
 * (the HPA must scale and ready pods follow), a node crash and a rolling update through the
 * NodePort on 127.0.0.1, a spike through a kubectl port-forward (--base-url), restarts the API server mid-run (the gap must be marked), then tears
 * the cluster down and checks the host is as it was. Skipped only with CAPBENCH_SKIP_K8S=1.
 * The test cluster runs with a 20 s node monitor grace period (CAPBENCH_NODE_MONITOR_GRACE,
 * clusters/local-k8s/README.md) instead of the 50 s users get by default, so the node crash
 * reaches eviction in ~55 s and its run is time-scaled to that (~1 min of CI): each run
 * records the grace period it ran with (read from the running controller manager) and the
 * crash's assertions are held against that recorded value.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { Interrupt } from '../../src/run/interrupt.ts';
import { flagValue, goDurationS } from '../../src/targets/kubernetes/cluster-timing.ts';
import { readRun, type SavedRun } from '../../src/store/run-store.ts';
import { freePort } from '../../src/targets/net.ts';
import { cli, clusterCli, tempDir } from '../cli-harness.ts';

const skip = process.env.CAPBENCH_SKIP_K8S === '1' ? 'CAPBENCH_SKIP_K8S=1' : false;
const STATE = process.env.CAPBENCH_K8S_STATE ?? '/var/lib/capbench/local-k8s';
/** the cluster's own kubectl (same version as its API server), as clusters/local-k8s/lib.sh finds it */
const KUBECTL = join(process.env.CAPBENCH_K8S_CACHE ?? '/var/cache/capbench/local-k8s', 'current', 'bin', 'kubectl');
/** a loopback address that is none of local-k8s's nodes (127.0.0.2–4) */
const FORWARD_ADDRESS = '127.0.0.9';
// the test cluster's grace period (see the file's comment); cluster up and the API server
// restart below start the controller manager with it. A cluster already up keeps its own.
process.env.CAPBENCH_NODE_MONITOR_GRACE ??= '20s';
/** the app pods' tolerationSeconds for an unreachable node (clusters/k8s/deployment.yaml) */
const TOLERATION_S = 30;

/** --node-monitor-grace-period of the running kube-controller-manager, in seconds. */
function runningGraceS(): number {
  const pid = readFileSync(join(STATE, 'pids', 'kube-controller-manager.pid'), 'utf8').trim();
  const raw = flagValue(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'), 'node-monitor-grace-period');
  const s = raw === undefined ? null : goDurationS(raw);
  assert.ok(s !== null, `kube-controller-manager (pid ${pid}) must run with --node-monitor-grace-period (got ${raw})`);
  return s;
}

/**
 * What a user does beside `--base-url`: `kubectl port-forward` to the run's Service, bound on
 * FORWARD_ADDRESS:port. The run's namespace exists only once its deploy began, so this
 * looks for it every second and (re)starts the forward until stopped.
 */
function portForwardWhileRunning(port: number): { stop: () => Promise<string[]> } {
  let stopped = false;
  let child: ChildProcess | undefined;
  const log: string[] = [];
  const kc = ['--kubeconfig', join(STATE, 'kubeconfig')];
  const loop = (async () => {
    while (!stopped) {
      const ns = await new Promise<string>((res) => execFile(KUBECTL, [...kc, 'get', 'svc', '-A', '-l', 'capbench.managed=true', '-o', 'jsonpath={.items[0].metadata.namespace}'], (_e, out) => res(String(out ?? '').trim())));
      if (ns !== '' && !stopped) {
        child = spawn(KUBECTL, [...kc, '-n', ns, 'port-forward', '--address', FORWARD_ADDRESS, 'svc/api', `${port}:80`], { stdio: ['ignore', 'pipe', 'pipe'] });
        child.stdout?.on('data', (d: Buffer) => log.push(d.toString().trim()));
        child.stderr?.on('data', (d: Buffer) => log.push(d.toString().trim()));
        await new Promise((res) => child!.once('exit', res));
      }
      if (!stopped) await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      if (child?.pid !== undefined && child.exitCode === null) child.kill('SIGTERM');
      await loop;
      return log;
    },
  };
}

/** What local-k8s may change on the host: its iptables rules and chains, bridges, sysctls. */
function hostState(): { rules: string[]; kubeChains: string[]; bridges: string[]; sysctls: Record<string, string> } {
  const save = execFileSync('iptables-save', [], { encoding: 'utf8' });
  const lines = save.split('\n');
  const links = execFileSync('ip', ['-o', 'link', 'show', 'type', 'bridge'], { encoding: 'utf8' });
  const sysctls: Record<string, string> = {};
  for (const k of ['vm/overcommit_memory', 'kernel/panic', 'kernel/panic_on_oops']) sysctls[k] = readFileSync(`/proc/sys/${k}`, 'utf8').trim();
  return {
    rules: lines.filter((l) => l.includes('capbench-local-k8s')),
    kubeChains: lines.filter((l) => /^:KUBE-/.test(l)).map((l) => l.split(' ')[0]!),
    bridges: links.split('\n').map((l) => l.split(':')[1]?.trim() ?? '').filter((n) => n.startsWith('capbr') || n === 'cni0'),
    sysctls,
  };
}

async function run(args: string[], interrupt?: Interrupt): Promise<SavedRun> {
  const out = tempDir();
  const t0 = performance.now();
  const r = await cli([...args, '--driver', 'builtin', '--out', out], interrupt ? { interrupt } : {});
  assert.equal(r.code, 0, `capbench ${args.join(' ')} → ${r.code}\n${r.err}\n${r.out.slice(-3000)}`);
  // where the CI budget goes: the run's wall time, of it deploying and the load (the rest: warm-up, teardown, report)
  const deployS = /: ready at \S+ after ([\d.]+) s/.exec(r.out)?.[1] ?? '?';
  const loadS = /, (\d+) s of load per target/.exec(r.out)?.[1] ?? '?';
  console.log(`# ${args.slice(0, 2).join(' ')} ${args.slice(2).join(' ')}: ${((performance.now() - t0) / 1000).toFixed(1)} s wall, deploy ${deployS} s, load ${loadS} s`);
  return readRun(join(out, readdirSync(out)[0]!));
}

/** Runs a *.suite.ts of this folder in a test runner of its own, with the cluster up. */
function suite(name: string): void {
  const file = fileURLToPath(new URL(`./${name}`, import.meta.url));
  // a test runner started inside a test runner must not think it reports to a parent
  const { NODE_TEST_CONTEXT: _ignored, ...env } = process.env;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', file], { env: { ...env, CAPBENCH_K8S_E2E: '1' }, encoding: 'utf8', timeout: 15 * 60_000 });
  assert.equal(r.status, 0, (r.stdout ?? '').slice(-4000) + (r.stderr ?? '').slice(-2000));
  assert.match(r.stdout, /^# pass 1$/m);
}

describe('local-k8s end to end', { skip, timeout: 45 * 60_000 }, () => {
  let hostBefore: ReturnType<typeof hostState>;
  let wasUp = false;

  before(async () => {
    wasUp = (await cli(['targets'])).out.includes('usable    local-k8s');
    if (!wasUp) hostBefore = hostState();
    await clusterCli('up', 'local-k8s');
  });

  after(async () => {
    // the suite leaves the host as it found it; CAPBENCH_KEEP_CLUSTER=1 keeps the cluster for debugging
    if (!(await clusterCli('down', 'local-k8s'))) return;
    const now = hostState();
    assert.deepEqual(now.rules, [], 'no iptables rule of local-k8s is left');
    assert.deepEqual(now.kubeChains, [], 'no KUBE-* chain is left');
    assert.deepEqual(now.bridges, [], 'no bridge of local-k8s is left');
    if (!wasUp) assert.deepEqual(now.sysctls, hostBefore.sysctls, 'sysctls restored');
  });

  it('target level: deploy, NodePort balancing, sampler vs API, HPA under bounded load (test/e2e/local-k8s-target.suite.ts)', () => {
    suite('local-k8s-target.suite.ts');
  });

  it('replicas: the Deployment pinned to 1 → 3 → 2 → 1, exactly that many pods serving (test/e2e/local-k8s-replicas.suite.ts)', () => {
    suite('local-k8s-replicas.suite.ts');
  });

  it('quick spike through the NodePort: the HPA scales the Deployment and ready pods follow', async () => {
    const saved = await run(['run', 'spike', '--quick', '--time-scale', '0.6', '--target', 'local-k8s']);
    const t = saved.record.targets[0]!;
    assert.equal(t.status, 'completed', t.error);
    assert.match(t.baseUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+$/, 'traffic goes to the NodePort on loopback');
    const f = t.figures!;
    assert.ok((f.peakDesiredReplicas ?? 0) > 2, `HPA desired rose above the minimum (peak ${f.peakDesiredReplicas})`);
    assert.ok((f.peakReadyReplicas ?? 0) > 2, `ready pods followed (peak ${f.peakReadyReplicas})`);
    assert.ok(f.scaleUpReactionS !== null, 'scale-up reaction measured');
    const plat = saved.series['local-k8s']!.platform;
    assert.ok(plat.some((p) => p.hpaDesiredReplicas !== undefined && p.hpaCpuPercent !== undefined), 'HPA series sampled');
    assert.ok(plat.some((p) => p.podsPerNode && Object.keys(p.podsPerNode).length >= 2), 'pods spread over nodes');
    const events = saved.series['local-k8s']!.events;
    assert.ok(events.some((e) => e.kind === 'hpa-rescale'), 'HPA rescale events on the timeline');
  });

  it('targets --context capbench-local-k8s: API server, HPA API, metrics API and every permission checked for real', async () => {
    const r = await cli(['targets', '--context', 'capbench-local-k8s']);
    assert.equal(r.code, 0, r.err + r.out);
    assert.match(r.out, /^ok\s+API server\s+Kubernetes v1\.20\.\d+ at https:\/\//m);
    assert.match(r.out, /^ok\s+HPA API\s+autoscaling\/v2beta2 \(PodDisruptionBudget policy\/v1beta1\)$/m);
    assert.match(r.out, /^ok\s+metrics API\s+metrics\.k8s\.io\/v1beta1 answers$/m);
    assert.match(r.out, /^ok\s+deployments\.apps\s+create patch get list watch in a new namespace/m);
    assert.doesNotMatch(r.out, /^MISSING/m);
    assert.match(r.out, /context capbench-local-k8s: capbench has what it needs$/m);
  });

  it('--base-url with --allow-remote: a quick spike through a kubectl port-forward on 127.0.0.9, not the NodePort', async () => {
    const port = await freePort(FORWARD_ADDRESS);
    const url = `http://${FORWARD_ADDRESS}:${port}`;
    const pf = portForwardWhileRunning(port);
    const out = tempDir();
    let r: Awaited<ReturnType<typeof cli>>;
    let pfLog: string[];
    try {
      r = await cli(['run', 'spike', '--quick', '--time-scale', '0.3', '--target', 'kubernetes', '--context', 'capbench-local-k8s', '--base-url', url, '--allow-remote', '--driver', 'builtin', '--no-report', '--out', out]);
    } finally {
      pfLog = await pf.stop();
    }
    assert.equal(r.code, 0, `${r.err}\n${r.out.slice(-3000)}\nport-forward: ${pfLog.join('\n')}`);
    assert.equal(r.out.split('\n')[0], `load goes to ${url} (--base-url, loopback)`, 'the address is named before anything starts');
    assert.ok(pfLog.some((l) => l.includes(`Forwarding from ${FORWARD_ADDRESS}:${port}`)), `kubectl port-forward served the run (${pfLog.join(' | ')})`);
    const saved = readRun(join(out, readdirSync(out)[0]!));
    const t = saved.record.targets[0]!;
    assert.equal(t.status, 'completed', t.error);
    assert.equal(t.baseUrl, url, 'traffic went to --base-url');
    const load = saved.series['kubernetes']!.load;
    const total = load.reduce((n, s) => n + s.requests, 0);
    const failed = load.reduce((n, s) => n + s.failures, 0);
    assert.ok(total > 100 && failed < total / 2, `users were served through the port-forward (${total} requests, ${failed} failed)`);
  });

  it('the API server restarted mid-run leaves a marked gap, then the watches resume', async () => {
    const interrupt = new Interrupt();
    const killer = (async () => {
      await new Promise((r) => setTimeout(r, 25_000));
      const pid = Number(readFileSync(join(STATE, 'pids', 'kube-apiserver.pid'), 'utf8'));
      process.kill(pid, 'SIGKILL');
      await new Promise((r) => setTimeout(r, 8_000));
      execFileSync('bash', ['clusters/local-k8s/up.sh'], { stdio: 'ignore', timeout: 180_000 });
    })();
    const saved = await run(['run', 'spike', '--quick', '--time-scale', '0.4', '--target', 'local-k8s', '--no-report'], interrupt);
    await killer;
    const plat = saved.series['local-k8s']!.platform;
    const events = saved.series['local-k8s']!.events;
    const gapAt = plat.findIndex((p) => p.gap === true);
    assert.ok(gapAt >= 0, 'seconds without API data are marked gap');
    assert.ok(plat.slice(gapAt).some((p) => !p.gap && p.readyReplicas !== undefined), 'sampling resumed after the gap');
    assert.ok(events.some((e) => e.kind === 'watch-gap-start') && events.some((e) => e.kind === 'watch-gap-end'), 'gap start/end events');
  });

  it('quick node crash, time-scaled past eviction: endpoints removed and pods rescheduled while the node is down; timing settings recorded', async () => {
    // eviction (grace + ≤ 5 s node monitor period + the pods' 30 s tolerations) does not scale
    // with the profile: the quick down time (110 s) is scaled only so far that it still outlasts
    // eviction and the replacement's start (≤ 20 s) — 0.7 (77 s) at the test cluster's 20 s, 1 at 50 s
    const graceS = runningGraceS();
    const timeScale = Math.min(1, Math.ceil(((graceS + 5 + TOLERATION_S + 20) / 110) * 20) / 20);
    const saved = await run(['run', 'node-crash', '--quick', '--time-scale', String(timeScale), '--target', 'local-k8s', '--no-report']);
    const t = saved.record.targets[0]!;
    assert.equal(t.status, 'completed', t.error);
    const w = t.faults[0]!;
    assert.equal(w.kind, 'node-crash');
    assert.match(w.subject, /^127\.0\.0\.\d+$/, 'a worker node crashed');
    assert.ok(w.endMs !== undefined, 'the node was restored');
    const ff = t.figures!.faults[0]!;
    assert.ok(ff.capacityBackS !== null, 'ready replicas back at desired');
    const last = saved.series['local-k8s']!.platform.filter((p) => !p.gap).at(-1)!;
    assert.equal(last.readyReplicas, last.desiredReplicas, 'ready = desired at the end');
    assert.equal(last.nodesReady, last.nodesTotal, 'every node Ready at the end');
    const d = t.description;
    // the run recorded the grace period the crash ran with, as the running controller manager has it
    assert.match(String(d.nodeMonitorGracePeriod), new RegExp(`^${graceS} s \\(--node-monitor-grace-period=\\S+ \\(kube-controller-manager pid \\d+ on this host\\)\\)$`), 'the grace period read from the running controller manager');
    assert.match(String(d.podEvictionToleration), new RegExp(`^${TOLERATION_S} s \\(tolerationSeconds of node\\.kubernetes\\.io/unreachable on the app pods\\)$`));
    assert.match(String(d.hpaSyncPeriod), /^5 s \(--horizontal-pod-autoscaler-sync-period=5s /);
    const during = saved.series['local-k8s']!.events.filter((e) => e.atMs >= w.startMs && e.atMs <= w.endMs!);
    const on = (e: { detail?: string }, node: string): boolean => (e.detail ?? '').startsWith(node);
    const unready = during.find((e) => e.kind === 'replica-unready' && on(e, w.subject));
    const evicted = during.find((e) => e.kind === 'pod-evicted' && on(e, w.subject));
    const replaced = during.find((e) => e.kind === 'pod-ready' && !on(e, w.subject) && e.atMs > (evicted?.atMs ?? Infinity));
    const rel = (e: { atMs: number } | undefined): string => (e === undefined ? 'never' : `${((e.atMs - w.startMs) / 1000).toFixed(1)} s`);
    const story = `down ${((w.endMs! - w.startMs) / 1000).toFixed(0)} s; not ready ${rel(unready)}, evicted ${rel(evicted)}, replaced ${rel(replaced)} after the crash; ${d.nodeCrashTiming}`;
    console.log(`# node crash: ${story}`);
    // a pod Ready again on the crashed node means its kubelet ran again before the run restored it
    const back = during.find((e) => (e.kind === 'pod-ready' || e.kind === 'node-ready') && (e.subject === w.subject || on(e, w.subject)));
    assert.equal(back, undefined, `the crashed node came back ${rel(back)} after the crash, before the run restored it: something outside this run restored it (another \`capbench cleanup\`?) (${story})`);
    assert.ok(unready && evicted && replaced, `the crashed node's pods left the endpoints, were evicted and replaced elsewhere within the down time (${story})`);
    // the last heartbeat may be up to one status update (10 s) older than the crash
    assert.ok(unready.atMs - w.startMs >= (graceS - 10) * 1000, `not before the grace period (${graceS} s, recorded above) less one node status update (${story})`);
  });

  it('quick rolling update: v1 → v2 with maxUnavailable 0, rollout finished', async () => {
    const saved = await run(['run', 'rolling-update', '--quick', '--time-scale', '0.6', '--target', 'local-k8s', '--no-report']);
    const t = saved.record.targets[0]!;
    assert.equal(t.status, 'completed', t.error);
    const ff = t.figures!.faults[0]!;
    assert.ok(ff.rolloutDurationS !== null && ff.rolloutDurationS > 0, 'rollout finished');
    const versions = new Set(saved.series['local-k8s']!.load.flatMap((s) => Object.keys(s.versions)));
    assert.ok(versions.has('v1') && versions.has('v2'), `versions seen: ${[...versions]}`);
  });
});
