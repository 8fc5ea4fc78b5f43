import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff } from '../../dist/index.js';

/** A random source that answers the given values in turn. */
function scripted(...values) {
  let i = 0;
  return () => values[i++ % values.length];
}

test('ceilings double from the base up to the cap', () => {
  const backoff = new Backoff({ baseMs: 1000, capMs: 30_000 });
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 20].map((n) => backoff.ceiling(n)),
    [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
});

test('full jitter: each delay is uniform over the whole window, zero included', () => {
  const lowest = new Backoff({ random: () => 0 });
  const highest = new Backoff({ random: () => 0.999_999_999 });
  for (let attempt = 0; attempt < 8; attempt++) {
    const ceiling = lowest.ceiling(attempt);
    assert.equal(lowest.next(0), 0);
    assert.equal(highest.next(0), ceiling);
  }
});

test('delays spread over the window instead of clustering at the exponential value', () => {
  let seed = 42;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const delays = [];
  for (let i = 0; i < 2000; i++) {
    const backoff = new Backoff({ baseMs: 1000, capMs: 1000, random });
    delays.push(backoff.next(0));
  }
  const quarters = [0, 0, 0, 0];
  for (const d of delays) quarters[Math.min(3, Math.floor(d / 250))]++;
  for (const count of quarters) assert.ok(count > 400 && count < 600, `quarters ${quarters}`);
});

test('the attempt count stops growing at the cap', () => {
  const backoff = new Backoff({ baseMs: 1000, capMs: 4000, random: scripted(0.5) });
  for (let i = 0; i < 10; i++) backoff.next(0);
  assert.equal(backoff.attempt, 2);
  assert.equal(backoff.ceiling(backoff.attempt), 4000);
});

test('a connection that stayed open for stableAfter starts the next window at the base', () => {
  const backoff = new Backoff({ baseMs: 1000, capMs: 30_000, stableAfterMs: 10_000, random: () => 0.999_999 });
  backoff.next(0);
  backoff.next(0);
  backoff.next(0);
  assert.equal(backoff.attempt, 3);
  backoff.connected(100_000);
  assert.equal(backoff.next(110_000), 1000); // stable for 10 s: back to the first window
});

test('a connection dropped at once keeps backing off', () => {
  const backoff = new Backoff({ baseMs: 1000, capMs: 30_000, stableAfterMs: 10_000, random: () => 0.999_999 });
  backoff.next(0);
  backoff.next(0);
  backoff.connected(100_000);
  assert.equal(backoff.next(100_500), 4000); // the third window, not the first
});

test('refuses a cap below the base', () => {
  assert.throws(() => new Backoff({ baseMs: 2000, capMs: 1000 }), RangeError);
});
