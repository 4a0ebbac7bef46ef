import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HarnessError } from '../model/index.ts';
import { createTarget, targetNames, targetOptionsFromEnv } from './registry.ts';

test('every target offers the replicas capability, with its limit', async () => {
  const limits: Record<string, number> = {};
  for (const name of targetNames) {
    const t = await createTarget(name, { env: {}, runIsAlive: () => false, ...(name === 'kubernetes' ? { context: 'kind-x' } : {}) });
    limits[name] = t.capabilities().replicas?.max ?? 0;
  }
  assert.deepEqual(limits, { local: 16, compose: 32, 'local-k8s': 32, kind: 32, minikube: 32, kubernetes: 32 });
});

test('targetOptionsFromEnv: CAPBENCH_COMPOSE picks the Compose CLI; unset or empty = auto', () => {
  assert.deepEqual(targetOptionsFromEnv({}), {});
  assert.deepEqual(targetOptionsFromEnv({ CAPBENCH_COMPOSE: '' }), {});
  for (const v of ['auto', 'v1', 'v2'] as const) assert.deepEqual(targetOptionsFromEnv({ CAPBENCH_COMPOSE: v }), { composeCli: v });
});

test('targetOptionsFromEnv: a bad CAPBENCH_COMPOSE is a usage error listing the valid values', () => {
  for (const bad of ['V2', 'compose', '2']) {
    assert.throws(
      () => targetOptionsFromEnv({ CAPBENCH_COMPOSE: bad }),
      (err: unknown) => err instanceof HarnessError && err.exitCode === 2 && err.message === `CAPBENCH_COMPOSE: unknown Compose CLI ${JSON.stringify(bad)}; valid: auto, v1, v2`,
    );
  }
});
