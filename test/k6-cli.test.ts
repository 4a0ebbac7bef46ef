/**
 * `capbench run … --driver k6` end to end, as far as it can go without k6: k6 cannot be
 * installed here, so K6_BIN points at a stand-in that replays the recorded k6 v1.3.0 output
 * (test/fixtures/k6/k6-output.jsonl) in real time, re-stamped from now, and answers
 * `k6 version` like k6 v1.3.0. The harness runs it exactly as it would run k6.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readRun } from '../src/store/run-store.ts';
import { cli, tempDir } from './cli-harness.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/k6/k6-output.jsonl', import.meta.url));

const REPLAY = String.raw`#!/usr/bin/env node
const fs = require('fs');
const args = process.argv.slice(2);
if (args[0] === 'version') { console.log('k6 v1.3.0 (go1.23.5, linux/amd64)'); process.exit(0); }
fs.writeFileSync(process.env.REPLAY_ARGS, JSON.stringify(args));
const out = args[args.indexOf('--out') + 1].replace(/^json=/, '');
const sum = args.find((a) => a.startsWith('--summary-export=')).slice(17);
const lines = fs.readFileSync(process.env.REPLAY_FIXTURE, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const t0 = Date.parse(lines.find((o) => o.type === 'Point').data.time);
const start = Date.now();
let i = 0;
const tick = () => {
  const now = Date.now() - start;
  const batch = [];
  while (i < lines.length && (lines[i].type !== 'Point' || Date.parse(lines[i].data.time) - t0 <= now)) {
    const o = lines[i++];
    if (o.type === 'Point') o.data.time = new Date(start + Date.parse(o.data.time) - t0).toISOString();
    batch.push(JSON.stringify(o));
  }
  if (batch.length) fs.appendFileSync(out, batch.join('\n') + '\n');
  if (i < lines.length) return setTimeout(tick, 200);
  fs.writeFileSync(sum, '{"metrics":{}}');
  process.exit(0);
};
tick();
`;

describe('--driver k6 through the CLI (replayed real k6 output)', () => {
  it('makes the same kind of run directory and report as the builtin driver', async () => {
    const dir = tempDir();
    const k6 = join(dir, 'k6');
    writeFileSync(k6, REPLAY);
    chmodSync(k6, 0o755);
    const out = join(dir, 'reports');
    const env = { ...process.env, K6_BIN: k6, REPLAY_FIXTURE: FIXTURE, REPLAY_ARGS: join(dir, 'args.json') };
    const r = await cli(['run', 'spike', '--driver', 'k6', '--target', 'local', '--quick', '--time-scale', '0.05', '--out', out], { env });
    assert.equal(r.code, 0, r.err + r.out);
    const args = JSON.parse(readFileSync(join(dir, 'args.json'), 'utf8')) as string[];
    assert.equal(args[0], 'run');
    assert.ok(args.some((a) => /^BASE_URL=http:\/\/127\.0\.0\.1:\d+$/.test(a)), 'k6 gets the target URL');
    assert.ok(args.at(-1)!.endsWith('scenarios/spike.ts'), 'k6 runs the scenario file as it is');
    const runDir = join(out, readdirSync(out)[0]!);
    const saved = readRun(runDir);
    assert.equal(saved.record.driver, 'k6');
    assert.match(saved.record.versions.driver ?? '', /k6 v1\.3\.0/);
    // independent count: http_req_duration points in the fixture
    const points = readFileSync(FIXTURE, 'utf8').split('\n').filter((l) => l.includes('"metric":"http_req_duration","type":"Point"'));
    const failed = points.filter((l) => l.includes('"expected_response":"false"'));
    const load = saved.series.local!.load;
    assert.equal(load.reduce((a, s) => a + s.requests, 0), points.length, 'every request of the k6 output is on the timeline');
    assert.equal(load.reduce((a, s) => a + s.failures, 0), failed.length);
    assert.ok(load.length >= 9, 'about 10 s of timeline');
    for (const f of ['run.json', 'timeline.csv', 'report/index.html', 'report/summary.md', 'targets/local/driver/k6.ndjson']) assert.ok(existsSync(join(runDir, f)), f);
    assert.match(readFileSync(join(runDir, 'report/index.html'), 'utf8'), /"driver":"k6"/);
  });
});
