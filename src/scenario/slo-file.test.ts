import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ExitCode, HarnessError } from '../model/index.ts';
import { DEFAULT_SLO_FILE, loadSloFile } from './slo-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'capbench-slo-'));

function write(name: string, body: string): string {
  const p = join(dir, name);
  writeFileSync(p, body);
  return p;
}

test('the shipped default SLO file is valid and covers every scenario', () => {
  const s = loadSloFile(DEFAULT_SLO_FILE);
  assert.deepEqual(Object.keys(s.scenarios).sort(), ['node-crash', 'rolling-update', 'spike']);
  assert.equal(s.regressionMargin, 0.1);
  assert.equal(s.scenarios.spike!.gates.p95Ms, 1000);
  assert.equal(s.scenarios['node-crash']!.gates.timeToRecoverS, 60);
  assert.equal(s.scenarios['rolling-update']!.gates.failedRequestsDuringRollout, 0);
});

test('JSON SLO files are read too', () => {
  const p = write('ok.json', JSON.stringify({ scenarios: { spike: { gates: { p95Ms: 800 }, targets: { kind: { p95Ms: 900 } } } } }));
  const s = loadSloFile(p);
  assert.equal(s.scenarios.spike!.targets.kind!.p95Ms, 900);
});

const bad: Array<{ name: string; file: string; body: string | null; key: RegExp }> = [
  { name: 'missing file', file: 'nope.yaml', body: null, key: /nope\.yaml: SLO file must exist \(got nothing at / },
  { name: 'wrong extension', file: 'slo.toml', body: 'x = 1', key: /slo\.toml: file name must end in \.yaml, \.yml or \.json \(got "\.toml"\)/ },
  { name: 'YAML syntax error', file: 'syntax.yaml', body: 'scenarios: [unclosed', key: /syntax\.yaml: contents must be valid YAML \(got / },
  { name: 'JSON syntax error', file: 'syntax.json', body: '{"scenarios": ', key: /syntax\.json: contents must be valid JSON \(got / },
  { name: 'top level is a list', file: 'list.yaml', body: '- 1\n- 2\n', key: /list\.yaml: \(top level\) must be an object \(got a list/ },
  { name: 'empty file', file: 'empty.yaml', body: '', key: /empty\.yaml: \(top level\) must be an object \(got null\)/ },
  { name: 'missing scenarios', file: 'noscen.yaml', body: 'regressionMargin: 0.1\n', key: /noscen\.yaml: scenarios must be an object keyed by scenario .* \(got nothing\)/ },
  { name: 'unknown top-level key', file: 'topkey.yaml', body: 'scenarios: {}\nmargin: 1\n', key: /topkey\.yaml: margin must be one of the known keys .* \(got unknown key "margin"\)/ },
  { name: 'unknown scenario', file: 'scen.yaml', body: 'scenarios:\n  spiky:\n    gates: {}\n', key: /scen\.yaml: scenarios\.spiky must be a known scenario, one of spike, node-crash, rolling-update, capacity \(got "spiky"\)/ },
  { name: 'missing gates', file: 'nogates.yaml', body: 'scenarios:\n  spike:\n    windows: [spike]\n', key: /nogates\.yaml: scenarios\.spike\.gates must be an object of gate limits .* \(got nothing\)/ },
  { name: 'unknown gate key', file: 'gatekey.yaml', body: 'scenarios:\n  spike:\n    gates: { p99Ms: 5 }\n', key: /gatekey\.yaml: scenarios\.spike\.gates\.p99Ms must be one of the known keys p95Ms, errorRate/ },
  { name: 'gate of wrong type', file: 'type.yaml', body: 'scenarios:\n  spike:\n    gates: { p95Ms: "1s" }\n', key: /type\.yaml: scenarios\.spike\.gates\.p95Ms must be a number ≥ 0 \(got string "1s"\)/ },
  { name: 'negative gate', file: 'neg.yaml', body: 'scenarios:\n  spike:\n    gates: { downtimeS: -1 }\n', key: /neg\.yaml: scenarios\.spike\.gates\.downtimeS must be a number ≥ 0 \(got number -1\)/ },
  { name: 'error rate as percent', file: 'pct.yaml', body: 'scenarios:\n  spike:\n    gates: { errorRate: 5 }\n', key: /pct\.yaml: scenarios\.spike\.gates\.errorRate must be a fraction in \[0, 1\] \(0\.01 = 1 %\) \(got number 5\)/ },
  { name: 'bad regressionMargin', file: 'margin.yaml', body: 'regressionMargin: "10%"\nscenarios: {}\n', key: /margin\.yaml: regressionMargin must be a fraction in \[0, 10\] .* \(got string "10%"\)/ },
  { name: 'windows not a list', file: 'win.yaml', body: 'scenarios:\n  spike:\n    windows: spike\n    gates: {}\n', key: /win\.yaml: scenarios\.spike\.windows must be a list of window names \(got string "spike"\)/ },
  { name: 'target override bad', file: 'tgt.yaml', body: 'scenarios:\n  spike:\n    gates: {}\n    targets:\n      kind: { p95Ms: null }\n', key: /tgt\.yaml: scenarios\.spike\.targets\.kind\.p95Ms must be a number ≥ 0 \(got null\)/ },
  { name: 'duplicate key', file: 'dup.yaml', body: 'scenarios: {}\nscenarios: {}\n', key: /dup\.yaml: contents must be valid YAML \(got Map keys must be unique/ },
];

for (const c of bad) {
  test(`bad SLO file: ${c.name}`, () => {
    const p = c.body === null ? join(dir, c.file) : write(c.file, c.body);
    assert.throws(
      () => loadSloFile(p),
      (e: unknown) => {
        assert.ok(e instanceof HarnessError, `expected HarnessError, got ${String(e)}`);
        assert.equal(e.exitCode, ExitCode.badConfig);
        assert.match(e.message, c.key);
        assert.ok(e.message.startsWith(p), `message must start with the path: ${e.message}`);
        assert.ok(e.hint && e.hint.length > 0, 'a hint is attached');
        return true;
      },
    );
  });
}

test('sloFor: the file’s p95/error gates (target overrides on top), else the profile’s', async () => {
  const { sloFor, parseSlo } = await import('./slo-file.ts');
  const s = parseSlo({ scenarios: { spike: { gates: { p95Ms: 400 }, targets: { kind: { errorRate: 0.05 } } } } }, 'x.yaml');
  assert.deepEqual(sloFor(s, 'spike'), { p95Ms: 400, errorRate: 0.01 });
  assert.deepEqual(sloFor(s, 'spike', 'kind'), { p95Ms: 400, errorRate: 0.05 });
  assert.deepEqual(sloFor(s, 'node-crash'), { p95Ms: 1000, errorRate: 0.01 });
  // the shipped file agrees with the profiles, so k6 run standalone and the harness judge alike
  const shipped = loadSloFile(DEFAULT_SLO_FILE);
  for (const sc of ['spike', 'node-crash', 'rolling-update'] as const) assert.deepEqual(sloFor(shipped, sc), { p95Ms: 1000, errorRate: 0.01 });
});
