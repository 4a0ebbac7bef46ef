import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTarget, targetNames } from './registry.ts';

test('every target offers the replicas capability, with its limit', async () => {
  const limits: Record<string, number> = {};
  for (const name of targetNames) {
    const t = await createTarget(name, { env: {}, runIsAlive: () => false, ...(name === 'kubernetes' ? { context: 'kind-x' } : {}) });
    limits[name] = t.capabilities().replicas?.max ?? 0;
  }
  assert.deepEqual(limits, { local: 16, compose: 32, 'local-k8s': 32, kind: 32, minikube: 32, kubernetes: 32 });
});
