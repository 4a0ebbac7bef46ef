import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeFixtureRun } from '../testing/report-fixtures.ts';
import { clockS, gateValue, ms, num, pct, rps, sec, shellCommand } from './format.ts';
import { renderReport } from './index.ts';

test('one number formatter: known answers', () => {
  const cases: Array<[string, string]> = [
    [ms(12_345), '12.3 s'],
    [ms(1234), '1.23 s'],
    [ms(999.4), '999 ms'],
    [ms(999.6), '1 s'],
    [ms(87.54), '87.5 ms'],
    [ms(0.25), '0.25 ms'],
    [ms(123_456), '123 s'],
    [ms(null), '–'],
    [sec(24), '24 s'],
    [sec(0.5), '0.5 s'],
    [sec(null, 'never'), 'never'],
    [pct(0.0307), '3.07 %'],
    [pct(0), '0 %'],
    [pct(0.00012), '0.012 %'],
    [pct(1), '100 %'],
    [rps(38.56), '38.6 req/s'],
    [num(1234.5), '1235'],
    [num(1e-9), '0.000000001'],
    [gateValue('p95Ms', 12_345), '12.3 s'],
    [gateValue('errorRate', 0.0394), '3.94 %'],
    [gateValue('failedRequestsDuringRollout', 72), '72 requests'],
    [gateValue('timeToRecoverS', null), 'none'],
    [clockS(-999_999_700), 'before load'],
    [clockS(61_234), '61.2'],
    [shellCommand(['capbench', 'run', 'spike', '--quick', '--target', 'auto']), 'npx capbench run spike --quick --target auto'],
    [shellCommand(['capbench', 'run', 'spike', '--slo', "it's.yaml"]), `npx capbench run spike --slo 'it'\\''s.yaml'`],
  ];
  for (const [got, want] of cases) assert.equal(got, want);
});

test('the same figure reads the same in index.html, summary.md and the claims table', async () => {
  const root = mkdtempSync(join(tmpdir(), 'capbench-format-'));
  // p95 of several seconds, where the three outputs used to round three ways
  const dir = writeFixtureRun(root, { runId: 'slow', scenario: 'spike', durationS: 60, targets: [{ name: 'compose', kind: 'compose', latencyFactor: 3.3 }, { name: 'local-k8s', kind: 'kubernetes' }] });
  const res = await renderReport({ runDirs: [dir], outDir: join(root, 'r'), pngLoader: async () => Promise.reject(new Error('no canvas')) });
  const compose = res.verdict.gates.find((g) => g.target === 'compose' && g.gate === 'p95Ms' && g.subject === 'spike')!;
  assert.ok(compose.actual! > 10_000, `p95 ${compose.actual} ms`);
  const shown = ms(compose.actual);
  const html = readFileSync(res.htmlPath, 'utf8');
  const md = readFileSync(res.summaryMdPath, 'utf8');
  assert.ok(html.includes(`<span class="muted">spike</span> ${shown}</div>`), `summary cell ${shown}`);
  assert.ok(html.includes(`compose: <b>${shown}</b>`), `claims cell ${shown}`);
  assert.ok(md.includes(`| spike | compose | compose | completed | **fail** (4) | ${shown} |`), `summary.md ${shown}`);
  assert.ok(md.includes(`p95 latency in spike: ${shown} > 1 s`), 'gate text');
});
