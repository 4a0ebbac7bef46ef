/**
 * The acceptance check of generator health: a builtin-driver run whose event loop is
 * deliberately starved (a busy loop holds it ~200 ms of every ~250 ms) is judged INVALID,
 * and the reason says why. Real driver, real sampler, real /proc; the starvation is far
 * beyond every bound, so a busy machine only makes it more so.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { profiles, type Profile } from '../../scenarios/lib/index.ts';
import { generatorValidity, judgeSeconds } from '../measure/generator-bound.ts';
import { Clock, type GeneratorHealthSecond, type LoadSecond } from '../model/index.ts';
import { loadPlan } from '../scenario/load-profile.ts';
import { BuiltinDriver } from './builtin/builtin-driver.ts';
import { GeneratorHealthSampler } from './generator-health.ts';

let server: Server;
let port = 0;
before(async () => {
  server = createServer((_req, res) => res.end('x'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

function busyFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* starve the loop on purpose */ }
}

describe('a starved generator', () => {
  it('is generator-bound in most seconds and the run is INVALID with the reason', async () => {
    const p: Profile = { ...profiles.spike.quick, warmupS: 0, startVUs: 5, stages: [{ durationS: 3, target: 5 }], thinkTimeMs: { min: 50, max: 50 }, requests: [{ name: 'hello', method: 'GET', path: '/', weight: 1 }], faults: [] };
    const clock = new Clock();
    const load: LoadSecond[] = [];
    const health: GeneratorHealthSecond[] = [];
    const sampler = new GeneratorHealthSampler({ clock, emit: (h) => health.push(h) });
    sampler.start();
    const hog = setInterval(() => busyFor(200), 50);
    try {
      await new BuiltinDriver('test').run({
        plan: { ...loadPlan('spike', { quick: true, model: 'closed' }), profile: p },
        baseUrl: `http://127.0.0.1:${port}`,
        clock,
        signal: new AbortController().signal,
        onSecond: (s) => load.push(s),
        outDir: '/tmp',
        health: sampler,
      });
    } finally {
      clearInterval(hog);
      sampler.stop();
    }
    assert.deepEqual(health.map((h) => h.t).slice(0, 3), [0, 1, 2], 'one health record per second, no holes');
    assert.ok(health.every((h) => typeof h.inFlight === 'number'), 'the builtin driver reports in-flight requests');
    const judged = judgeSeconds({ load, health, driver: 'builtin', cores: 2 });
    const v = generatorValidity(judged);
    assert.equal(v.status, 'invalid', JSON.stringify({ health, v }));
    assert.ok(v.byCause['loop-delay'] >= 2, `loop delay seen: ${JSON.stringify(health.map((h) => h.loopDelayP99Ms))}`);
    assert.match(v.reason ?? '', /^the load generator could not keep its schedule in \d+ of \d+ s \(\d+\.\d % > 5 %\): .*event-loop delay p99 > 50 ms in \d+ s/);
  });
});
