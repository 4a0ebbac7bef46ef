import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hostCpuPercent, parsePidStatTicks, parseProcStat } from './proc-stat.ts';

describe('parseProcStat: the aggregate cpu line of /proc/stat', () => {
  it('sums every state but guest, counts iowait as idle and keeps steal', () => {
    const text = 'cpu  100 10 40 800 20 5 5 20 7 3\ncpu0 50 5 20 400 10 2 3 10 7 3\nintr 1 2 3\n';
    assert.deepEqual(parseProcStat(text), { total: 1000, idle: 820, steal: 20 });
  });
  it('reads kernels that list fewer states (steal absent = 0)', () => {
    assert.deepEqual(parseProcStat('cpu 1 2 3 4\n'), { total: 10, idle: 4, steal: 0 });
  });
  const bad: Array<[string, string]> = [
    ['empty', ''],
    ['per-core line first', 'cpu0 1 2 3 4\n'],
    ['not numbers', 'cpu  a b c d\n'],
    ['too few fields', 'cpu  1 2\n'],
  ];
  for (const [name, text] of bad) it(`null for ${name}`, () => assert.equal(parseProcStat(text), null));
});

describe('hostCpuPercent: busy and steal between two readings', () => {
  it('busy = everything but idle and iowait, steal included; both as % of all cores', () => {
    // 2 cores × 100 ticks: 150 busy of which 20 steal, 50 idle/iowait
    const r = hostCpuPercent({ total: 1000, idle: 500, steal: 10 }, { total: 1200, idle: 550, steal: 30 });
    assert.deepEqual(r, { busyPercent: 75, stealPercent: 10 });
  });
  it('null when no tick passed', () => {
    assert.equal(hostCpuPercent({ total: 5, idle: 1, steal: 0 }, { total: 5, idle: 1, steal: 0 }), null);
  });
});

describe('parsePidStatTicks: utime + stime of /proc/<pid>/stat', () => {
  const tail = 'S 1 1 1 0 -1 4194304 102 0 0 0 1234 56 0 0 20 0 9 0 183238 3133440 389';
  it('reads fields 14 and 15', () => assert.equal(parsePidStatTicks(`4242 (k6) ${tail}`), 1290));
  it('counts fields after the last ")" of a command name with spaces and parentheses', () => {
    assert.equal(parsePidStatTicks(`4242 (k6 (x) y) ${tail}`), 1290);
  });
  it('null when not such a line', () => {
    assert.equal(parsePidStatTicks(''), null);
    assert.equal(parsePidStatTicks('4242 (k6) S 1 2'), null);
  });
});
