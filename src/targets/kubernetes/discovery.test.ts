import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pickApiVersions, type ApiGroupList } from './discovery.ts';

function groups(g: Record<string, string[]>): ApiGroupList {
  return { groups: Object.entries(g).map(([name, vs]) => ({ name, versions: vs.map((v) => ({ groupVersion: `${name}/${v}` })) })) };
}

describe('pickApiVersions', () => {
  const table: Array<[string, Record<string, string[]>, { hpa: string; pdb: string } | RegExp]> = [
    ['1.20 (local-k8s)', { autoscaling: ['v1', 'v2beta1', 'v2beta2'], policy: ['v1beta1'] }, { hpa: 'autoscaling/v2beta2', pdb: 'policy/v1beta1' }],
    ['1.23', { autoscaling: ['v2', 'v1', 'v2beta1', 'v2beta2'], policy: ['v1', 'v1beta1'] }, { hpa: 'autoscaling/v2', pdb: 'policy/v1' }],
    ['1.30', { autoscaling: ['v2', 'v1'], policy: ['v1'] }, { hpa: 'autoscaling/v2', pdb: 'policy/v1' }],
    ['1.17 (no behavior)', { autoscaling: ['v1', 'v2beta1'], policy: ['v1beta1'] }, /must serve autoscaling\/v2 or autoscaling\/v2beta2 \(got autoscaling\/v1, autoscaling\/v2beta1\)/],
    ['no autoscaling group', { policy: ['v1'] }, /got no autoscaling group/],
  ];
  for (const [name, g, want] of table) {
    it(name, () => {
      if (want instanceof RegExp) assert.throws(() => pickApiVersions(groups(g)), want);
      else assert.deepEqual(pickApiVersions(groups(g)), want);
    });
  }
  it('reads the shape GET /apis returns', () => {
    const fake = JSON.parse(
      '{"kind":"APIGroupList","apiVersion":"v1","groups":[{"name":"autoscaling","versions":[{"groupVersion":"autoscaling/v1","version":"v1"},{"groupVersion":"autoscaling/v2beta1","version":"v2beta1"},{"groupVersion":"autoscaling/v2beta2","version":"v2beta2"}],"preferredVersion":{"groupVersion":"autoscaling/v1","version":"v1"}},{"name":"policy","versions":[{"groupVersion":"policy/v1beta1","version":"v1beta1"}],"preferredVersion":{"groupVersion":"policy/v1beta1","version":"v1beta1"}}]}',
    ) as ApiGroupList;
    assert.deepEqual(pickApiVersions(fake), { hpa: 'autoscaling/v2beta2', pdb: 'policy/v1beta1' });
  });
});
