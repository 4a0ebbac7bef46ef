import assert from 'node:assert/strict';
import type { V1Endpoints } from '@kubernetes/client-node';
import { describe, it } from 'node:test';
import { FakeHaproxy } from '../../testing/fake-haproxy.ts';
import { SlotSync, type LbEvent } from './slot-sync.ts';

/** Endpoints of Service api with these ready pods (name, IP, node) */
function endpoints(...pods: Array<[string, string, string]>): V1Endpoints {
  return { subsets: pods.length === 0 ? [] : [{ addresses: pods.map(([name, ip, node]) => ({ ip, nodeName: node, targetRef: { kind: 'Pod', name } })), ports: [{ name: 'http', port: 8080 }] }] };
}

function setup(): { lb: FakeHaproxy; sync: SlotSync; events: LbEvent[]; errors: string[]; set: (ep: V1Endpoints | null | Error) => void } {
  const lb = new FakeHaproxy();
  const events: LbEvent[] = [];
  const errors: string[] = [];
  let ep: V1Endpoints | null | Error = null;
  const sync = new SlotSync({
    send: lb.send,
    readEndpoints: async () => {
      if (ep instanceof Error) throw ep;
      return ep;
    },
    onEvent: (e) => events.push(e),
    onError: (m) => errors.push(m),
  });
  return { lb, sync, events, errors, set: (x) => (ep = x) };
}

const A: [string, string, string] = ['api-a', '10.244.2.5', '127.0.0.2'];
const B: [string, string, string] = ['api-b', '10.244.3.6', '127.0.0.3'];
const C: [string, string, string] = ['api-c', '10.244.3.7', '127.0.0.3'];
const D: [string, string, string] = ['api-d', '10.244.2.8', '127.0.0.2'];

describe('SlotSync', () => {
  it('fills a slot per ready pod through the runtime API', async () => {
    const s = setup();
    s.set(endpoints(A, B));
    await s.sync.tick();
    assert.deepEqual(s.lb.serving, { api1: '10.244.2.5', api2: '10.244.3.6' });
    assert.deepEqual(s.lb.commands, [
      'set server api/api1 addr 10.244.2.5 port 8080',
      'set server api/api1 state ready',
      'set server api/api2 addr 10.244.3.6 port 8080',
      'set server api/api2 state ready',
      'show servers state api',
    ]);
    assert.deepEqual(s.events.map((e) => [e.kind, e.subject]), [['endpoint-added', 'api-a'], ['endpoint-added', 'api-b']]);
    assert.equal(s.events[0]!.detail, '127.0.0.2 api/api1 10.244.2.5:8080 joined the Service\'s endpoints: slot filled');
    assert.deepEqual(s.errors, []);
  });

  it('a node crash: HAProxy marks its pods down first, the endpoints controller removes them later, a replacement takes a freed slot', async () => {
    const s = setup();
    s.set(endpoints(A, B, C));
    await s.sync.tick();
    s.events.length = 0;
    // node 127.0.0.3 dies: the health checks fail for its pods, the Endpoints still list them
    s.lb.healthy(B[1], false);
    s.lb.healthy(C[1], false);
    await s.sync.tick();
    assert.deepEqual(s.events.map((e) => [e.kind, e.subject]), [['lb-server-down', 'api-b'], ['lb-server-down', 'api-c']]);
    assert.equal(s.events[0]!.detail, "127.0.0.3 api/api2 10.244.3.6:8080 marked down by HAProxy's health checks");
    await s.sync.tick();
    assert.equal(s.events.length, 2, 'no news while nothing changed');
    // NotReady: the endpoints controller removes them; a replacement starts elsewhere
    s.set(endpoints(A, D));
    await s.sync.tick();
    assert.deepEqual(s.events.slice(2).map((e) => [e.kind, e.subject]), [['endpoint-removed', 'api-b'], ['endpoint-removed', 'api-c'], ['endpoint-added', 'api-d']]);
    assert.deepEqual(s.lb.serving, { api1: '10.244.2.5', api2: '10.244.2.8' });
    assert.deepEqual([...s.sync.filled.keys()].sort(), [1, 2]);
  });

  it('a pod that comes back up after being marked down is reported up', async () => {
    const s = setup();
    s.set(endpoints(A));
    await s.sync.tick();
    s.lb.healthy(A[1], false);
    await s.sync.tick();
    s.lb.healthy(A[1], true);
    await s.sync.tick();
    assert.deepEqual(s.events.map((e) => e.kind), ['endpoint-added', 'lb-server-down', 'lb-server-up']);
  });

  it('a failed tick reports once, keeps what it finished, and the next one completes the work', async () => {
    const s = setup();
    s.set(new Error('connect ECONNREFUSED 127.0.0.1:16443'));
    await s.sync.tick();
    await s.sync.tick();
    assert.deepEqual(s.errors, ['connect ECONNREFUSED 127.0.0.1:16443']);
    s.set(endpoints(A, B));
    s.lb.failNext = new Error('HAProxy runtime API 127.0.0.4:31999: no answer');
    await s.sync.tick();
    assert.equal(s.sync.filled.size, 0, 'nothing counted as filled when its command failed');
    await s.sync.tick();
    assert.deepEqual(s.lb.serving, { api1: '10.244.2.5', api2: '10.244.3.6' });
    assert.equal(s.errors.length, 2);
  });

  it('an answer reporting an error is a failure, not a filled slot', async () => {
    const s = setup();
    const send = s.lb.send;
    s.lb.send = async (c) => (c.endsWith('state ready') ? 'No such server.\n' : send(c));
    const sync = new SlotSync({ send: (c) => s.lb.send(c), readEndpoints: async () => endpoints(A), onEvent: () => undefined, onError: (m) => s.errors.push(m) });
    await sync.tick();
    assert.equal(sync.filled.size, 0);
    assert.match(s.errors[0]!, /HAProxy runtime API: "set server api\/api1 state ready" must succeed \(got "No such server\."\)/);
  });

  it('start ticks until stop; stop waits for the tick in progress and is idempotent', async () => {
    const s = setup();
    s.set(endpoints(A));
    s.sync.start(1);
    while (s.lb.commands.filter((c) => c.startsWith('show')).length < 3) await new Promise((r) => setImmediate(r));
    await s.sync.stop();
    const n = s.lb.commands.length;
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(s.lb.commands.length, n, 'no tick after stop');
    await s.sync.stop();
  });
});
