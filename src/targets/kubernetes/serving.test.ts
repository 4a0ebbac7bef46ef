import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Deployment, V1Endpoints, V1Pod } from '@kubernetes/client-node';
import { deployment, endpoints, pod } from '../../testing/kube-objects.ts';
import { servingState } from './serving.ts';

describe('servingState', () => {
  const three = ['a', 'b', 'c'].map((n) => pod(n));
  const table: Array<[string, V1Deployment, V1Pod[], V1Endpoints | null, boolean]> = [
    ['every condition holds', deployment(3, { ready: 3 }), three, endpoints(['a', 'b', 'c']), true],
    ['controller has not seen the new spec', deployment(3, { ready: 3, gen: 3, obs: 2 }), three, endpoints(['a', 'b', 'c']), false],
    ['a pod not ready yet', deployment(3, { ready: 2 }), [pod('a'), pod('b'), pod('c', { ready: false })], endpoints(['a', 'b'], ['c']), false],
    ['endpoints lag behind the pods', deployment(3, { ready: 3 }), three, endpoints(['a', 'b']), false],
    ['a removed pod is still in the endpoints', deployment(2, { ready: 2 }), [pod('a'), pod('b'), pod('c', { terminating: true })], endpoints(['a', 'b', 'c']), false],
    ['a terminating pod out of the endpoints no longer counts', deployment(2, { ready: 2 }), [pod('a'), pod('b'), pod('c', { terminating: true })], endpoints(['a', 'b']), true],
    ['no endpoints object', deployment(1, { ready: 1 }), [pod('a')], null, false],
  ];
  for (const [name, d, pods, ep, done] of table) {
    it(name, () => assert.equal(servingState(d.spec!.replicas!, d, pods, ep).done, done, servingState(d.spec!.replicas!, d, pods, ep).detail));
  }
});

