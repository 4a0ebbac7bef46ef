/**
 * The local replicas capability on real processes (Node only, a few seconds): the proxy is
 * told of every change and routes to exactly the ready replicas when scale() resolves.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { HarnessError } from '../../model/index.ts';
import { LocalTarget } from './local-target.ts';

interface Upstream {
  port: number;
  ready: boolean;
}

async function proxyUpstreams(baseUrl: string): Promise<Upstream[]> {
  const r = await fetch(`${baseUrl}/__capbench/upstreams`);
  return (await r.json()) as Upstream[];
}

describe('local replicas', { timeout: 60_000 }, () => {
  const target = new LocalTarget({ env: {}, replicas: 1 });
  after(() => target.teardown({ fast: true }));
  const signal = new AbortController().signal;

  it('scale before deploy is an error; a count outside 1..16 is a usage error naming it', async () => {
    const replicas = target.capabilities().replicas!;
    assert.equal(replicas.max, 16);
    await assert.rejects(replicas.scale(2, signal), /scale\(\) must be called after deploy/);
    await assert.rejects(replicas.scale(17, signal), (e: unknown) => e instanceof HarnessError && e.exitCode === 2 && /replicas must be an integer 1\.\.16 \(got 17\)/.test(e.message));
  });

  it('up to 3 then down to 1: the proxy routes to exactly the ready replicas each time; stopped ones are gone', async () => {
    await target.deploy({ runId: `unit-scale-${process.pid}`, appVersion: 'v1', hpa: { scaleUpStabilizationS: 0, scaleDownStabilizationS: 0 }, onProgress: () => undefined, signal });
    const replicas = target.capabilities().replicas!;
    await replicas.scale(3, signal);
    const three = await proxyUpstreams(target.baseUrl());
    assert.equal(three.length, 3);
    assert.ok(three.every((u) => u.ready), JSON.stringify(three));
    const served = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const r = await fetch(`${target.baseUrl()}/light`);
      await r.arrayBuffer();
      served.add(r.headers.get('x-served-by') ?? '?');
    }
    assert.deepEqual([...served].sort(), ['local-1', 'local-2', 'local-3']);

    await replicas.scale(3, signal); // idempotent
    assert.equal((await proxyUpstreams(target.baseUrl())).length, 3);

    await replicas.scale(1, signal);
    const one = await proxyUpstreams(target.baseUrl());
    assert.deepEqual(one.map((u) => u.port), [three[0]!.port], 'the first replica stays');
    for (const gone of three.slice(1)) {
      const status = await fetch(`http://127.0.0.1:${gone.port}/readyz`).then((r) => r.status, () => 0);
      assert.equal(status, 0, `replica on ${gone.port} stopped`);
    }
    await replicas.scale(2, signal);
    const r = await fetch(`${target.baseUrl()}/light`);
    await r.arrayBuffer();
    assert.equal((await proxyUpstreams(target.baseUrl())).length, 2);
    const names = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const x = await fetch(`${target.baseUrl()}/light`);
      await x.arrayBuffer();
      names.add(x.headers.get('x-served-by') ?? '?');
    }
    assert.deepEqual([...names].sort(), ['local-1', 'local-4'], 'a new replica gets a new name');
  });

  it('a crashed host refuses to scale until it is restored', async () => {
    const { nodes, replicas } = target.capabilities();
    await nodes!.crash('host');
    await assert.rejects(replicas!.scale(3, signal), /must wait until the crashed host is back/);
    await nodes!.restore('host');
    await replicas!.scale(1, signal);
    assert.equal((await proxyUpstreams(target.baseUrl())).length, 1);
  });
});

describe('local rollout torn down midway', { timeout: 60_000 }, () => {
  it('teardown while a rollout is still starting replicas leaves no process behind', async () => {
    const target = new LocalTarget({ env: {}, replicas: 2 });
    const signal = new AbortController().signal;
    try {
      await target.deploy({ runId: `unit-rollout-${process.pid}`, appVersion: 'v1', hpa: { scaleUpStabilizationS: 0, scaleDownStabilizationS: 0 }, onProgress: () => undefined, signal });
      const pidsBefore = target.pids();
      await target.capabilities().workloads!.rollOut('v2');
      await target.teardown({ fast: false });
      // the rollout loop would start the next replica once the one it is waiting on is gone
      await new Promise((r) => setTimeout(r, 3000));
      const alive = [...new Set([...pidsBefore, ...target.pids()])].filter((pid) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      });
      assert.deepEqual(alive, [], 'no app or proxy process outlives teardown');
    } finally {
      await target.teardown({ fast: true });
    }
  });
});
