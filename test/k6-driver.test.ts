/**
 * The k6 driver on real k6, every version test/k6-kit.ts finds (on CI: v1.3.0 and v2.2.0),
 * against a loopback server that counts what it answered. The scenario is the real
 * scenarios/spike.ts (quick profile × 0.02 ≈ 5 s of load). Per version:
 *  - thresholds crossed (an SLO no server meets) → exit 99 is a result; every response the
 *    server sent is on the timeline (server count = summary-export = timeline); the user's
 *    own outputs (K6_OUT Prometheus remote write, --k6-out CSV) ran beside capbench's NDJSON;
 *    k6 < v2 has its REST API off (6565 may be taken without a warning);
 *  - abort mid-run → exactly one SIGINT reaches k6: exit 105, graceful (summary export
 *    written, no hard stop), the seconds so far are the result;
 *  - a script that throws → exit 107, a HarnessError carrying k6's last stderr lines.
 * Fails when no real k6 is found, unless CAPBENCH_SKIP_K6=1.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Clock } from '../src/model/clock.ts';
import { HarnessError, type LoadSecond } from '../src/model/index.ts';
import { findK6 } from '../src/load/k6/find-k6.ts';
import { K6Driver } from '../src/load/k6/k6-driver.ts';
import { loadPlan } from '../src/scenario/load-profile.ts';
import { realK6sOrError, skipK6 } from './k6-kit.ts';
import { tempDir } from './cli-harness.ts';

const { k6s, missing } = await realK6sOrError();
const plan = (slo = { p95Ms: 750, errorRate: 0.5 }) => loadPlan('spike', { quick: true, model: 'closed', timeScale: 0.02, slo });

/** Loopback app: every 20th response 503; x-app-version / x-served-by set; counts what it sent. */
class CountingServer {
  readonly sent = { total: 0, s503: 0, byReplica: {} as Record<string, number> };
  /** Prometheus remote-write requests received (the K6_OUT output); not app responses */
  remoteWrites = 0;
  private server: Server = createServer((req, res) => {
    if (req.url === '/api/v1/write') {
      this.remoteWrites++;
      req.resume();
      res.writeHead(204).end();
      return;
    }
    const n = ++this.sent.total;
    const replica = `replica-${n % 2}`;
    this.sent.byReplica[replica] = (this.sent.byReplica[replica] ?? 0) + 1;
    if (n % 20 === 0) this.sent.s503++;
    setTimeout(() => {
      res.writeHead(n % 20 === 0 ? 503 : 200, { 'x-app-version': 'v1', 'x-served-by': replica, 'content-type': 'text/plain' });
      res.end(req.url ?? '');
    }, 5);
  });
  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    const a = this.server.address();
    return `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  }
  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

function run(driver: K6Driver, baseUrl: string, outDir: string, p = plan(), signal = new AbortController().signal) {
  const seconds: LoadSecond[] = [];
  const clock = new Clock();
  return { seconds, clock, result: driver.run({ plan: p, baseUrl, clock, signal, onSecond: (s) => seconds.push(s), outDir }) };
}

describe('k6 driver on real k6', { skip: skipK6 }, () => {
  if (missing) it('real k6 is installed', () => { throw missing; });
  for (const k6 of k6s) {
    describe(`k6 ${k6.tag}`, () => {
      const env = { ...process.env, K6_BIN: k6.path };
      const server = new CountingServer();
      let baseUrl = '';
      before(async () => { baseUrl = await server.start(); });
      after(() => server.stop());

      it('thresholds crossed (exit 99) is a result: every response on the timeline, the user\'s outputs beside, no REST API', async () => {
        const dir = tempDir('capbench-k6-real-');
        // the port k6 < v2 would open its REST API on: taken, so a REST API would warn
        const blocker = createTcpServer();
        await new Promise<void>((r) => { blocker.once('error', () => r()); blocker.listen(6565, 'localhost', r); });
        const userEnv = { ...env, K6_OUT: 'experimental-prometheus-rw', K6_PROMETHEUS_RW_SERVER_URL: `${baseUrl}/api/v1/write` };
        const driver = new K6Driver({ env: userEnv, findK6: () => findK6({ env: userEnv }), outputs: ['csv=user.csv'], warmUp: async () => {} });
        assert.equal(await driver.version(), k6.version.line);
        const before = { ...server.sent };
        const { seconds, clock, result } = run(driver, baseUrl, dir, plan({ p95Ms: 0.001, errorRate: 0.5 }));
        const r = await result;
        blocker.close();
        const sent = server.sent.total - before.total;
        const sent503 = server.sent.s503 - before.s503;

        assert.equal(r.interrupted, false);
        assert.equal(r.summary['exitCode'], 99);
        assert.equal(r.summary['thresholdsCrossed'], true);
        assert.ok(r.warnings.some((w) => /k6 exited 99: thresholds on metrics '[^']*http_req_duration[^']*' have been crossed/.test(w)), r.warnings.join('\n'));
        assert.ok(clock.started);
        seconds.forEach((s, i) => assert.equal(s.t, i, 'seconds in order, no holes'));
        assert.ok(seconds.length >= 5 && seconds.length <= 9, `about 5 s of load (got ${seconds.length} s)`);
        assert.equal(r.durationS, seconds.length);

        // three independent counts agree: the server's, k6's own summary, capbench's timeline
        const exported = JSON.parse(readFileSync(join(dir, 'summary-export.json'), 'utf8')) as { metrics: { http_reqs: { count: number }; http_req_failed: { passes: number } } };
        const onTimeline = seconds.reduce((n, s) => n + s.requests, 0);
        assert.ok(sent > 20, `the server answered requests (${sent})`);
        assert.equal(onTimeline, sent, 'every response the server sent is on the timeline');
        assert.equal(exported.metrics.http_reqs.count, sent);
        assert.equal(seconds.reduce((n, s) => n + s.failures, 0), sent503);
        assert.equal(exported.metrics.http_req_failed.passes, sent503);
        assert.equal(seconds.reduce((n, s) => n + (s.failuresByReason['status_503'] ?? 0), 0), sent503);
        const versions = seconds.reduce((n, s) => n + (s.versions['v1'] ?? 0), 0);
        assert.equal(versions, sent, 'capbench_version counted every response');

        // the user's outputs ran beside capbench's NDJSON
        const csvRows = readFileSync(join(dir, 'user.csv'), 'utf8').split('\n').filter((l) => l.startsWith('http_req_duration,'));
        assert.equal(csvRows.length, sent, '--k6-out csv=user.csv got every request');
        assert.ok(server.remoteWrites > 0, 'K6_OUT=experimental-prometheus-rw pushed to the remote-write URL');
        const args = r.summary['args'] as string[];
        assert.deepEqual(args.filter((a, i) => args[i - 1] === '--out'), [`json=${join(dir, 'k6.ndjson')}`, 'experimental-prometheus-rw', 'csv=user.csv']);

        // REST API: off before v2 (--address=), not started by v2; either way no API warning with 6565 taken
        assert.equal(args.includes('--address='), k6.version.major < 2);
        const stderr = readFileSync(join(dir, 'k6-stderr.log'), 'utf8');
        assert.doesNotMatch(stderr, /API server/);

        const saved = JSON.parse(readFileSync(join(dir, 'k6-result.json'), 'utf8')) as Record<string, unknown>;
        assert.equal(saved['exitCode'], 99);
        assert.equal(saved['exitMeaning'], 'code 99 (thresholds crossed)');
        assert.equal(saved['k6Version'], k6.version.line);
        assert.equal(saved['requests'], sent);
      });

      it('abort mid-run: one SIGINT, k6 exits 105 gracefully (summary export written), the seconds so far are the result', async () => {
        const dir = tempDir('capbench-k6-real-');
        const driver = new K6Driver({ env, findK6: () => findK6({ env }), warmUp: async () => {} });
        const ac = new AbortController();
        const before = server.sent.total;
        const { seconds, result } = run(driver, baseUrl, dir, plan(), ac.signal);
        // abort once requests are flowing (the driver has emitted a second or the server has answered)
        const t0 = Date.now();
        while (server.sent.total - before < 10 && Date.now() - t0 < 15_000) await new Promise((r) => setTimeout(r, 50));
        await new Promise((r) => setTimeout(r, 1000));
        const abortedAt = Date.now();
        ac.abort();
        const r = await result;
        const stopMs = Date.now() - abortedAt;
        assert.equal(r.interrupted, true);
        assert.equal(r.summary['exitCode'], 105, 'k6 exits 105 (external abort) after SIGINT');
        assert.ok(stopMs < 5000, `k6 stopped within 5 s of the SIGINT (took ${stopMs} ms)`);
        const stderr = readFileSync(join(dir, 'k6-stderr.log'), 'utf8');
        assert.equal(stderr.match(/test run was aborted because k6 received a 'interrupt' signal/g)?.length, 1, stderr);
        assert.doesNotMatch(stderr, /Aborting k6 in response to signal/, 'no second signal, so no hard stop');
        assert.ok(!r.warnings.some((w) => w.includes('no summary export')), 'a graceful stop writes the summary export');
        const exported = JSON.parse(readFileSync(join(dir, 'summary-export.json'), 'utf8')) as { metrics: { http_reqs: { count: number } } };
        const onTimeline = seconds.reduce((n, s) => n + s.requests, 0);
        assert.ok(onTimeline > 0);
        assert.equal(onTimeline, exported.metrics.http_reqs.count, 'everything k6 counted before it stopped is on the timeline');
      });

      it('a script that throws: exit 107 is a HarnessError carrying k6\'s last stderr lines', async () => {
        const dir = tempDir('capbench-k6-real-');
        const scenariosDir = join(dir, 'scenarios');
        mkdirSync(scenariosDir);
        writeFileSync(join(scenariosDir, 'spike.ts'), [
          "for (let i = 0; i < 25; i++) console.error('noise ' + i);",
          "throw new Error('the scenario is broken');",
          'export default function (): void {}',
          '',
        ].join('\n'));
        const driver = new K6Driver({ env, findK6: () => findK6({ env }), scenariosDir, warmUp: async () => {} });
        await assert.rejects(run(driver, baseUrl, join(dir, 'out')).result, (e: unknown) => {
          assert.ok(e instanceof HarnessError);
          assert.match(e.message, /k6 run must exit 0 or 99 \(got code 107 \(script exception\)\)/);
          assert.match(e.message, /the scenario is broken/);
          assert.match(e.message, /noise 24/);
          assert.doesNotMatch(e.message, /noise 1"/, 'only the last lines');
          assert.match(e.hint ?? '', /k6-stderr\.log/);
          return true;
        });
      });
    });
  }
});
