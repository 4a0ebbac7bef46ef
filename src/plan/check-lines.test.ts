import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HoldOutCheck } from '../model/plan-check.ts';
import { checkLines } from './check-lines.ts';

/** a hold-out record as hold-out.ts shapes it; the figures are made up, only the reading is checked */
const HELD: HoldOutCheck = { target: 'compose', fitOnCounts: [1, 2], predictedCount: 3, predicted: 120, band: [110, 130], measured: 100, errorPct: 20, within20pct: true, boundNote: null };
const lineOf = (h: HoldOutCheck): string => checkLines({ verification: null, verificationNote: 'not run', holdOut: [h], holdOutNotes: [] }).find((l) => l.startsWith('- **Hold-out**'))!;

describe('checkLines: the hold-out reading', () => {
  it('within, not within, or — when within20pct is null — no verdict and why, never a pass/fail reading', () => {
    assert.match(lineOf(HELD), /— within ±20 %$/);
    assert.match(lineOf({ ...HELD, errorPct: 25, within20pct: false }), /— \*\*not\*\* within ±20 %$/);
    assert.match(lineOf({ ...HELD, within20pct: null, boundNote: 'only a floor: host-bound' }), /— no verdict: only a floor: host-bound$/);
    assert.match(lineOf({ ...HELD, measured: 0, errorPct: null, within20pct: null }), /measured 0\.0 req\/s — no verdict: no measured figure to compare with$/);
  });
});
