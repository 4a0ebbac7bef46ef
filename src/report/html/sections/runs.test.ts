import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ReportRunData } from '../../data.ts';
import { timingLine } from './runs.ts';

type TargetData = ReportRunData['targets'][number];

const timing = {
  nodeMonitorGracePeriod: '50 s (--node-monitor-grace-period=50s (kube-controller-manager pid 7 on this host))',
  podEvictionToleration: '30 s (tolerationSeconds of node.kubernetes.io/unreachable on the app pods)',
  hpaSyncPeriod: '5 s (--horizontal-pod-autoscaler-sync-period=5s (kube-controller-manager pid 7 on this host))',
  nodeCrashTiming: "endpoints of a crashed node's pods removed ~50–55 s after the crash, pods evicted and replaced from ~80–85 s",
  nodeCrashEndpointsGoneByS: 55,
  nodeCrashEvictedByS: 85,
};
const target = (description: Record<string, string | number>, downS?: number): TargetData =>
  ({ name: 'local-k8s', description, faults: downS === undefined ? [] : [{ kind: 'node-crash', subject: '127.0.0.3', startMs: 30_000, endMs: 30_000 + downS * 1000 }] }) as unknown as TargetData;

it('timingLine: the recorded timing settings, and whether the crash outlasted eviction', () => {
  assert.equal(timingLine(target({ replicas: 2 })), null, 'no line for a target without timing (Compose, older runs)');
  const spike = timingLine(target(timing))!;
  assert.match(spike, /^local-k8s cluster timing: node monitor grace period 50 s \(--node-monitor-grace-period=50s .*; eviction toleration 30 s .*; HPA sync 5 s .*; endpoints of a crashed node&#39;s pods removed ~50–55 s after the crash, pods evicted and replaced from ~80–85 s$/);
  assert.match(timingLine(target(timing, 110))!, /the node was down 110 s, past eviction: the pods were rescheduled while it was down$/);
  assert.match(timingLine(target(timing, 42))!, /the node was down 42 s, less than eviction \(~85 s\): it came back before its pods were rescheduled$/);
});
