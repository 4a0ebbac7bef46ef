/**
 * The connection model, counted server-side: the fixture app counts every TCP connection it
 * accepts. The real node-crash quick profile × 0.03 (30 VUs, ≈ 5 s of load, ≈ 1 s think
 * time), run by the builtin driver and by real k6 (every version test/k6-kit.ts finds):
 *  - per-vu: each VU keeps one connection, so the app accepts as many as there are VUs;
 *  - per-iteration: each iteration (one request) opens its own, so accepted = requests.
 * Fails when no real k6 is found, unless CAPBENCH_SKIP_K6=1 (then only the builtin runs).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectionModels, type ConnectionModel } from '../scenarios/lib/index.ts';
import { BuiltinDriver } from '../src/load/builtin/builtin-driver.ts';
import type { LoadDriver } from '../src/load/driver.ts';
import { findK6 } from '../src/load/k6/find-k6.ts';
import { K6Driver } from '../src/load/k6/k6-driver.ts';
import { Clock } from '../src/model/clock.ts';
import { loadPlan } from '../src/scenario/load-profile.ts';
import { startFixtureApp, type FixtureApp } from '../src/testing/fixture-app/index.ts';
import { tempDir } from './cli-harness.ts';
import { realK6sOrError, skipK6 } from './k6-kit.ts';

const { k6s, missing } = await realK6sOrError();
const VUS = 30;

let app: FixtureApp;
before(async () => {
  app = await startFixtureApp({ replicas: 2, concurrency: 100, mix: [{ ms: 5, weight: 1 }] });
});
after(() => app?.stop());

/** One run of node-crash quick × 0.03 with `connections`; the app's counts of it. */
async function measure(driver: LoadDriver, connections: ConnectionModel) {
  await app.reset();
  const plan = loadPlan('node-crash', { quick: true, model: 'closed', timeScale: 0.03, connections });
  assert.equal(plan.profile.startVUs, VUS);
  const r = await driver.run({ plan, baseUrl: app.baseUrl, clock: new Clock(), signal: new AbortController().signal, onSecond: () => {}, outDir: tempDir('capbench-connections-') });
  const s = await app.stats();
  return { requests: s.requests, accepted: s.connections.accepted, withRequests: s.connections.withRequests, driverRequests: r.summary['requests'] };
}

function check(name: string, driver: () => LoadDriver): void {
  for (const connections of connectionModels) {
    it(`${name}, ${connections}: ${connections === 'per-vu' ? 'one connection per VU' : 'one connection per iteration'}`, async () => {
      const m = await measure(driver(), connections);
      assert.ok(m.requests > 2 * VUS, `every VU made a few requests (${JSON.stringify(m)})`);
      if (connections === 'per-vu') {
        assert.equal(m.accepted, VUS, `accepted connections = VUs (${JSON.stringify(m)})`);
      } else {
        assert.equal(m.accepted, m.requests, `accepted connections = requests = iterations (${JSON.stringify(m)})`);
      }
      assert.equal(m.withRequests, m.accepted, 'every connection carried load');
    });
  }
}

describe('connection model, counted by the app', () => {
  check('builtin', () => new BuiltinDriver('test'));
  describe('real k6', { skip: skipK6 }, () => {
    if (missing) it('real k6 is installed', () => { throw missing; });
    for (const k6 of k6s) {
      const env = { ...process.env, K6_BIN: k6.path };
      check(`k6 ${k6.tag}`, () => new K6Driver({ env, findK6: () => findK6({ env }), warmUp: async () => {} }));
    }
  });
});
