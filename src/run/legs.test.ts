import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Target } from '../targets/target.ts';
import { legsOf } from './legs.ts';

const t = (name: string): Target => ({ name }) as Target;

describe('legsOf', () => {
  it('one repetition: every target once, in the order given, keyed by its name', () => {
    assert.deepEqual(legsOf([t('compose'), t('kind')]).map((l) => [l.key, l.repetition, l.repetitions]), [['compose', 0, 1], ['kind', 0, 1]]);
  });
  it('repeated: interleaved A B B A A B so drift hits both sides, each leg keyed <name>.rep<k>', () => {
    const legs = legsOf([t('compose'), t('kind')], 3);
    assert.deepEqual(legs.map((l) => l.key), ['compose.rep1', 'kind.rep1', 'kind.rep2', 'compose.rep2', 'compose.rep3', 'kind.rep3']);
    assert.deepEqual(legs.map((l) => l.repetition), [0, 0, 1, 1, 2, 2]);
    assert.ok(legs.every((l) => l.repetitions === 3));
  });
  it('each target runs equally often in the first and the second half of a run (even repeat)', () => {
    const legs = legsOf([t('a'), t('b'), t('c')], 4);
    const positions = (name: string): number => legs.reduce((s, l, i) => s + (l.target.name === name ? i : 0), 0);
    assert.equal(positions('a'), positions('b'));
    assert.equal(positions('b'), positions('c'));
  });
});
