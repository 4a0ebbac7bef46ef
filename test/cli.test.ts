import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { durationS, type Profile } from '../scenarios/lib/index.ts';
import { Interrupt } from '../src/run/interrupt.ts';
import { readRun } from '../src/store/run-store.ts';
import { cli, tempDir } from './cli-harness.ts';

describe('capbench CLI, in process', () => {
  it('run on the local target: a real quick spike (time × 0.05), saved and reportable', async () => {
    const out = tempDir();
    const r = await cli(['run', 'spike', '--quick', '--time-scale', '0.05', '--target', 'local', '--driver', 'builtin', '--out', out]);
    assert.equal(r.code, 0, r.err + r.out);
    assert.match(r.out, /\[local\] +\d+\/\d+ s · +\d+ VUs/, "progress lines while it runs");
    const dirs = readdirSync(out);
    assert.equal(dirs.length, 1);
    const saved = readRun(join(out, dirs[0]!));
    assert.equal(saved.record.status, 'completed');
    assert.equal(saved.record.driver, 'builtin');
    const local = saved.record.targets.find((t) => t.name === 'local')!;
    assert.equal(local.status, 'completed');
    const load = saved.series.local!.load;
    assert.ok(load.length >= 9, `9 s of load saved (got ${load.length})`);
    // figures cover exactly the profile's duration: a second of graceful stop after it is saved, not counted
    const profileS = durationS(saved.record.profile as Profile);
    const total = load.filter((s) => s.t < profileS).reduce((a, s) => a + s.requests, 0);
    assert.equal(local.figures!.overall.requests, total, 'figures come from the saved series');
    assert.ok(total > 50);
    assert.equal(local.figures!.overall.failures, 0);
    assert.ok(saved.series.local!.platform.some((p) => p.readyReplicas === 2), 'sampler saw 2 ready replicas');
    assert.ok(Math.max(...load.map((s) => s.vus)) >= 90, 'the spike reached ~100 VUs');
    assert.ok(saved.record.machine.cores > 0 && saved.record.versions.node);
  });

  it('Ctrl-C mid-run: exit 130, everything torn down, partial run saved and marked interrupted', async () => {
    const out = tempDir();
    const interrupt = new Interrupt();
    const timer = setTimeout(() => interrupt.trigger('interrupted by SIGINT'), 4000);
    const r = await cli(['run', 'spike', '--quick', '--time-scale', '0.2', '--target', 'local', '--driver', 'builtin', '--out', out, '--no-report'], { interrupt });
    clearTimeout(timer);
    assert.equal(r.code, 130, r.err + r.out);
    const dir = join(out, readdirSync(out)[0]!);
    const saved = readRun(dir);
    assert.equal(saved.record.status, 'interrupted');
    assert.ok(saved.series.local!.load.length > 0, 'partial series kept');
    assert.match(r.out, /local: tearing down/);
    const local = saved.record.targets.find((t) => t.name === 'local')!;
    const port = Number(new URL(local.baseUrl ?? 'http://x').port);
    assert.ok(port > 0);
    const res = await fetch(`${local.baseUrl}/readyz`).then(() => 'answered', () => 'refused');
    assert.equal(res, 'refused', 'the proxy is gone after teardown');
  });

  it('targets lists local as usable', async () => {
    const r = await cli(['targets']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^usable +local /m);
    assert.match(r.out, /^k6: /m);
  });

  it('report of something that is not a run directory says so (exit 2); of a corrupt run, names the file (exit 3)', async () => {
    const missing = await cli(['report', '/nonexistent/run']);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /run directory \/nonexistent\/run must exist/);
    assert.match(missing.err, /hint: /);
    const empty = tempDir();
    const notRun = await cli(['report', empty]);
    assert.equal(notRun.code, 2);
    assert.match(notRun.err, /run\.json must exist/);
    writeFileSync(join(empty, 'run.json'), '{ not json');
    const corrupt = await cli(['report', empty]);
    assert.equal(corrupt.code, 3);
    assert.match(corrupt.err, /run\.json must be valid JSON/);
  });

  it('report: prints only the files written; a lost summary.md fails the command (exit 1), the rest is still written', async () => {
    const out = tempDir();
    mkdirSync(join(out, 'summary.md'));
    const r = await cli(['report', 'test/fixtures/runs/spike-60s', '--out', out]);
    assert.equal(r.code, 1, r.err);
    assert.match(r.out, /^report: .*index\.html$/m);
    assert.doesNotMatch(r.out, /^summary: /m);
    assert.match(r.err, /summary\.md must be written \(got .*\)\nhint: the run itself is saved/);
    assert.ok(existsSync(join(out, 'index.html')));
  });

  it('unknown scenario and target list the valid names (exit 2)', async () => {
    const s = await cli(['run', 'spkie']);
    assert.equal(s.code, 2);
    assert.match(s.err, /unknown scenario "spkie"; valid: spike, node-crash, rolling-update, capacity, all/);
    const t = await cli(['run', 'spike', '--target', 'nomad']);
    assert.equal(t.code, 2);
    assert.match(t.err, /unknown target "nomad"; valid: .*local/);
  });

  it('the run directory has run.json and the series files', async () => {
    const out = tempDir();
    const r = await cli(['run', 'rolling-update', '--quick', '--time-scale', '0.1', '--target', 'local', '--driver', 'builtin', '--out', out, '--no-report']);
    assert.equal(r.code, 0, r.err + r.out);
    const dir = join(out, readdirSync(out)[0]!);
    for (const f of ['run.json', 'targets/local/load.ndjson', 'targets/local/platform.ndjson', 'targets/local/events.ndjson']) assert.ok(existsSync(join(dir, f)), f);
    const rec = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    const local = rec.targets[0];
    assert.equal(local.faults.length, 1, 'the rollout is a fault window');
    assert.equal(local.faults[0].kind, 'rolling-update');
    assert.ok(local.faults[0].endMs > local.faults[0].startMs, 'rollout finished');
    const saved = readRun(dir);
    const versions = new Set(saved.series.local!.load.flatMap((s) => Object.keys(s.versions)));
    assert.deepEqual([...versions].sort(), ['v1', 'v2'], 'traffic moved from v1 to v2');
  });
});
