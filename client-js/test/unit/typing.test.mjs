import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TYPING_BURST, TYPING_EXPIRY_MS, TYPING_REPEAT_MS, Typists, TypingSignals } from '../../dist/index.js';

const C = 'dm:alice:bob';

test('a start goes out at once, then at most every 3 s; a stop only after a live start', () => {
  const signals = new TypingSignals();
  assert.equal(signals.start(C, 0), true);
  assert.equal(signals.start(C, 1000), false);
  assert.equal(signals.start(C, TYPING_REPEAT_MS - 1), false);
  assert.equal(signals.start(C, TYPING_REPEAT_MS), true);
  assert.equal(signals.stop(C, TYPING_REPEAT_MS + 10), true);
  assert.equal(signals.stop(C, TYPING_REPEAT_MS + 20), false);
  assert.equal(signals.start('grp:other', 0), true, 'conversations are counted apart');
});

test('a sent message forgets the start without a stop; signals stay inside the server budget (5, then 1 per second)', () => {
  const signals = new TypingSignals();
  let sentSignals = 0;
  // Someone sending a short message every 100 ms: start, message, start, message, ...
  for (let t = 0; t < 2000; t += 100) {
    if (signals.start(C, t)) sentSignals++;
    signals.sent(C);
  }
  assert.equal(sentSignals, TYPING_BURST + 1, 'the burst, then one per second');
  assert.equal(signals.stop(C, 2000), false, 'a message already ended the typing');
  assert.equal(signals.start(C, 10_000), true, 'the budget refills');
});

test('a typist is reported once, kept alive by repeated starts, and ended by stop, message or 5 s of silence', () => {
  const typists = new Typists();
  const start = { conversationId: C, userId: 'bob', state: 'start' };
  assert.deepEqual(typists.signal(start, 0), start);
  assert.equal(typists.signal(start, 3000), null, 'a repeated start changes nothing');
  assert.deepEqual(typists.expire(3000 + TYPING_EXPIRY_MS - 1), []);
  assert.deepEqual(typists.typing(C), ['bob']);
  assert.deepEqual(typists.expire(3000 + TYPING_EXPIRY_MS), [{ conversationId: C, userId: 'bob', state: 'stop' }]);
  assert.deepEqual(typists.typing(C), []);

  typists.signal(start, 10_000);
  assert.deepEqual(typists.signal({ ...start, state: 'stop' }, 10_500), { conversationId: C, userId: 'bob', state: 'stop' });
  assert.equal(typists.signal({ ...start, state: 'stop' }, 10_600), null, 'a second stop changes nothing');

  typists.signal(start, 20_000);
  assert.deepEqual(typists.end(C, 'bob'), { conversationId: C, userId: 'bob', state: 'stop' });
  typists.signal(start, 30_000);
  assert.deepEqual(typists.clear(), [{ conversationId: C, userId: 'bob', state: 'stop' }]);
  assert.deepEqual(typists.expire(Number.MAX_SAFE_INTEGER), []);
});
