import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PlatformSecond } from '../model/index.ts';
import type { SavedRun } from '../store/run-store.ts';
import { syntheticRun } from '../testing/capacity-run.ts';
import { spikeEvidence } from './spike-evidence.ts';

function saved(platform: PlatformSecond[], scaleUpReactionS: number | null): SavedRun {
  const record = syntheticRun('spike', [{ name: 'local-k8s', kind: 'kubernetes', status: 'completed', description: {}, versions: {}, faults: [], notes: [] }]);
  record.targets[0]!.figures = { scaleUpReactionS } as never;
  return { dir: '/nowhere', record, series: { 'local-k8s': { load: [], starts: [], platform, events: [], health: [] } } };
}

describe('spikeEvidence', () => {
  it('measures the pod start delay from the first raise of desired replicas to that many ready', () => {
    const p: PlatformSecond[] = [
      { t: 0, desiredReplicas: 2, readyReplicas: 2 },
      { t: 1, desiredReplicas: 2, readyReplicas: 2 },
      { t: 2, desiredReplicas: 4, readyReplicas: 2 },
      { t: 3, desiredReplicas: 4, readyReplicas: 3 },
      { t: 14, desiredReplicas: 6, readyReplicas: 3 },
      { t: 20, desiredReplicas: 6, readyReplicas: 4 },
    ];
    assert.deepEqual(spikeEvidence(saved(p, 2)), [{ target: 'local-k8s', scaleUpReactionS: 2, podStartDelayS: 18 }]);
  });
  it('says nothing it did not see', () => {
    assert.deepEqual(spikeEvidence(saved([{ t: 0, desiredReplicas: 2, readyReplicas: 2 }], null)), [{ target: 'local-k8s', scaleUpReactionS: null, podStartDelayS: null }]);
  });
});
