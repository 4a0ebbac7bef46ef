import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { HarnessError } from '../../model/index.ts';
import { ms } from '../format.ts';
import { loadReportRun } from '../runs.ts';
import { CLAIM_FIGURES, claims, loadClaimsFile, parseClaims, SEED_CLAIMS_FILE } from './claims.ts';

const spike = fileURLToPath(new URL('../../../test/fixtures/runs/spike-60s', import.meta.url));
const one = (over: Record<string, unknown>): unknown => ({ claims: [{ topic: 't', scenario: 'spike', platform: 'kubernetes', claimed: '1 s', measure: { figure: 'p95-latency', window: 'spike' }, ...over }] });

test('the seeds claims file loads: every claim names a known figure', () => {
  const c = loadClaimsFile();
  assert.equal(c.file, SEED_CLAIMS_FILE);
  assert.equal(c.claims.length, 14);
  for (const x of c.claims) assert.ok(x.measure ? Object.hasOwn(CLAIM_FIGURES, x.measure.figure) : x.plan !== undefined);
  assert.deepEqual(c.claims[0], { topic: 'average latency at 100 users', scenario: 'spike', platform: 'kubernetes', claimed: '2.1 s', measure: { figure: 'avg-latency', window: 'spike' } });
});

test('a bad claims file says where and what is valid', () => {
  const cases: Array<[unknown, RegExp]> = [
    [{}, /^f\.yaml: claims must be a list \(got nothing\)$/],
    [one({ measure: { figure: 'median-latency' } }), /^f\.yaml: claims\[0\]\.measure\.figure must be one of avg-latency, p95-latency, error-rate, throughput, scale-up, downtime, disruption \(got "median-latency"\)$/],
    [one({ measure: { figure: 'p95-latency', window: 'peak' } }), /^f\.yaml: claims\[0\]\.measure\.window must be a window of spike \(.*spike.*\) \(got "peak"\)$/],
    [one({ scenario: 'soak' }), /^f\.yaml: claims\[0\]\.scenario must be one of spike, node-crash, rolling-update, capacity \(got "soak"\)$/],
    [one({ platform: 'nomad' }), /^f\.yaml: claims\[0\]\.platform must be one of kubernetes, compose, local \(got "nomad"\)$/],
    [one({ topic: '' }), /^f\.yaml: claims\[0\]\.topic must be a non-empty string \(got ""\)$/],
  ];
  for (const [data, re] of cases) {
    assert.throws(() => parseClaims(data, 'f.yaml'), (e: unknown) => e instanceof HarnessError && e.exitCode === 3 && re.test(e.message), String(re));
  }
  const dir = mkdtempSync(join(tmpdir(), 'capbench-claims-'));
  writeFileSync(join(dir, 'bad.yaml'), 'claims: [');
  assert.throws(() => loadClaimsFile(join(dir, 'bad.yaml')), /bad\.yaml: contents must be valid YAML/);
});

test('claims list the targets that measured them, formatted by the one formatter; unmeasured ones say what would', () => {
  const run = loadReportRun(spike);
  const k8s = run.targets.find((t) => t.run.name === 'local-k8s')!;
  const got = claims(loadClaimsFile(), [run]);
  const avg = got.find((c) => c.topic === 'average latency at 100 users' && c.platform === 'kubernetes')!;
  assert.deepEqual(avg.measured, [{ runId: 'spike-60s', target: 'local-k8s', value: ms(k8s.figures!.windows.find((w) => w.name === 'spike')!.avgMs) }]);
  assert.equal(avg.unmeasured, undefined);
  const crash = got.find((c) => c.scenario === 'node-crash' && c.platform === 'kubernetes')!;
  assert.deepEqual(crash.measured, []);
  assert.equal(crash.unmeasured, 'run node-crash (`npx capbench run node-crash --quick`)');
});
