import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { destructiveAllowed, isLocalContext } from './safety.ts';

describe('destructiveAllowed', () => {
  const table: Array<[string, boolean, boolean, boolean]> = [
    // context, created by capbench, --allow-destructive, allowed
    ['kind-capbench', false, false, true],
    ['kind-dev', false, false, true],
    ['minikube', false, false, true],
    ['capbench-local-k8s', false, false, true],
    ['capbench', true, false, true], // the minikube preset's profile: created by capbench
    ['prod-eu-1', false, false, false],
    ['gke_project_zone_cluster', false, false, false],
    ['kind', false, false, false], // not kind-*
    ['minikube-prod', false, false, false],
    ['prod-eu-1', false, true, true],
    ['arn:aws:eks:eu-west-1:1:cluster/x', true, false, true],
  ];
  for (const [ctx, created, allow, want] of table) {
    it(`${ctx} created=${created} allow=${allow} → ${want}`, () => {
      assert.equal(destructiveAllowed(ctx, { createdByCapbench: created, allowDestructive: allow }), want);
    });
  }
  it('isLocalContext', () => {
    assert.equal(isLocalContext('kind-x'), true);
    assert.equal(isLocalContext('docker-desktop'), false);
  });
});
