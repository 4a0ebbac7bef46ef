import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunProgressEvent } from '../run/run.ts';
import { fakeLoadSecond } from '../testing/fake-driver.ts';
import { fakeRun } from '../testing/fake-run.ts';
import { ProgressPrinter } from './progress.ts';

function printed(events: RunProgressEvent[]): string[] {
  const lines: string[] = [];
  const p = new ProgressPrinter((l) => lines.push(l));
  for (const e of events) p.on(e);
  return lines;
}

describe('ProgressPrinter', () => {
  it('one load line about every 10 s and one for the last second: VUs, req/s, p95, errors, ready replicas', () => {
    const events: RunProgressEvent[] = [{ kind: 'platform-second', target: 'local', second: { t: 0, desiredReplicas: 2, readyReplicas: 1 } }];
    for (let t = 0; t < 25; t++) {
      const failures = t >= 20 ? 10 : 0;
      events.push({ kind: 'load-second', target: 'local', totalS: 25, second: fakeLoadSecond(t, { requests: 40, failures, latencyMs: t < 10 ? 20 : 300, vus: 10 + t }) });
    }
    assert.deepEqual(printed(events), [
      '[local]   10/25 s ·  19 VUs ·   40 req/s · p95 20 ms · errors 0.0 % · ready 1/2',
      '[local]   20/25 s ·  29 VUs ·   40 req/s · p95 300 ms · errors 0.0 % · ready 1/2',
      '[local]   25/25 s ·  34 VUs ·   40 req/s · p95 300 ms · errors 25.0 % · ready 1/2',
    ]);
  });

  it('each leg counts its own seconds', () => {
    const second = (target: string, t: number): RunProgressEvent => ({ kind: 'load-second', target, totalS: 10, second: fakeLoadSecond(t, { requests: 5, latencyMs: 10 }) });
    const lines = printed([second('local', 0), second('compose', 0), ...Array.from({ length: 9 }, (_, i) => second('local', i + 1))]);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^\[local\] +10\/10 s/);
  });

  it('a whole fake run prints the lines users know, once each', async () => {
    const f = fakeRun({ target: { local: { rebootDelayS: 3 } } });
    const { runDir } = await f.run();
    const lines = printed(f.events);
    const runId = runDir.split('/').at(-1)!;
    assert.deepEqual(lines.filter((l) => !l.startsWith('[local]')), [
      `run ${runId}: node-crash (quick, time × 0.2), 36 s of load per target, driver builtin, closed model, a new connection per iteration → ${runDir}`,
      'local: deploying',
      'local: fake replicas up',
      'local: ready at http://127.0.0.1:9 after 0.0 s',
      'local: warming up for 2 s with 5 VUs (not measured)',
      'local: load starts (node-crash, 36 s)',
      'local: crashing node host (2 app replicas on it)',
      'local: node host restored',
      'local: tearing down',
    ]);
    assert.equal(lines.filter((l) => l.startsWith('[local]')).length, 4, 'load lines at 10, 20, 30 and 36 s');
  });

  it('a repeated run says which repetition each leg is; a single run says nothing at leg start', () => {
    assert.deepEqual(printed([
      { kind: 'leg-start', target: 'kind.rep2', repetition: 1, repetitions: 5, index: 2, count: 10 },
      { kind: 'leg-start', target: 'kind', repetition: 0, repetitions: 1, index: 0, count: 1 },
    ]), ['kind.rep2: repetition 2 of 5 (leg 3 of 10)']);
  });
});
