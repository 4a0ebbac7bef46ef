/**
 * The fixture target behaves as a Target: deployed and torn down like one, driven by the
 * real builtin driver, sampled each second, scaled through its replicas capability and
 * crashed through its nodes capability — and the app's ground truth agrees with what the
 * driver recorded. Until the orchestrator accepts injected targets, the run is assembled
 * here the way src/run does it: deploy → sampler.start(clock) → driver.run(clock) → stop.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'undici';
import { requestMix } from '../../../scenarios/lib/index.ts';
import { BuiltinDriver } from '../../load/builtin/builtin-driver.ts';
import { Clock, HarnessError, type LoadSecond, type PlatformEvent, type PlatformSecond } from '../../model/index.ts';
import { loadPlan } from '../../scenario/load-profile.ts';
import { FixtureTarget } from './fixture-target.ts';

const deployOpts = (lines: string[] = []) => ({
  runId: 'fixture-test',
  appVersion: 'v3',
  hpa: { scaleUpStabilizationS: 0, scaleDownStabilizationS: 30 },
  onProgress: (l: string) => void lines.push(l),
  signal: new AbortController().signal,
});

describe('fixture target', () => {
  it('deploys, describes itself and tears down idempotently', async () => {
    const t = new FixtureTarget({ name: 'fixture-a', kind: 'kubernetes', config: { replicas: 3, concurrency: 2, mix: [{ ms: 50, weight: 1 }] } });
    assert.equal(t.kind, 'kubernetes');
    assert.equal((await t.probe()).usable, true);
    assert.throws(() => t.baseUrl(), /fixture target fixture-a: the app must be deployed \(got not deployed\)/);
    const lines: string[] = [];
    await t.deploy(deployOpts(lines));
    try {
      assert.match(t.baseUrl(), /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.match(lines.join('\n'), /fixture-a: fixture app on http:\/\/127\.0\.0\.1:\d+ \(pid \d+\), 3 replica\(s\)/);
      const r = await fetch(`${t.baseUrl()}/work`);
      await r.text();
      assert.equal(r.headers.get('x-app-version'), 'v3', 'the run decides the app version');
      assert.deepEqual(t.describe(), { replicas: 3, concurrencyPerReplica: 2, latencyMix: '50 ms ×1', latencyFactor: 1, saturationRps: 120, faults: 'none' });
      assert.equal((await t.versions()).node, process.version);
      assert.deepEqual(await t.leftovers(), []);
      await assert.rejects(t.capabilities().replicas!.scale(0, new AbortController().signal), (e: unknown) => e instanceof HarnessError && /replicas must be an integer 1…32 \(got 0\)/.test(e.message));
      assert.equal(t.capabilities().replicas!.max, 32);
    } finally {
      await t.teardown({ fast: false });
      await t.teardown({ fast: true });
    }
    assert.throws(() => t.app(), /the app must be deployed \(got stopped\)/);
  });

  it('runs the builtin driver: the app clock follows the run clock, error counts agree, the sampler sees scaling and faults', { timeout: 90_000 }, async () => {
    const t = new FixtureTarget({
      name: 'fixture-b',
      config: { replicas: 2, concurrency: 100, mix: [{ ms: 20, weight: 3 }, { ms: 60, weight: 1 }], faults: [{ kind: '503', startS: 2.5, lengthS: 2 }], replicaStartupMs: 2000 },
    });
    const out = mkdtempSync(join(tmpdir(), 'capbench-fixture-target-'));
    await t.deploy(deployOpts());
    try {
      const base = loadPlan('spike', { quick: true, model: 'closed' });
      const plan = { ...base, profile: { ...base.profile, warmupS: 0, startVUs: 4, stages: [{ durationS: 5, target: 4 }], thinkTimeMs: { min: 20, max: 20 }, timeoutMs: 2000, requests: requestMix, windows: [], faults: [] } };
      const clock = new Clock();
      const platform: PlatformSecond[] = [];
      const events: PlatformEvent[] = [];
      const sampler = t.sampler();
      await sampler.start(clock, { second: (s) => platform.push(s), event: (e) => events.push(e) });
      const load: LoadSecond[] = [];
      const scaled = (async () => {
        while (!clock.started) await sleep(5);
        await sleep(200);
        const from = performance.now();
        await t.capabilities().replicas!.scale(3, new AbortController().signal);
        return performance.now() - from;
      })();
      const r = await new BuiltinDriver('test').run({ plan, baseUrl: t.baseUrl(), clock, signal: new AbortController().signal, onSecond: (s) => load.push(s), outDir: out });
      const scaleMs = await scaled;
      // one more sample after the fault window (it ended at 4.5 s), bounded
      for (let i = 0; i < 60 && !platform.some((s) => s.t >= 5 && s.readyReplicas === 3); i++) await sleep(50);
      await sampler.stop();

      const app = t.app();
      const truth = await app.stats({ fromS: -1 });
      assert.ok(Math.abs(truth.startedAtEpochMs! - clock.epochAtStart()!) <= 2, 'the app clock started with the run clock');
      assert.ok(truth.requests > 100, `the load reached the app (${truth.requests} requests)`);
      assert.equal(r.summary.requests, truth.requests, 'every request the driver sent, the app logged');
      const sum = (k: 'status_503' | 'all'): number => load.reduce((a, s) => a + (k === 'all' ? s.failures : s.failuresByReason[k] ?? 0), 0);
      assert.equal(sum('status_503'), truth.byOutcome['fault-503'], 'the driver counted exactly the 503s the app sent');
      assert.ok(sum('status_503') > 10, `the window saw load (${sum('status_503')} 503s)`);
      assert.equal(sum('all'), sum('status_503'), 'no other failures');
      assert.deepEqual(truth.faults, [{ kind: '503', startMs: 2500, endMs: 4500, source: 'script' }]);
      const with503 = load.filter((s) => (s.failuresByReason.status_503 ?? 0) > 0).map((s) => s.t);
      assert.ok(with503.every((x) => x >= 2 && x <= 4), `503s completed in seconds ${with503}`);
      assert.ok((truth.servedBy['fixture-3'] ?? 0) > 0, 'the added replica got traffic');

      assert.ok(scaleMs >= 2000, `scale() resolves once the new replica is ready (${scaleMs.toFixed(0)} ms)`);
      assert.ok(platform.length >= 4, `one platform second per second (${platform.length})`);
      assert.ok(platform.some((s) => s.desiredReplicas === 3 && s.readyReplicas === 2), JSON.stringify(platform));
      assert.ok(platform.some((s) => s.desiredReplicas === 3 && s.readyReplicas === 0), 'ready replicas are 0 while a fault window is open');
      assert.ok(events.some((e) => e.kind === 'replica-started' && e.subject === 'fixture-3'), JSON.stringify(events));
      assert.ok(events.some((e) => e.kind === 'replica-ready' && e.subject === 'fixture-3'), JSON.stringify(events));
    } finally {
      await t.teardown({ fast: false });
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('a node crash stalls every request until restore, which resets them', async () => {
    const t = new FixtureTarget({ config: { concurrency: 10, mix: [{ ms: 5, weight: 1 }] } });
    await t.deploy(deployOpts());
    const client = new Client(t.baseUrl());
    try {
      const nodes = t.capabilities().nodes!;
      assert.deepEqual(await nodes.workers(), [{ name: 'fixture-host', appReplicas: 1, ready: true }]);
      await assert.rejects(nodes.crash('other'), /node must be fixture-host \(got "other"\)/);
      await nodes.crash('fixture-host');
      assert.deepEqual(await nodes.down(), ['fixture-host']);
      const pending = client.request({ method: 'GET', path: '/work', signal: AbortSignal.timeout(5000) }).then(
        async (r) => `status ${r.statusCode} ${await r.body.text()}`,
        (e: { code?: string }) => e.code ?? 'error',
      );
      await sleep(300);
      assert.equal((await t.app().state()).stalled, 1);
      await nodes.restore('fixture-host');
      await nodes.restore('fixture-host');
      assert.equal(await pending, 'UND_ERR_SOCKET', 'the stalled request was reset at restore');
      assert.deepEqual(await nodes.down(), []);
      const log = await t.app().log();
      assert.deepEqual(log.map((e) => [e.outcome, e.fault]), [['stall-reset', 'stall']]);
      const fw = (await t.app().stats()).faults;
      assert.equal(fw.length, 1);
      assert.ok(fw[0]!.kind === 'stall' && fw[0]!.source === 'now' && fw[0]!.endMs !== null, JSON.stringify(fw));
      assert.ok(log[0]!.atMs >= fw[0]!.startMs && log[0]!.endMs! >= fw[0]!.endMs!, 'stalled inside the window, reset at its end');
    } finally {
      await client.close();
      await t.teardown({ fast: false });
    }
  });
});
