import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareToBaseline } from './baseline-regression.ts';

const base = [100, 102, 98, 101, 99];
const slower = base.map((v) => v + 20);

describe('baseline regression from intervals', () => {
  it('regressed when the whole interval of the worsening is above 0 (p95 up by 20 ms)', () => {
    const r = compareToBaseline({ baseline: base, current: slower, direction: 'lower-is-better' });
    assert.equal(r.verdict, 'regressed');
    assert.equal(r.shift.estimate, 20);
    assert.ok(r.worsening!.lower > 0 && r.worsening!.coverage > 0.95);
    assert.ok(r.pTwoSided < 0.05);
  });
  it('the same shift in a higher-is-better figure is an improvement, not a regression', () => {
    const r = compareToBaseline({ baseline: base, current: slower, direction: 'higher-is-better' });
    assert.equal(r.verdict, 'not-regressed');
    assert.equal(r.worsening!.estimate, -20);
  });
  it('overlapping runs are not flagged, whatever the percentage change of the medians', () => {
    const r = compareToBaseline({ baseline: [100, 130, 90, 120, 95], current: [125, 100, 140, 98, 115], direction: 'lower-is-better' });
    assert.equal(r.verdict, 'not-regressed');
    assert.ok(r.worsening!.lower <= 0);
  });
  it('a margin absorbs a worsening smaller than it', () => {
    assert.equal(compareToBaseline({ baseline: base, current: slower, direction: 'lower-is-better', marginAbs: 25 }).verdict, 'not-regressed');
  });
  it('cannot tell with a single run or 2 against 2 (66.7 % at most)', () => {
    assert.equal(compareToBaseline({ baseline: [100], current: [200], direction: 'lower-is-better' }).verdict, 'cannot-tell');
    const r = compareToBaseline({ baseline: [100, 101], current: [200, 201], direction: 'lower-is-better' });
    assert.equal(r.verdict, 'cannot-tell');
    assert.match(r.reason, /66\.67 %/);
  });
});
