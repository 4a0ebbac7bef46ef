import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CpuMeter, cpuTimeNs } from './sampler.ts';

test('cpuTimeNs: first field of /proc/<pid>/schedstat; null when unreadable', () => {
  assert.equal(cpuTimeNs(42, (p) => (p === '/proc/42/schedstat' ? '1500000000 2000 30\n' : '')), 1.5e9);
  assert.equal(cpuTimeNs(42, () => { throw new Error('ENOENT'); }), null);
  assert.equal(cpuTimeNs(42, () => 'garbage'), null);
  const self = cpuTimeNs(process.pid);
  assert.ok(self === null || self > 0, 'this process has run');
});

test('CpuMeter: Δ CPU time / Δ wall time per key; first reading, a restart or a missing reading give null', () => {
  const m = new CpuMeter();
  assert.equal(m.cores('a', 1e9, 10_000_000_000n), null, 'first reading');
  assert.equal(m.cores('a', 1.5e9, 11_000_000_000n), 0.5, 'half a core over one second');
  assert.equal(m.cores('a', 3.5e9, 12_000_000_000n), 2, 'two cores');
  assert.equal(m.cores('a', 1e8, 13_000_000_000n), null, 'counter went back: a new process');
  assert.equal(m.cores('a', null), null);
  assert.equal(m.cores('a', 2e9, 14_000_000_000n), null, 'after a gap: first reading again');
  m.cores('b', 0, 1n);
  m.retain(new Set(['a']));
  assert.equal(m.cores('b', 1e9, 1_000_000_001n), null, 'b was forgotten');
});
