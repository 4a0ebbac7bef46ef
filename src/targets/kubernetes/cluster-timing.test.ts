import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { clusterTiming, crashExpectation, flagValue, goDurationS, podToleration, timingDescription, upstreamDefaults } from './cluster-timing.ts';

const pod = (tolerationSeconds: number | undefined, key = 'node.kubernetes.io/unreachable'): V1Pod => ({
  spec: { containers: [], tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }, { key, operator: 'Exists', effect: 'NoExecute', ...(tolerationSeconds === undefined ? {} : { tolerationSeconds }) }] },
});

describe('cluster timing', () => {
  it('goDurationS reads Go durations as kube-controller-manager prints them', () => {
    const table: Array<[string, number | null]> = [['50s', 50], ['40s', 40], ['1m0s', 60], ['5m0s', 300], ['1m30s', 90], ['500ms', 0.5], ['1h', 3600], ['0', 0], ['', null], ['50', null], ['fast', null], ['5x', null]];
    for (const [text, want] of table) assert.equal(goDurationS(text), want, text);
  });

  it('flagValue: --flag=value and --flag value; the last one wins', () => {
    const args = ['kube-controller-manager', '--node-monitor-grace-period=40s', '--v=1', '--horizontal-pod-autoscaler-sync-period', '5s', '--node-monitor-grace-period=50s'];
    assert.equal(flagValue(args, 'node-monitor-grace-period'), '50s');
    assert.equal(flagValue(args, 'horizontal-pod-autoscaler-sync-period'), '5s');
    assert.equal(flagValue(args, 'node-monitor-period'), undefined);
  });

  it('upstream defaults: grace 40 s until 1.31, 50 s since 1.32; HPA sync 15 s', () => {
    assert.deepEqual(upstreamDefaults('v1.20.2'), { graceS: 40, monitorS: 5, hpaSyncS: 15 });
    assert.equal(upstreamDefaults('v1.31.9').graceS, 40);
    assert.equal(upstreamDefaults('v1.32.0').graceS, 50);
    assert.equal(upstreamDefaults('v1.34.1+k3s1').graceS, 50);
  });

  it('flags set on the controller manager win over defaults, each with its source', () => {
    const t = clusterTiming({ serverVersion: 'v1.20.2', controllerManagerArgs: ['--node-monitor-grace-period=50s', '--horizontal-pod-autoscaler-sync-period=5s'], argsSource: 'kube-controller-manager pid 42 on this host', appPods: [pod(30), pod(30)] });
    assert.deepEqual(t.nodeMonitorGracePeriod, { s: 50, source: '--node-monitor-grace-period=50s (kube-controller-manager pid 42 on this host)' });
    assert.equal(t.nodeMonitorPeriod.s, 5);
    assert.match(t.nodeMonitorPeriod.source, /^upstream default for v1\.20\.2, not set on the controller manager$/);
    assert.equal(t.hpaSyncPeriod.s, 5);
    assert.equal(t.podEvictionToleration.s, 30);
    assert.deepEqual(crashExpectation(t), { endpointsGoneS: [50, 55], evictedS: [80, 85] });
    assert.equal(timingDescription(t).nodeCrashTiming, "endpoints of a crashed node's pods removed ~50–55 s after the crash, pods evicted and replaced from ~80–85 s");
  });

  it('a control plane whose flags cannot be read: the version\'s defaults, said so', () => {
    const t = clusterTiming({ serverVersion: 'v1.33.1', controllerManagerArgs: null, argsSource: '', appPods: [pod(300)] });
    assert.equal(t.nodeMonitorGracePeriod.s, 50);
    assert.match(t.nodeMonitorGracePeriod.source, /could not be read/);
    assert.equal(t.hpaSyncPeriod.s, 15);
    assert.deepEqual(crashExpectation(t).evictedS, [350, 355]);
  });

  it('podToleration: none set = never evicted; pods that differ = the shortest, said so; no pods = unknown', () => {
    assert.equal(podToleration([pod(undefined)]).s, null);
    assert.match(podToleration([pod(undefined)]).source, /never evicted/);
    const mixed = podToleration([pod(30), pod(300)]);
    assert.equal(mixed.s, 30);
    assert.match(mixed.source, /differ: 30 s, 300 s/);
    assert.deepEqual(podToleration([]), { s: null, source: 'no app pods to read' });
    assert.equal(crashExpectation(clusterTiming({ serverVersion: 'v1.20.2', controllerManagerArgs: [], argsSource: 'x', appPods: [pod(undefined)] })).evictedS, null);
  });
});
