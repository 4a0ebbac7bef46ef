import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadPlan } from './load-profile.ts';

test('loadPlan: connections default to the scenario\'s (per-iteration everywhere), --connections overrides; the profile carries the same', () => {
  for (const name of ['spike', 'node-crash', 'rolling-update']) {
    const own = loadPlan(name, { quick: true, model: 'closed' });
    assert.equal(own.connections, 'per-iteration', name);
    assert.equal(own.profile.connections, 'per-iteration', name);
    const vu = loadPlan(name, { quick: true, model: 'open', connections: 'per-vu' });
    assert.equal(vu.connections, 'per-vu', name);
    assert.equal(vu.profile.connections, 'per-vu', name);
  }
});
