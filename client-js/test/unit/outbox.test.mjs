import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Outbox } from '../../dist/index.js';

const TIMEOUT = 10_000;

function item(clientMsgId, to = { userId: 'bob' }, createdAt = 0) {
  return { clientMsgId, action: 'send', to, body: { text: clientMsgId }, createdAt };
}

test('a send is transmitted once until its attempt times out, then again with the same clientMsgId', () => {
  const outbox = new Outbox(TIMEOUT);
  outbox.add(item('m1'));
  const [first] = outbox.due(0);
  assert.equal(first.clientMsgId, 'm1');
  assert.equal(first.requestId, 'm1.1');
  assert.deepEqual(outbox.due(TIMEOUT - 1), []);
  const [second] = outbox.due(TIMEOUT);
  assert.equal(second.clientMsgId, 'm1');
  assert.equal(second.requestId, 'm1.2');
});

test('sends to one destination go out one at a time, in call order', () => {
  const outbox = new Outbox(TIMEOUT);
  outbox.add(item('a1'));
  outbox.add(item('a2'));
  outbox.add(item('c1', { conversationId: 'grp:x' }));
  assert.deepEqual(outbox.due(0).map((p) => p.clientMsgId), ['a1', 'c1']);
  assert.deepEqual(outbox.due(1), []);
  outbox.confirmed('a1');
  assert.deepEqual(outbox.due(2).map((p) => p.clientMsgId), ['a2']);
});

test('a reconnect sends everything pending again at once', () => {
  const outbox = new Outbox(TIMEOUT);
  outbox.add(item('m1'));
  outbox.due(0);
  outbox.connectionLost();
  assert.deepEqual(outbox.due(1).map((p) => p.requestId), ['m1.2']);
});

test('RATE_LIMITED pauses every send for retryAfterMs', () => {
  const outbox = new Outbox(TIMEOUT);
  outbox.add(item('m1'));
  outbox.add(item('g1', { conversationId: 'grp:x' }));
  outbox.due(0);
  assert.equal(outbox.failed('m1.1', 'RATE_LIMITED', 500, 100).verdict, 'retry');
  assert.deepEqual(outbox.due(599), []);
  assert.deepEqual(outbox.due(600).map((p) => p.requestId), ['m1.2']);
});

test('INTERNAL retries after a short growing delay', () => {
  const outbox = new Outbox(TIMEOUT);
  outbox.add(item('m1'));
  outbox.due(0);
  assert.equal(outbox.failed('m1.1', 'INTERNAL', 0, 0).verdict, 'retry');
  assert.deepEqual(outbox.due(199), []);
  assert.deepEqual(outbox.due(200).map((p) => p.requestId), ['m1.2']);
});

test('a definitive error fails the send and lets the next one go', () => {
  const outbox = new Outbox(TIMEOUT);
  outbox.add(item('m1'));
  outbox.add(item('m2'));
  outbox.due(0);
  const outcome = outbox.failed('m1.1', 'NOT_MEMBER', 0, 1);
  assert.equal(outcome.verdict, 'fail');
  assert.equal(outcome.pending.clientMsgId, 'm1');
  assert.equal(outbox.size, 1);
  assert.deepEqual(outbox.due(2).map((p) => p.clientMsgId), ['m2']);
});

test('a retryable error answering an older attempt is stale and ignored', () => {
  const outbox = new Outbox(TIMEOUT);
  outbox.add(item('m1'));
  outbox.due(0);
  outbox.due(TIMEOUT); // m1.2 in flight
  assert.equal(outbox.failed('m1.1', 'INTERNAL', 0, TIMEOUT + 1).verdict, 'ignore');
  assert.deepEqual(outbox.due(TIMEOUT + 2), []);
});

test('a confirmation for something not pending changes nothing', () => {
  const outbox = new Outbox(TIMEOUT);
  outbox.add(item('m1'));
  assert.equal(outbox.confirmed('other'), undefined);
  assert.equal(outbox.size, 1);
});

test('adding a clientMsgId that is already pending keeps one send (a restored outbox)', () => {
  const outbox = new Outbox(TIMEOUT);
  outbox.add(item('m1'));
  outbox.add(item('m1'));
  assert.equal(outbox.size, 1);
  assert.equal(outbox.due(0).length, 1);
});

test('drain hands back every pending send, oldest first', () => {
  const outbox = new Outbox(TIMEOUT);
  outbox.add(item('b', { userId: 'x' }, 2));
  outbox.add(item('a', { userId: 'y' }, 1));
  assert.deepEqual(outbox.drain().map((p) => p.clientMsgId), ['a', 'b']);
  assert.equal(outbox.size, 0);
});
