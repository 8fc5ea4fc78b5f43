import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageStates } from '../../dist/index.js';

const C = 'grp:team';

function message(seq, extra = {}) {
  return { conversationId: C, seq, kind: 'message', senderId: 'bob', clientMsgId: `m${seq}`, body: { text: `m${seq}` }, sentAt: seq * 10, ...extra };
}

function event(seq, kind, targetSeq, extra = {}) {
  return { conversationId: C, seq, kind, targetSeq, senderId: 'bob', clientMsgId: `e${seq}`, body: null, sentAt: seq * 10, ...extra };
}

const react = (seq, target, emoji, senderId = 'bob', remove = false) =>
  event(seq, 'reaction', target, { emoji, senderId, ...(remove ? { remove: true } : {}) });

test('edits, reactions and a deletion applied in seq order give the message its current state', () => {
  const states = new MessageStates(() => 'alice');
  assert.equal(states.apply(message(1)), null);
  const edited = states.apply(event(2, 'edit', 1, { body: { text: 'm1, corrected' } }));
  assert.deepEqual(edited.body, { text: 'm1, corrected' });
  assert.equal(edited.editedAt, 20);
  states.apply(react(3, 1, '👍', 'alice'));
  states.apply(react(4, 1, '👍', 'carol'));
  const reacted = states.apply(react(5, 1, '🎉', 'carol'));
  assert.deepEqual(reacted.reactions, [{ emoji: '👍', count: 2, me: true }, { emoji: '🎉', count: 1, me: false }]);
  const unreacted = states.apply(react(6, 1, '👍', 'alice', true));
  assert.deepEqual(unreacted.reactions, [{ emoji: '👍', count: 1, me: false }, { emoji: '🎉', count: 1, me: false }]);
  const deleted = states.apply(event(7, 'delete', 1));
  assert.equal(deleted.deleted, true);
  assert.equal(deleted.body, null);
  assert.deepEqual(deleted.reactions, []);
  assert.deepEqual(states.view(C, 1), deleted);
});

test('a page message brings its state; events at or below its stateSeq are skipped, later ones apply', () => {
  const states = new MessageStates(() => 'alice');
  // The page was read after the edit at 2 and the reaction at 3 were applied on the server.
  states.apply(message(1, { body: { text: 'edited' }, editedAt: 20, stateSeq: 3, reactions: [{ emoji: '👍', count: 1, me: true }] }));
  assert.equal(states.apply(event(2, 'edit', 1, { body: { text: 'edited' } })), null);
  assert.equal(states.apply(react(3, 1, '👍', 'alice')), null);
  const later = states.apply(react(4, 1, '👍', 'bob'));
  assert.deepEqual(later.reactions, [{ emoji: '👍', count: 2, me: true }]);
  assert.equal(later.body.text, 'edited');
});

test('a deleted message from a page has no body; an event on a message not held changes nothing', () => {
  const states = new MessageStates(() => 'alice');
  states.apply(message(5, { deleted: true, body: null, stateSeq: 6 }));
  assert.equal(states.view(C, 5).deleted, true);
  assert.equal(states.view(C, 5).body, null);
  assert.equal(states.apply(event(9, 'edit', 4, { body: { text: 'x' } })), null);
  assert.equal(states.view(C, 4), undefined);
});

test('a history page is absorbed without replacing messages already held', () => {
  const states = new MessageStates(() => 'alice');
  states.apply(message(3));
  states.apply(event(4, 'edit', 3, { body: { text: 'new' } }));
  states.absorb([message(2, { replyTo: 1 }), message(3), event(4, 'edit', 3, { body: { text: 'new' } })]);
  assert.equal(states.view(C, 3).body.text, 'new');
  assert.equal(states.view(C, 2).replyTo, 1);
});

test('two devices, one applying pushes and one holding a page plus later events, agree', () => {
  const entries = [message(1), react(2, 1, '❤️', 'alice'), event(3, 'edit', 1, { body: { text: 'v2' } }), message(4),
    react(5, 4, '❤️', 'carol'), react(6, 1, '❤️', 'alice', true), event(7, 'delete', 4), react(8, 1, '🔥', 'bob')];
  const pushed = new MessageStates(() => 'alice');
  for (const e of entries) pushed.apply(e);
  // The other device got a page read after seq 5, then the pushes from 6 on.
  const paged = new MessageStates(() => 'alice');
  paged.apply(message(1, { body: { text: 'v2' }, editedAt: 30, stateSeq: 3, reactions: [{ emoji: '❤️', count: 1, me: true }] }));
  paged.apply(message(4, { stateSeq: 5, reactions: [{ emoji: '❤️', count: 1, me: false }] }));
  for (const e of entries.filter((x) => x.seq >= 6)) paged.apply(e);
  for (const seq of [1, 4]) assert.deepEqual(paged.view(C, seq), pushed.view(C, seq));
  assert.deepEqual(pushed.view(C, 1).reactions, [{ emoji: '🔥', count: 1, me: false }]);
});
