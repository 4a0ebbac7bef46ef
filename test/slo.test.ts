/**
 * One SLO: `capbench run … --slo FILE` changes time to recover, the charts' SLO lines, k6's
 * thresholds and the verdict alike. In process, on a fake Kubernetes target: the node-crash
 * leg runs on a fake clock with a fake driver whose users see a slow recovery (p95 500 ms
 * for 6 s after the node is back), then again with k6 (src/testing/fake-k6.ts) for the
 * threshold arguments k6 gets. Under the shipped SLO (p95 ≤ 1000 ms) the service recovers
 * 12 s after the crash; under a stricter file (p95 ≤ 250 ms) 18 s — past that file's
 * 15 s time-to-recover gate, so the verdict flips from GO to NO-GO.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { realTime, type TimeSource } from '../src/model/index.ts';
import type { ReportData } from '../src/report/index.ts';
import { readRun } from '../src/store/run-store.ts';
import { FakeTime } from '../src/testing/fake-clock.ts';
import { FakeDriver, type FakeSecond } from '../src/testing/fake-driver.ts';
import { writeFakeK6 } from '../src/testing/fake-k6.ts';
import { FakeTarget } from '../src/testing/fake-target.ts';
import { StepLog } from '../src/testing/step-log.ts';
import { cli, tempDir } from './cli-harness.ts';

const K6_LINES = fileURLToPath(new URL('./fixtures/k6/k6-output.jsonl', import.meta.url));
const STRICT = `scenarios:
  node-crash:
    windows: [baseline, recovery]
    gates: { p95Ms: 250, errorRate: 0.01, timeToRecoverS: 15 }
`;

/** node-crash quick × 0.2: the node is down from 6 s to 18 s; users see 500 ms until 24 s. */
function users(t: number): FakeSecond {
  if (t >= 6 && t < 18) return { requests: 50, failures: 50, latencyMs: 5 };
  return { requests: 50, latencyMs: t >= 18 && t < 24 ? 500 : 20 };
}

function fakes(time: TimeSource): { log: StepLog; createTarget: (name: string) => Promise<FakeTarget> } {
  const log = new StepLog();
  return { log, createTarget: async (name) => new FakeTarget({ log, time, name, kind: 'kubernetes' }) };
}

function embedded(htmlPath: string): ReportData {
  const m = /<script type="application\/json" id="capbench-data">([\s\S]*?)<\/script>/.exec(readFileSync(htmlPath, 'utf8'));
  assert.ok(m, `${htmlPath} embeds #capbench-data`);
  return JSON.parse(m[1]!) as ReportData;
}

/** A fake run through the CLI; what the run saved and what the report shows. */
async function fakeRun(slo: string[]) {
  const out = tempDir();
  const time = new FakeTime();
  const { createTarget } = fakes(time);
  const driver = new FakeDriver({ time, log: new StepLog(), second: users });
  const r = await cli(['run', 'node-crash', '--quick', '--time-scale', '0.2', '--target', 'kind', '--out', out, ...slo], { io: { createTarget, driver, time } });
  assert.equal(r.code, 0, r.err + r.out);
  const saved = readRun(join(out, readdirSync(out)[0]!));
  const report = embedded(join(saved.dir, 'report', 'index.html'));
  const hlines = report.charts.flatMap((c) => ((c.config.options.plugins as { capbenchBands?: { hlines?: Array<{ y: number; label: string }> } }).capbenchBands?.hlines ?? []));
  return { saved, report, hlines, driverSlo: driver.plans[0]!.slo };
}

/** The same scenario under k6 (a stand-in binary): the arguments of its `k6 run`. */
async function k6Run(slo: string[]): Promise<string[]> {
  const dir = tempDir();
  const lines = join(dir, 'lines.ndjson');
  writeFileSync(lines, readFileSync(K6_LINES, 'utf8').split('\n').slice(0, 200).join('\n') + '\n');
  const env = { ...process.env, K6_BIN: await writeFakeK6(dir), FAKE_K6_EXIT: '0', FAKE_K6_LINES: lines, FAKE_K6_ARGS: join(dir, 'args.ndjson') };
  const { createTarget } = fakes(realTime);
  const r = await cli(['run', 'node-crash', '--quick', '--time-scale', '0.2', '--target', 'kind', '--driver', 'k6', '--no-warmup', '--no-report', '--out', join(dir, 'out'), ...slo], { env, io: { createTarget } });
  assert.equal(r.code, 0, r.err + r.out);
  const calls = readFileSync(join(dir, 'args.ndjson'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as string[]);
  return calls.find((c) => c[0] === 'run')!;
}

describe('--slo FILE: one SLO for time to recover, charts, k6 thresholds and verdict', () => {
  it('the shipped SLO and a stricter file give each its own figures, lines, thresholds and verdict', async () => {
    const dir = tempDir();
    const strictFile = join(dir, 'strict.yaml');
    writeFileSync(strictFile, STRICT);

    const shipped = await fakeRun([]);
    const strict = await fakeRun(['--slo', strictFile]);

    // the run records and uses it: the plan the driver got, run.json's profile
    assert.deepEqual(shipped.driverSlo, { p95Ms: 1000, errorRate: 0.01 });
    assert.deepEqual(strict.driverSlo, { p95Ms: 250, errorRate: 0.01 });
    assert.deepEqual((strict.saved.record.profile as { slo: unknown }).slo, { p95Ms: 250, errorRate: 0.01 });

    // time to recover: in run.json and in the report alike
    const ttr = (x: typeof shipped): Array<number | null | undefined> => [x.saved.record.targets[0]!.figures!.faults[0]!.timeToRecoverS, x.report.runs[0]!.targets[0]!.figures!.faults[0]!.timeToRecoverS];
    assert.deepEqual(ttr(shipped), [12, 12], 'p95 500 ms meets 1000 ms: recovered when the node is back');
    assert.deepEqual(ttr(strict), [18, 18], 'p95 500 ms misses 250 ms: recovered only when latency is back');

    // charts: the SLO lines
    assert.deepEqual(strict.report.runs[0]!.slo, { p95Ms: 250, errorRate: 0.01 });
    assert.ok(strict.hlines.some((h) => h.y === 250 && h.label === 'SLO p95 250 ms'), JSON.stringify(strict.hlines));
    assert.ok(shipped.hlines.some((h) => h.y === 1000 && h.label === 'SLO p95 1000 ms'), JSON.stringify(shipped.hlines));
    assert.ok(!strict.hlines.some((h) => h.y === 1000));

    // verdict: the stricter SLO's slower recovery misses that file's 15 s gate
    assert.equal(shipped.report.verdict.verdict, 'GO', shipped.report.verdict.reason);
    assert.equal(strict.report.verdict.verdict, 'NO-GO', strict.report.verdict.reason);
    assert.deepEqual(strict.report.verdict.failedGates.map((g) => [g.gate, g.limit, g.actual]), [['timeToRecoverS', 15, 18]]);
    assert.equal(strict.report.verdict.sloFile, strictFile);

    // k6: the same SLO as its thresholds
    const e = (args: string[]): string[] => args.filter((a) => a.startsWith('SLO_'));
    assert.deepEqual(e(await k6Run([])), ['SLO_P95_MS=1000', 'SLO_ERROR_RATE=0.01']);
    assert.deepEqual(e(await k6Run(['--slo', strictFile])), ['SLO_P95_MS=250', 'SLO_ERROR_RATE=0.01']);
  });
});
