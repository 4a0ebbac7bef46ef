import assert from 'node:assert/strict';
import type { V1Endpoints } from '@kubernetes/client-node';
import { describe, it } from 'node:test';
import { applyPlan, planSlots, readyBackends, type Backend } from './ingress-slots.ts';

const b = (pod: string, ip: string, node = '127.0.0.2'): Backend => ({ pod, ip, port: 8080, node });

describe('readyBackends', () => {
  it('the ready addresses with the http port, their pod and node; not-ready ones left out', () => {
    const ep: V1Endpoints = {
      subsets: [
        {
          addresses: [{ ip: '10.244.2.5', nodeName: '127.0.0.2', targetRef: { kind: 'Pod', name: 'api-a' } }, { ip: '10.244.3.6' }],
          notReadyAddresses: [{ ip: '10.244.4.7', targetRef: { name: 'api-c' } }],
          ports: [{ name: 'http', port: 8080 }],
        },
      ],
    };
    assert.deepEqual(readyBackends(ep), [b('api-a', '10.244.2.5'), { ip: '10.244.3.6', port: 8080, pod: '10.244.3.6', node: '-' }]);
  });

  it('none without Endpoints, subsets or a port', () => {
    assert.deepEqual(readyBackends(null), []);
    assert.deepEqual(readyBackends({}), []);
    assert.deepEqual(readyBackends({ subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ name: 'a', port: 1 }, { name: 'b', port: 2 }] }] }), []);
  });
});

describe('planSlots', () => {
  it('fills the lowest free slots at first', () => {
    const p = planSlots(new Map(), [b('a', '10.0.0.1'), b('b', '10.0.0.2')]);
    assert.deepEqual(p, { fill: [{ slot: 1, backend: b('a', '10.0.0.1') }, { slot: 2, backend: b('b', '10.0.0.2') }], empty: [], overflow: [] });
  });

  it('a backend keeps its slot; a departed one is emptied and its slot reused by a newcomer', () => {
    const now = new Map([[1, b('a', '10.0.0.1')], [2, b('b', '10.0.0.2')], [3, b('c', '10.0.0.3')]]);
    const p = planSlots(now, [b('a', '10.0.0.1'), b('c', '10.0.0.3'), b('d', '10.0.0.4', '127.0.0.3')]);
    assert.deepEqual(p.empty, [{ slot: 2, backend: b('b', '10.0.0.2') }]);
    assert.deepEqual(p.fill, [{ slot: 2, backend: b('d', '10.0.0.4', '127.0.0.3') }]);
    assert.deepEqual([...applyPlan(now, p)].sort(([x], [y]) => x - y), [[1, b('a', '10.0.0.1')], [2, b('d', '10.0.0.4', '127.0.0.3')], [3, b('c', '10.0.0.3')]]);
  });

  it('an address taken over by another pod is a new backend: emptied and filled again (same slot)', () => {
    const now = new Map([[1, b('a', '10.0.0.1')]]);
    const p = planSlots(now, [b('z', '10.0.0.1')]);
    assert.deepEqual(p, { fill: [{ slot: 1, backend: b('z', '10.0.0.1') }], empty: [{ slot: 1, backend: b('a', '10.0.0.1') }], overflow: [] });
  });

  it('nothing to do when the slots already match', () => {
    const now = new Map([[4, b('a', '10.0.0.1')]]);
    assert.deepEqual(planSlots(now, [b('a', '10.0.0.1')]), { fill: [], empty: [], overflow: [] });
  });

  it('everything emptied when the Service has no ready address', () => {
    const now = new Map([[1, b('a', '10.0.0.1')], [5, b('e', '10.0.0.5')]]);
    const p = planSlots(now, []);
    assert.deepEqual(p.empty.map((e) => e.slot), [1, 5]);
    assert.equal(applyPlan(now, p).size, 0);
  });

  it('more ready pods than slots: the rest overflow', () => {
    const p = planSlots(new Map(), [b('a', '10.0.0.1'), b('b', '10.0.0.2'), b('c', '10.0.0.3')], 2);
    assert.deepEqual(p.fill.map((f) => f.slot), [1, 2]);
    assert.deepEqual(p.overflow, [b('c', '10.0.0.3')]);
  });
});
