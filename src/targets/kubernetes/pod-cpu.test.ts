import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { PodCpu, cpuQuantityCores, podCores, type PodMetricsListLike } from './pod-cpu.ts';

test('cpuQuantityCores: the quantities metrics.k8s.io writes', () => {
  const table: Array<[string, number | null]> = [
    ['123456789n', 0.123456789],
    ['250u', 0.00025],
    ['5m', 0.005],
    ['1', 1],
    ['0.5', 0.5],
    ['2Ki', null],
    ['', null],
    ['-1m', null],
  ];
  for (const [q, want] of table) {
    const got = cpuQuantityCores(q);
    if (want === null) assert.equal(got, null, q);
    else assert.ok(got !== null && Math.abs(got - want) < 1e-12, `${q} → ${got}`);
  }
});

test('podCores: containers of a pod summed; a pod with an unreadable quantity is left out', () => {
  const list: PodMetricsListLike = {
    items: [
      { metadata: { name: 'a' }, containers: [{ name: 'app', usage: { cpu: '100m' } }, { name: 'side', usage: { cpu: '50000000n' } }] },
      { metadata: { name: 'b' }, containers: [{ name: 'app', usage: { cpu: 'weird' } }] },
      { metadata: { name: 'c' }, containers: [] },
    ],
  };
  const cores = podCores(list);
  assert.deepEqual([...cores.keys()], ['a']);
  assert.ok(Math.abs(cores.get('a')! - 0.15) < 1e-12);
});

test('PodCpu: readings handed on; withdrawn after three failed polls; unavailability told once when it never answered', async () => {
  const readings: Array<number | null> = [];
  const told: string[] = [];
  let fail = false;
  const cpu = new PodCpu({
    fetch: async () => {
      if (fail) throw new Error('503 service unavailable');
      return { items: [{ metadata: { name: 'a' }, containers: [{ name: 'app', usage: { cpu: '10m' } }] }] };
    },
    onReading: (m) => readings.push(m === null ? null : m.get('a') ?? -1),
    onUnavailable: (why) => told.push(why),
    periodMs: 20,
  });
  cpu.start();
  await sleep(30);
  fail = true;
  await sleep(120);
  cpu.stop();
  assert.equal(readings[0], 0.01);
  assert.ok(readings.includes(null), `withdrawn after failures (got ${readings.join(', ')})`);
  assert.equal(told.length, 0, 'it answered before: no note');

  const never = new PodCpu({ fetch: async () => Promise.reject(new Error('404 the server could not find the requested resource')), onReading: () => undefined, onUnavailable: (why) => told.push(why), periodMs: 10 });
  never.start();
  await sleep(60);
  never.stop();
  assert.equal(told.length, 1);
  assert.match(told[0]!, /^metrics\.k8s\.io does not answer \(404 the server could not find the requested resource\): app CPU \(cpuCores\) is not sampled/);
});
