import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { profiles, type Profile } from '../../../scenarios/lib/index.ts';
import type { LoadSecond } from '../../model/index.ts';
import { Clock } from '../../model/clock.ts';
import { BuiltinDriver, requestPicker } from './builtin-driver.ts';
import { loadPlan } from '../../scenario/load-profile.ts';

let server: Server;
let port = 0;
let served = 0;
before(async () => {
  server = createServer((req, res) => {
    served++;
    const status = req.url === '/fail' ? 503 : 200;
    const delay = req.url === '/slow' ? 3000 : 5;
    setTimeout(() => {
      res.writeHead(status, { 'x-app-version': 'v9', 'x-served-by': 'r1' });
      res.end('x');
    }, delay);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

function profile(over: Partial<Profile>): Profile {
  return { ...profiles.spike.quick, warmupS: 0, ...over };
}

async function drive(p: Profile, model: 'closed' | 'open' = 'closed', signal = new AbortController().signal) {
  const seconds: LoadSecond[] = [];
  const plan = { ...loadPlan('spike', { quick: true, model }), profile: p };
  const r = await new BuiltinDriver('test').run({ plan, baseUrl: `http://127.0.0.1:${port}`, clock: new Clock(), signal, onSecond: (s) => seconds.push(s), outDir: '/tmp' });
  return { r, seconds };
}

describe('builtin driver', () => {
  it('closed model follows the stages, counts every request once, records version headers', async () => {
    served = 0;
    const { r, seconds } = await drive(profile({ startVUs: 2, stages: [{ durationS: 2, target: 2 }, { durationS: 1, target: 6 }], thinkTimeMs: { min: 50, max: 50 }, requests: [{ name: 'a', method: 'GET', path: '/a', weight: 1 }] }));
    const total = seconds.reduce((a, s) => a + s.requests, 0);
    assert.equal(total, served, 'every request the server saw is in the timeline');
    assert.equal(r.summary.requests, total);
    assert.ok(seconds.length >= 3);
    assert.equal(seconds[0]!.vus, 2);
    assert.ok(Math.max(...seconds.map((s) => s.vus)) >= 4, 'VUs ramped up');
    assert.equal(seconds.reduce((a, s) => a + (s.versions.v9 ?? 0), 0), total);
    assert.equal(seconds.reduce((a, s) => a + s.failures, 0), 0);
  });
  it('status 503 and timeouts are failures with their reason', async () => {
    const { seconds } = await drive(profile({ startVUs: 2, stages: [{ durationS: 2, target: 2 }], thinkTimeMs: { min: 0, max: 0 }, timeoutMs: 300, requests: [{ name: 'f', method: 'GET', path: '/fail', weight: 1 }, { name: 's', method: 'GET', path: '/slow', weight: 1 }] }));
    const reasons: Record<string, number> = {};
    for (const s of seconds) for (const [k, v] of Object.entries(s.failuresByReason)) reasons[k] = (reasons[k] ?? 0) + v;
    assert.ok((reasons.status_503 ?? 0) > 0, JSON.stringify(reasons));
    assert.ok((reasons.timeout ?? 0) > 0, JSON.stringify(reasons));
    assert.equal(seconds.reduce((a, s) => a + s.failures, 0), seconds.reduce((a, s) => a + s.requests, 0));
  });
  it('open model sends about the arrival rate, regardless of response time', async () => {
    const { seconds } = await drive(profile({ startRate: 40, rateStages: [{ durationS: 3, target: 40 }], maxVUs: 50, requests: [{ name: 'a', method: 'GET', path: '/a', weight: 1 }] }), 'open');
    const total = seconds.reduce((a, s) => a + s.requests, 0);
    assert.ok(total >= 100 && total <= 130, `~120 requests in 3 s at 40/s (got ${total})`);
  });
  it('aborting stops the load and keeps what was measured', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 1200);
    const { r, seconds } = await drive(profile({ startVUs: 3, stages: [{ durationS: 30, target: 3 }], thinkTimeMs: { min: 20, max: 20 } }), 'closed', ac.signal);
    assert.equal(r.interrupted, true);
    assert.ok(r.durationS <= 3);
    assert.ok(seconds.reduce((a, s) => a + s.requests, 0) > 10);
  });
  it('request mix follows the weights', () => {
    let i = 0;
    const seq = [0.1, 0.5, 0.89, 0.95];
    const pick = requestPicker([{ name: 'a', method: 'GET', path: '/a', weight: 9 }, { name: 'b', method: 'GET', path: '/b', weight: 1 }], () => seq[i++]!);
    assert.deepEqual([pick().name, pick().name, pick().name, pick().name], ['a', 'a', 'a', 'b']);
  });
});
