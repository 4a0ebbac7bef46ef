import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile, appendFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadSecond } from '../../model/index.ts';
import { mergeEncoded, percentileMs } from '../../measure/histogram.ts';
import { K6NdjsonParser, k6ErrorReason, parseK6Time, parseLines } from './ndjson-parser.ts';
import { LoadRecorder } from '../recorder.ts';
import { tailLines } from './tail-lines.ts';

const fixtures = fileURLToPath(new URL('../../../test/fixtures/k6/', import.meta.url));
const fixtureFile = path.join(fixtures, 'k6-output.jsonl');
/** the same script recorded with each k6 major (test/fixtures/k6/README.md) */
const recordings = [
  { k6: 'v1.3.0', dir: fixtures, requests: 718 },
  { k6: 'v2.2.0', dir: path.join(fixtures, 'v2.2.0'), requests: 668 },
];

interface Parsed {
  seconds: LoadSecond[];
  parser: K6NdjsonParser;
  recorder: LoadRecorder;
}

/** Run the real pipeline (tail → parser → recorder) over a finished file, as the driver does. */
async function parseFile(file: string, t0EpochMs: number): Promise<Parsed> {
  const seconds: LoadSecond[] = [];
  const recorder = new LoadRecorder((s) => seconds.push(s));
  const parser = new K6NdjsonParser(recorder, () => t0EpochMs);
  await parseLines(tailLines(file, { finished: () => true }), parser);
  const last = parser.stats.lastPointEpochMs;
  recorder.finish(last === null ? -1 : Math.floor((last - t0EpochMs) / 1000));
  return { seconds, parser, recorder };
}

const temps: string[] = [];
after(() => Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))));

async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), 'capbench-k6-'));
  temps.push(d);
  return d;
}

// ---- independent figures from the raw fixture: a plain JSON.parse loop, no parser code ----

interface RawPoint { metric: string; time: string; value: number; tags: Record<string, string> }

async function rawPoints(file: string): Promise<RawPoint[]> {
  const out: RawPoint[] = [];
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    if (line === '') continue;
    const o = JSON.parse(line) as { type: string; metric: string; data: { time: string; value: number; tags: Record<string, string> } };
    if (o.type === 'Point') out.push({ metric: o.metric, time: o.data.time, value: o.data.value, tags: o.data.tags });
  }
  return out;
}

/** whole seconds since `t0` of an RFC3339 UTC time, from the string's first 19 characters only */
function secondOf(time: string, t0WholeSecond: string): number {
  return (Date.parse(`${time.slice(0, 19)}Z`) - Date.parse(`${t0WholeSecond}Z`)) / 1000;
}

function nearestRank(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const v = sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
  assert.ok(v !== undefined);
  return v;
}

for (const rec of recordings) {
  test(`recorded k6 ${rec.k6} output: totals, failures, per-second counts, VUs match an independent count of the raw file`, async () => {
    const file = path.join(rec.dir, 'k6-output.jsonl');
    const raw = await rawPoints(file);
    const reqs = raw.filter((p) => p.metric === 'http_req_duration');
    const first = reqs[0];
    assert.ok(first);
    // t=0 = the whole second of the first request, so buckets are plain string arithmetic
    const t0 = first.time.slice(0, 19);
    const { seconds, parser, recorder } = await parseFile(file, Date.parse(`${t0}Z`));

    assert.equal(reqs.length, rec.requests, `the ${rec.k6} recording has ${rec.requests} requests (its summary-export http_reqs count)`);
    assert.equal(recorder.totalRequests, reqs.length);
    assert.equal(parser.stats.requests, reqs.length);
    const failed = reqs.filter((p) => p.tags['expected_response'] === 'false');
    assert.equal(recorder.totalFailures, failed.length);
    assert.equal(parser.stats.failures, failed.length);
    assert.deepEqual(parser.warnings, []);
    assert.equal(parser.stats.badLines, 0);
    assert.equal(recorder.lateOutcomes, 0);

    // summary-export from the same run agrees
    const exported = JSON.parse(await readFile(path.join(rec.dir, 'summary-export.json'), 'utf8')) as {
      metrics: { http_reqs: { count: number }; http_req_failed: { passes: number }; vus: { max: number } };
    };
    assert.equal(recorder.totalRequests, exported.metrics.http_reqs.count);
    assert.equal(recorder.totalFailures, exported.metrics.http_req_failed.passes);

    // per second: requests, failures, reasons
    const perSecond = new Map<number, { requests: number; failures: number; reasons: Record<string, number> }>();
    for (const p of reqs) {
      const t = secondOf(p.time, t0);
      const b = perSecond.get(t) ?? { requests: 0, failures: 0, reasons: {} };
      b.requests++;
      if (p.tags['expected_response'] === 'false') {
        b.failures++;
        const reason = `status_${p.tags['status']}`;
        b.reasons[reason] = (b.reasons[reason] ?? 0) + 1;
      }
      perSecond.set(t, b);
    }
    const lastT = Math.max(...perSecond.keys());
    assert.ok(seconds.length >= lastT + 1);
    seconds.forEach((s, i) => {
      assert.equal(s.t, i, 'no holes, in order');
      const want = perSecond.get(i) ?? { requests: 0, failures: 0, reasons: {} };
      assert.equal(s.requests, want.requests, `second ${i} requests`);
      assert.equal(s.failures, want.failures, `second ${i} failures`);
      assert.deepEqual(s.failuresByReason, want.reasons, `second ${i} reasons`);
    });
    assert.equal(seconds.reduce((n, s) => n + s.requests, 0), reqs.length);

    // VUs: the last vus point of each second; max = summary-export's max
    const vus = raw.filter((p) => p.metric === 'vus');
    assert.equal(Math.max(...seconds.map((s) => s.vus)), Math.max(...vus.map((p) => p.value)));
    assert.equal(Math.max(...seconds.map((s) => s.vus)), exported.metrics.vus.max);
    for (const p of vus) assert.equal(seconds[secondOf(p.time, t0)]?.vus, p.value);

    // the fixture's script has no capbench_version metric: nothing may be invented
    assert.ok(seconds.every((s) => Object.keys(s.versions).length === 0 && Object.keys(s.servedBy).length === 0));
  });

  test(`recorded k6 ${rec.k6} output: window p95/p99/max from merged histograms match nearest-rank of the raw values within HDR precision`, async () => {
    const file = path.join(rec.dir, 'k6-output.jsonl');
    const raw = await rawPoints(file);
    const reqs = raw.filter((p) => p.metric === 'http_req_duration');
    const t0 = reqs[0]!.time.slice(0, 19);
    const { seconds } = await parseFile(file, Date.parse(`${t0}Z`));
    const windows: Array<[number, number]> = [[0, 3], [3, 6], [6, 20], [0, 20], [5, 6]];
    for (const [from, to] of windows) {
      const values = reqs.filter((p) => { const t = secondOf(p.time, t0); return t >= from && t < to; }).map((p) => p.value);
      assert.ok(values.length > 0, `window ${from}-${to} has requests`);
      const h = mergeEncoded(seconds.filter((s) => s.t >= from && s.t < to).map((s) => s.histogram));
      assert.equal(h.totalCount, values.length, `window ${from}-${to} count`);
      for (const p of [50, 95, 99, 100]) {
        const want = nearestRank(values, p);
        const got = percentileMs(h, p);
        assert.ok(got !== null);
        // HDR with 3 significant digits: within 0.1 %; plus the µs rounding of recordMs
        assert.ok(Math.abs(got - want) <= want * 0.001 + 0.001, `window ${from}-${to} p${p}: got ${got}, raw ${want}`);
      }
    }
  });
}

test('parseK6Time: ns precision, zones, malformed', () => {
  assert.equal(parseK6Time('2026-11-24T01:04:59.036414541Z'), Date.parse('2026-11-24T01:04:59Z') + 36.414541);
  assert.equal(parseK6Time('2026-11-24T02:04:59.5+01:00'), Date.parse('2026-11-24T01:04:59Z') + 500);
  assert.equal(parseK6Time('2026-11-24T01:04:59Z'), Date.parse('2026-11-24T01:04:59Z'));
  assert.ok(Number.isNaN(parseK6Time('yesterday')));
});

test('k6ErrorReason: k6 error codes to failure reasons', () => {
  const cases: Array<[string, number, string]> = [
    ['1050', 0, 'timeout'],
    ['1211', 0, 'timeout'],
    ['1212', 0, 'ECONNREFUSED'],
    ['1220', 0, 'ECONNRESET'],
    ['1503', 503, 'status_503'],
    ['1404', 0, 'status_404'],
    ['1000', 0, 'k6_error_1000'],
    ['1337', 0, 'k6_error_1337'],
  ];
  for (const [code, status, want] of cases) assert.equal(k6ErrorReason(code, status), want, code);
});

// ---- SYNTHETIC input, written by the test (not from a real k6 run) ----

function point(metric: string, time: string, value: number, tags: Record<string, string>): string {
  return JSON.stringify({ metric, type: 'Point', data: { time, value, tags } });
}

test('SYNTHETIC: capbench_version counter points become per-second versions / servedBy; error codes become reasons', async () => {
  const dir = await tempDir();
  const file = path.join(dir, 'synthetic.ndjson');
  const req = (time: string, status: string, expected: string, extra: Record<string, string> = {}): string =>
    point('http_req_duration', time, 12.5, { status, expected_response: expected, name: 'work', ...extra });
  const ver = (time: string, version: string, servedBy: string): string =>
    point('capbench_version', time, 1, { version, served_by: servedBy, name: 'work' });
  const lines = [
    JSON.stringify({ type: 'Metric', data: { name: 'capbench_version', type: 'counter', contains: 'default', thresholds: [], submetrics: null }, metric: 'capbench_version' }),
    req('2030-01-01T00:00:00.100000000Z', '200', 'true'), ver('2030-01-01T00:00:00.100100000Z', 'v1', 'replica-0'),
    req('2030-01-01T00:00:00.200000000Z', '200', 'true'), ver('2030-01-01T00:00:00.200100000Z', 'v1', 'replica-1'),
    req('2030-01-01T00:00:01.300000000Z', '200', 'true'), ver('2030-01-01T00:00:01.300100000Z', 'v2', 'replica-0'),
    req('2030-01-01T00:00:01.400000000Z', '503', 'false', { error_code: '1503' }), ver('2030-01-01T00:00:01.400100000Z', 'v2', ''),
    req('2030-01-01T00:00:02.000000000Z', '0', 'false', { error_code: '1050' }),
    req('2030-01-01T00:00:02.500000000Z', '0', 'false', { error_code: '1212' }),
    req('2030-01-01T00:00:02.600000000Z', '0', 'false', { error_code: '1999' }),
    point('vus', '2030-01-01T00:00:01.000000000Z', 7, {}),
    point('dropped_iterations', '2030-01-01T00:00:02.100000000Z', 2, {}),
    // before t=0 (warm-up side): dropped by the recorder, not counted
    req('2029-12-31T23:59:59.900000000Z', '200', 'true'), ver('2029-12-31T23:59:59.900100000Z', 'v0', 'replica-9'),
  ];
  await writeFile(file, `${lines.join('\n')}\n`);
  const { seconds, parser, recorder } = await parseFile(file, Date.parse('2030-01-01T00:00:00Z'));
  assert.deepEqual(parser.warnings, []);
  assert.equal(seconds.length, 3);
  assert.deepEqual(seconds[0]?.versions, { v1: 2 });
  assert.deepEqual(seconds[0]?.servedBy, { 'replica-0': 1, 'replica-1': 1 });
  assert.deepEqual(seconds[1]?.versions, { v2: 2 });
  assert.deepEqual(seconds[1]?.servedBy, { 'replica-0': 1 });
  assert.deepEqual(seconds[1]?.failuresByReason, { status_503: 1 });
  assert.equal(seconds[1]?.vus, 7);
  assert.deepEqual(seconds[2]?.failuresByReason, { timeout: 1, ECONNREFUSED: 1, k6_error_1999: 1 });
  assert.equal(seconds[2]?.dropped, 2);
  assert.deepEqual(seconds[2]?.versions, {});
  assert.equal(recorder.totalRequests, 7);
  assert.equal(recorder.totalFailures, 4);
});

// ---- bad input, table-driven ----

interface BadCase {
  name: string;
  /** file content built from the fixture's lines */
  content: (fixtureLines: string[]) => string;
  requests: (fixtureLines: string[]) => number;
  badLines: number;
  warning: RegExp | null;
}

function countRequests(lines: string[]): number {
  return lines.filter((l) => l.startsWith('{"metric":"http_req_duration","type":"Point"')).length;
}

const badCases: BadCase[] = [
  {
    name: 'truncated last line (k6 killed mid-write)',
    content: (ls) => `${ls.slice(0, 50).join('\n')}\n${ls[51]!.slice(0, 40)}`,
    requests: (ls) => countRequests(ls.slice(0, 50)),
    badLines: 1,
    warning: /last line 51 is truncated/,
  },
  {
    name: 'garbage line in the middle',
    content: (ls) => [...ls.slice(0, 9), 'garbage{{', ...ls.slice(9)].join('\n'),
    requests: (ls) => countRequests(ls),
    badLines: 1,
    warning: /line 10 skipped \(not JSON\)/,
  },
  {
    name: 'JSON of the wrong shape in the middle',
    content: (ls) => [...ls.slice(0, 4), '[1,2,3]', '{"type":"Point","metric":"http_req_duration"}', ...ls.slice(4, 30)].join('\n'),
    requests: (ls) => countRequests(ls.slice(0, 30)),
    badLines: 2,
    warning: /line 5 skipped \(not a k6 Metric or Point\)/,
  },
  {
    name: 'empty file',
    content: () => '',
    requests: () => 0,
    badLines: 0,
    warning: null,
  },
  {
    name: 'a Point of an unknown metric',
    content: (ls) => [...ls.slice(0, 20), point('my_custom_thing', '2026-11-24T01:05:00.000000000Z', 3, {}), ...ls.slice(20, 40)].join('\n'),
    requests: (ls) => countRequests(ls.slice(0, 40)),
    badLines: 0,
    warning: null,
  },
];

test('bad input is skipped with a warning, never a crash', async (t) => {
  const fixtureLines = (await readFile(fixtureFile, 'utf8')).split('\n').filter((l) => l !== '');
  const t0 = Date.parse('2026-11-24T01:04:59Z');
  const dir = await tempDir();
  for (const c of badCases) {
    await t.test(c.name, async () => {
      const file = path.join(dir, `${c.name.replace(/\W+/g, '-')}.ndjson`);
      await writeFile(file, c.content(fixtureLines));
      const { parser, recorder } = await parseFile(file, t0);
      assert.equal(recorder.totalRequests, c.requests(fixtureLines));
      assert.equal(parser.stats.badLines, c.badLines);
      if (c.warning === null) assert.deepEqual(parser.warnings, []);
      else assert.match(parser.warnings.join('\n'), c.warning);
      assert.equal(parser.warnings.length, c.badLines);
    });
  }
  await t.test('unknown metric is ignored, not warned about', async () => {
    const file = path.join(dir, 'unknown-only.ndjson');
    await writeFile(file, `${point('my_custom_thing', '2026-11-24T01:05:00.000000000Z', 3, {})}\n`);
    const { parser, seconds } = await parseFile(file, t0);
    assert.equal(parser.stats.ignoredPoints, 1);
    assert.equal(parser.stats.points, 1);
    assert.deepEqual(parser.warnings, []);
    assert.equal(seconds.reduce((n, s) => n + s.requests, 0), 0);
  });
});

test('tailLines follows a file that is still being written, across partial lines', async () => {
  const dir = await tempDir();
  const file = path.join(dir, 'growing.ndjson');
  let finished = false;
  const got: string[] = [];
  const reading = (async () => {
    for await (const l of tailLines(file, { finished: () => finished, pollMs: 10 })) got.push(l);
  })();
  await new Promise((r) => setTimeout(r, 50)); // file does not exist yet: the tail waits
  await writeFile(file, 'one\ntw');
  await new Promise((r) => setTimeout(r, 50));
  await appendFile(file, 'o\nthr€');
  await new Promise((r) => setTimeout(r, 50));
  await appendFile(file, 'e\nlast-without-newline');
  finished = true;
  await reading;
  assert.deepEqual(got, ['one', 'two', 'thr€e', 'last-without-newline']);
});

test('tailLines keeps multi-byte characters split across reads', async () => {
  const dir = await tempDir();
  const file = path.join(dir, 'utf8.ndjson');
  await writeFile(file, 'ä€😀\r\nzwei\n');
  const got: string[] = [];
  for await (const l of tailLines(file, { finished: () => true, chunkBytes: 1 })) got.push(l);
  assert.deepEqual(got, ['ä€😀', 'zwei']);
});
