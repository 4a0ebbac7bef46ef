/**
 * `capbench run … --driver k6 --target local` end to end on real k6, every version
 * test/k6-kit.ts finds (on CI: v1.3.0 and v2.2.0), as a user runs it, time-scaled hard
 * (quick profiles × 0.03 ≈ 6–7 s of load each; the rolling update × 0.1). Per version:
 *  - the quick spike: saved and reported; every request k6 wrote is on the timeline, and in
 *    the user's own output (--k6-out csv=k6.csv, the README's example);
 *  - a threshold failure (an SLO nobody meets): k6 exits 99, the run is still saved, reported
 *    and says so;
 *  - Ctrl-C mid-run, as a terminal sends it (SIGINT to the whole process group): capbench
 *    exits 130, k6 got one SIGINT and exited 105 gracefully, the partial run is saved and
 *    reportable;
 *  - the open model (arrival rate);
 *  - node-crash and rolling-update on local (the rollout's versions come from k6's own
 *    capbench_version counter).
 * Local-target runs are processes on loopback: no Docker, no lock. Fails when no real k6 is
 * found, unless CAPBENCH_SKIP_K6=1.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readRun, type SavedRun } from '../../src/store/run-store.ts';
import { cli, tempDir, type CliResult } from '../cli-harness.ts';
import { realK6sOrError, skipK6, type RealK6 } from '../k6-kit.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const SCALE = ['--quick', '--time-scale', '0.03'];
const { k6s, missing } = await realK6sOrError();

interface K6Run {
  cli: CliResult;
  saved: SavedRun;
  runDir: string;
  /** targets/local/driver/k6-result.json */
  k6: Record<string, unknown>;
}

function savedRun(out: string, r: CliResult, k6: RealK6): K6Run {
  const dirs = existsSync(out) ? readdirSync(out) : [];
  assert.equal(dirs.length, 1, `one run directory in ${out}\n${r.err}\n${r.out}`);
  const runDir = join(out, dirs[0]!);
  const saved = readRun(runDir);
  assert.equal(saved.record.driver, 'k6');
  assert.equal(saved.record.versions['driver'], k6.version.line);
  const k6Result = JSON.parse(readFileSync(join(runDir, 'targets/local/driver/k6-result.json'), 'utf8')) as Record<string, unknown>;
  return { cli: r, saved, runDir, k6: k6Result };
}

async function run(k6: RealK6, args: string[]): Promise<K6Run> {
  const out = tempDir('capbench-k6-e2e-');
  const r = await cli([...args, '--driver', 'k6', '--target', 'local', '--out', out], { env: { ...process.env, K6_BIN: k6.path }, cwd: REPO });
  return savedRun(out, r, k6);
}

/** http_req_duration points k6 wrote, counted straight from its NDJSON (no parser code) */
function k6Requests(runDir: string): { total: number; failed: number } {
  const lines = readFileSync(join(runDir, 'targets/local/driver/k6.ndjson'), 'utf8').split('\n').filter((l) => l.includes('"metric":"http_req_duration","type":"Point"'));
  return { total: lines.length, failed: lines.filter((l) => l.includes('"expected_response":"false"')).length };
}

function timeline(saved: SavedRun): { requests: number; failures: number } {
  const load = saved.series['local']!.load;
  return { requests: load.reduce((n, s) => n + s.requests, 0), failures: load.reduce((n, s) => n + s.failures, 0) };
}

/** The real CLI in its own process group; 3 s into the load, SIGINT to the whole group — what Ctrl-C in a terminal does. */
function ctrlC(k6: RealK6, out: string): Promise<CliResult & { sentAtMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'bin/capbench.js'), 'run', 'spike', ...SCALE, '--driver', 'k6', '--target', 'local', '--out', out, '--no-report'], {
      cwd: REPO,
      env: { ...process.env, K6_BIN: k6.path },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let sentAtMs = 0;
    let loadStarted = false;
    const guard = setTimeout(() => { if (child.pid) process.kill(-child.pid, 'SIGKILL'); }, 90_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!loadStarted && /local: load starts/.test(stdout)) {
        loadStarted = true;
        setTimeout(() => {
          if (child.pid === undefined || child.exitCode !== null) return;
          sentAtMs = Date.now();
          process.kill(-child.pid, 'SIGINT');
        }, 3000);
      }
    });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code: code ?? -1, out: stdout, err: stderr, sentAtMs });
    });
  });
}

describe('capbench run --driver k6 --target local (real k6)', { skip: skipK6 }, () => {
  if (missing) it('real k6 is installed', () => { throw missing; });
  for (const k6 of k6s) {
    describe(`k6 ${k6.tag}`, () => {
      it('quick spike: saved and reported; every request k6 wrote is on the timeline', async () => {
        // the README's example: a CSV output of the user's beside capbench's NDJSON
        const r = await run(k6, ['run', 'spike', ...SCALE, '--k6-out', 'csv=k6.csv']);
        assert.equal(r.cli.code, 0, r.cli.err + r.cli.out);
        assert.match(r.cli.out, new RegExp(`driver: k6 \\(${k6.version.line.replace(/[()]/g, '\\$&')} at ${k6.path}, from K6_BIN\\)`));
        assert.equal(r.saved.record.status, 'completed');
        const t = r.saved.record.targets[0]!;
        assert.equal(t.status, 'completed', t.error);
        const k = k6Requests(r.runDir);
        assert.ok(k.total > 100, `k6 made requests (${k.total})`);
        assert.deepEqual(timeline(r.saved), { requests: k.total, failures: k.failed });
        const csv = readFileSync(join(r.runDir, 'targets/local/driver/k6.csv'), 'utf8').split('\n').filter((l) => l.startsWith('http_req_duration,'));
        assert.equal(csv.length, k.total, '--k6-out csv=k6.csv: the CSV in the run\'s driver directory has every request too');
        assert.ok([0, 99].includes(r.k6['exitCode'] as number), `k6 exit ${String(r.k6['exitCode'])}`);
        assert.ok(t.durationS !== undefined && t.durationS >= 7, `about 7 s of load (got ${t.durationS})`);
        assert.ok(existsSync(join(r.runDir, 'report/index.html')));
        assert.match(readFileSync(join(r.runDir, 'report/index.html'), 'utf8'), /"driver":"k6"/);
      });

      it('threshold failure: k6 exits 99, the run is still saved and reported, and says so', async () => {
        const slo = join(tempDir('capbench-k6-slo-'), 'impossible.yaml');
        writeFileSync(slo, 'scenarios:\n  spike:\n    gates:\n      p95Ms: 0.001\n      errorRate: 0.01\n');
        const r = await run(k6, ['run', 'spike', ...SCALE, '--slo', slo]);
        assert.equal(r.cli.code, 0, r.cli.err + r.cli.out);
        assert.equal(r.k6['exitCode'], 99);
        assert.equal(r.k6['thresholdsCrossed'], true);
        assert.ok((r.k6['args'] as string[]).includes('SLO_P95_MS=0.001'), 'k6 got the SLO as its threshold');
        const t = r.saved.record.targets[0]!;
        assert.equal(r.saved.record.status, 'completed');
        assert.equal(t.status, 'completed');
        assert.ok(t.notes.some((n) => /k6 exited 99: thresholds on metrics '[^']*http_req_duration[^']*' have been crossed/.test(n)), t.notes.join('\n'));
        assert.ok(timeline(r.saved).requests > 100);
        assert.ok(existsSync(join(r.runDir, 'report/summary.md')), 'reported');
      });

      it('Ctrl-C mid-run: exit 130, k6 got one SIGINT and exited 105 gracefully, the partial run is saved and reportable', async () => {
        const out = tempDir('capbench-k6-ctrlc-');
        const r = await ctrlC(k6, out);
        assert.ok(r.sentAtMs > 0, `Ctrl-C was sent during load\n${r.out}\n${r.err}`);
        assert.equal(r.code, 130, r.err + r.out);
        assert.match(r.err, /interrupted; the partial run is saved and reportable/);
        const s = savedRun(out, { code: r.code, out: r.out, err: r.err }, k6);
        assert.equal(s.saved.record.status, 'interrupted');
        assert.equal(s.k6['exitCode'], 105, 'what real k6 exits with after SIGINT');
        assert.equal(s.k6['stoppedByCapbench'], true);
        const stderr = readFileSync(join(s.runDir, 'targets/local/driver/k6-stderr.log'), 'utf8');
        assert.equal(stderr.match(/test run was aborted because k6 received a 'interrupt' signal/g)?.length, 1, 'one SIGINT reached k6 (its own process group)');
        assert.doesNotMatch(stderr, /Aborting k6 in response to signal/, 'no hard stop');
        assert.ok(existsSync(join(s.runDir, 'targets/local/driver/summary-export.json')), 'k6 stopped gracefully and wrote its summary export');
        const k = k6Requests(s.runDir);
        assert.ok(k.total > 0);
        assert.equal(timeline(s.saved).requests, k.total, 'everything k6 measured before the stop is on the timeline');
        const load = s.saved.series['local']!.load;
        assert.ok(load.length >= 2 && load.length < 7, `partial: ${load.length} of 7 s`);
        const rep = await cli(['report', s.runDir], { cwd: REPO });
        assert.equal(rep.code, 0, rep.err + rep.out);
        assert.ok(existsSync(join(s.runDir, 'report/index.html')));
      });

      it('open model: arrival rate, completed, every request on the timeline', async () => {
        const r = await run(k6, ['run', 'spike', ...SCALE, '--model', 'open', '--no-report']);
        assert.equal(r.cli.code, 0, r.cli.err + r.cli.out);
        assert.equal(r.saved.record.model, 'open');
        assert.ok((r.k6['args'] as string[]).includes('MODEL=open'));
        const k = k6Requests(r.runDir);
        assert.ok(k.total > 50, `requests ${k.total}`);
        assert.deepEqual(timeline(r.saved), { requests: k.total, failures: k.failed });
      });

      it('node-crash on local: the host goes down and comes back; k6 records the failures', async () => {
        const r = await run(k6, ['run', 'node-crash', ...SCALE, '--reboot-delay', '2', '--no-report']);
        assert.equal(r.cli.code, 0, r.cli.err + r.cli.out);
        const t = r.saved.record.targets[0]!;
        assert.equal(t.status, 'completed', t.error);
        assert.equal(t.faults.length, 1);
        assert.equal(t.faults[0]!.kind, 'node-crash');
        assert.ok(t.faults[0]!.endMs !== undefined, 'the host came back');
        const k = k6Requests(r.runDir);
        assert.ok(k.failed > 0, 'requests failed while the host was down');
        assert.deepEqual(timeline(r.saved), { requests: k.total, failures: k.failed });
      });

      it('rolling-update on local: v1 then v2, seen through k6\'s capbench_version counter', async () => {
        // × 0.1 (16 s): the rollout (one replica after the other) must finish inside the run —
        // at × 0.03 it may not, and the local target then leaks the replica it was starting
        const r = await run(k6, ['run', 'rolling-update', '--quick', '--time-scale', '0.1', '--no-report']);
        assert.equal(r.cli.code, 0, r.cli.err + r.cli.out);
        const t = r.saved.record.targets[0]!;
        assert.equal(t.status, 'completed', t.error);
        assert.equal(t.faults[0]?.kind, 'rolling-update');
        assert.ok(t.faults[0]?.endMs !== undefined, 'the rollout finished inside the run');
        const load = r.saved.series['local']!.load;
        const first = load.find((s) => Object.keys(s.versions).length > 0)!;
        const last = [...load].reverse().find((s) => Object.keys(s.versions).length > 0)!;
        assert.deepEqual(Object.keys(first.versions), ['v1']);
        assert.deepEqual(Object.keys(last.versions), ['v2']);
        const counted = load.reduce((n, s) => n + Object.values(s.versions).reduce((a, b) => a + b, 0), 0);
        assert.ok(counted > 0 && counted <= timeline(r.saved).requests);
      });
    });
  }
});
