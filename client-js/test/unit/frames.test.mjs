import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, memberChangeOf } from '../../dist/index.js';

test('a message push decodes with its kind defaulting to message', () => {
  const frame = decode(JSON.stringify({
    type: 'message', conversationId: 'dm:a:b', seq: 3, senderId: 'a', clientMsgId: 'x', body: { text: 'hi' }, sentAt: 5,
  }));
  assert.equal(frame.type, 'message');
  assert.deepEqual(frame.message, {
    conversationId: 'dm:a:b', seq: 3, kind: 'message', senderId: 'a', clientMsgId: 'x', body: { text: 'hi' }, sentAt: 5,
  });
});

test('version 2 entries keep their kind and target', () => {
  const frame = decode(JSON.stringify({
    type: 'message', conversationId: 'grp:t', seq: 9, kind: 'reaction', targetSeq: 4, emoji: '👍', senderId: 'a', sentAt: 1,
  }));
  assert.equal(frame.message.kind, 'reaction');
  assert.equal(frame.message.targetSeq, 4);
  assert.equal(frame.message.emoji, '👍');
});

test('sync page entries take the conversation id from the page', () => {
  const frame = decode(JSON.stringify({
    type: 'synced', requestId: 's-1', totalUnread: 2, conversations: [{
      conversationId: 'grp:t', kind: 'group', name: 'Team', lastSeq: 2, readSeq: 0, unread: 2, hasMore: false,
      messages: [{ seq: 1, senderId: 'a', body: { text: '1' }, sentAt: 1 }, { seq: 2, senderId: 'b', body: { text: '2' }, sentAt: 2 }],
    }],
  }));
  assert.equal(frame.type, 'synced');
  assert.equal(frame.conversations[0].summary.name, 'Team');
  assert.deepEqual(frame.conversations[0].messages.map((m) => [m.conversationId, m.seq]), [['grp:t', 1], ['grp:t', 2]]);
});

test('a members frame carries the change and the member count, never the member list', () => {
  const frame = decode(JSON.stringify({
    type: 'members', conversationId: 'grp:t', seq: 7, name: 'Trip', memberCount: 2, added: [], addedCount: 0,
    removed: [], removedCount: 0, promoted: ['b'], demoted: [], renamed: true, by: 'a',
  }));
  assert.deepEqual(frame.change, {
    conversationId: 'grp:t', seq: 7, name: 'Trip', memberCount: 2, added: [], addedCount: 0, removed: [], removedCount: 0,
    by: 'a', promoted: ['b'], demoted: [], renamed: true, created: false,
  });
});

test('a change that added more users than it lists says how many', () => {
  const frame = decode('{"type":"members","conversationId":"grp:t","memberCount":10001,"added":["a"],"addedCount":900,"removed":[],"by":"a"}');
  assert.deepEqual([frame.change.added, frame.change.addedCount, frame.change.removedCount, frame.change.seq], [['a'], 900, 0, 0]);
});

test('a member entry of the timeline reads back as the change it keeps', () => {
  const frame = decode(JSON.stringify({
    type: 'message', conversationId: 'grp:t', seq: 3, kind: 'member', senderId: 'a', clientMsgId: 'member-3', sentAt: 5,
    body: { name: 'Trip', memberCount: 3, added: ['c'], addedCount: 1, removed: [], removedCount: 0, promoted: [], demoted: [] },
  }));
  assert.equal(frame.message.kind, 'member');
  const change = memberChangeOf(frame.message);
  assert.deepEqual([change.seq, change.by, change.added, change.memberCount], [3, 'a', ['c'], 3]);
  assert.equal(memberChangeOf({ ...frame.message, kind: 'message' }), null);
});

for (const [what, text] of [
  ['text that is not JSON', '{"type":"message",'],
  ['JSON that is not an object', '[1,2,3]'],
  ['a seq that is not a number', '{"type":"message","conversationId":"c","seq":"7"}'],
  ['a seq that is not whole', '{"type":"gap","conversationId":"c","seq":1.5}'],
  ['a body that is not an object', '{"type":"message","conversationId":"c","seq":1,"body":"hi"}'],
  ['a page out of seq order', '{"type":"history","conversationId":"c","messages":[{"seq":2},{"seq":1}]}'],
  ['a sent frame without clientMsgId', '{"type":"sent","conversationId":"c","seq":1}'],
]) {
  test(`${what} decodes as invalid, with the reason`, () => {
    const frame = decode(text);
    assert.equal(frame.type, 'invalid');
    assert.equal(typeof frame.reason, 'string');
    assert.equal(frame.text, text);
  });
}

test('a type this version does not know decodes as unknown', () => {
  const frame = decode('{"type":"hologram","conversationId":"c","seq":1}');
  assert.equal(frame.type, 'unknown');
  assert.equal(frame.frameType, 'hologram');
});

test("the gateway's internal error (no type) decodes as unknown", () => {
  const frame = decode('{"message":"Internal server error","connectionId":"x","requestId":"y"}');
  assert.equal(frame.type, 'unknown');
  assert.equal(frame.frameType, null);
});
