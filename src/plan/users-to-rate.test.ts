import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { meanThinkTimeMs, requestRatePerUser, requestRateToUsers, usersToRequestRate } from './users-to-rate.ts';

describe("users ↔ requests/s (Little's law, X = N / (R + Z))", () => {
  it('one user with 1 s think time and 250 ms responses sends 0.8 requests/s', () => {
    assert.equal(requestRatePerUser({ thinkTimeMs: 1000, responseTimeMs: 250 }), 0.8);
  });
  it('a uniform think time counts with its mean: [800, 1200] ms → 1000 ms', () => {
    assert.equal(meanThinkTimeMs({ min: 800, max: 1200 }), 1000);
    assert.equal(usersToRequestRate(100, { thinkTimeMs: { min: 800, max: 1200 }, responseTimeMs: 250 }), 80);
  });
  it('users and rate convert back and forth', () => {
    const c = { thinkTimeMs: 500, responseTimeMs: 100 };
    assert.ok(Math.abs(requestRateToUsers(usersToRequestRate(37, c), c) - 37) < 1e-12);
  });
  it('refuses a zero or negative cycle', () => {
    assert.throws(() => requestRatePerUser({ thinkTimeMs: 0, responseTimeMs: 0 }), /think time \+ response time must be more than 0 ms/);
    assert.throws(() => requestRatePerUser({ thinkTimeMs: -1, responseTimeMs: 5 }), /thinkTimeMs must be finite and ≥ 0/);
  });
});
