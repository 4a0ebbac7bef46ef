import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HarnessError } from '../model/index.ts';
import { parseReplicas } from './replicas-flag.ts';

describe('--replicas', () => {
  it('takes whole counts in the order given', () => {
    assert.deepEqual(parseReplicas('1,2,4'), [1, 2, 4]);
    assert.deepEqual(parseReplicas(' 3 , 1 '), [3, 1]);
    assert.deepEqual(parseReplicas('32'), [32]);
  });
  for (const [text, says] of [
    ['', /none empty/],
    ['1,,2', /none empty/],
    ['1,2,', /none empty/],
    ['1.5', /1\.5 must be a whole number/],
    ['two', /two must be a whole number/],
    ['0', /0 must be ≥ 1/],
    ['-2', /-2 must be ≥ 1/],
    ['1,2,2', /2 must appear once/],
    ['33', /33 must be ≤ 32/],
  ] as const) {
    it(`refuses ${JSON.stringify(text)} (usage, naming flag and value)`, () => {
      assert.throws(() => parseReplicas(text), (e: unknown) => {
        assert.ok(e instanceof HarnessError);
        assert.equal(e.exitCode, 2);
        assert.match(e.message, /^--replicas: /);
        assert.match(e.message, says);
        assert.ok(e.message.includes(`(got ${JSON.stringify(text)})`));
        return true;
      });
    });
  }
});
