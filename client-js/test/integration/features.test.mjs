/**
 * Protocol v2 through @parley/client against a real `parley local` (real sockets, DynamoDB Local,
 * the local S3): edits, reactions, replies, mentions, deletions and typing between two users, a
 * fresh device that ends with the same message states, and a file uploaded through its presigned URL.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore, ParleyClient } from '../../dist/index.js';
import { startRuntime, until, user } from './support/runtime.mjs';

let runtime;
const clients = [];

before(async () => {
  runtime = await startRuntime();
});

after(async () => {
  for (const client of clients) client.close();
  await runtime?.stop();
});

async function connect(userId, deviceId) {
  const client = new ParleyClient({
    websocketUrl: runtime.websocketUrl, httpUrl: runtime.httpUrl, deviceId, store: new MemoryStore(),
    token: () => runtime.token(userId, deviceId), backoff: { baseMs: 50, capMs: 500 }, gapWaitMs: 300,
  });
  clients.push(client);
  const heard = { message: [], changed: [], typing: [] };
  for (const event of Object.keys(heard)) client.on(event, (e) => heard[event].push(e));
  await client.connect();
  return { client, heard };
}

/** A view without `me`, which differs between users by design. */
const shared = (view) => view && { ...view, reactions: view.reactions.map(({ emoji, count }) => ({ emoji, count })) };

test('edits, reactions, a reply with a mention and a deletion converge on both users and on a fresh device', async () => {
  const a = user('alice');
  const b = user('bob');
  const alice = await connect(a, 'laptop');
  const bob = await connect(b, 'phone');
  const first = await alice.client.sendText({ userId: b }, 'meet at 9');
  const id = first.conversationId;
  const second = await alice.client.sendText({ conversationId: id }, 'bring the map');
  await alice.client.edit(id, first.seq, { text: 'meet at 10' });
  await bob.client.react(id, first.seq, '👍');
  await alice.client.react(id, first.seq, '👍');
  await bob.client.unreact(id, first.seq, '👍');
  await bob.client.react(id, second.seq, '🗺️');
  const reply = await bob.client.sendText({ conversationId: id }, `@${a} 10 is fine`, { replyTo: first.seq, mentions: [a] });
  await alice.client.delete(id, second.seq);

  const lastSeq = (await alice.client.sendText({ conversationId: id }, 'see you')).seq;
  for (const side of [alice, bob]) await until(() => side.heard.message.some((m) => m.seq === lastSeq), 'the last entry');
  const expectFirst = { text: 'meet at 10', reactions: [{ emoji: '👍', count: 1 }] };
  for (const side of [alice, bob]) {
    const view = side.client.view(id, first.seq);
    assert.equal(view.body.text, expectFirst.text);
    assert.ok(view.editedAt > 0);
    assert.deepEqual(shared(view).reactions, expectFirst.reactions);
    assert.equal(side.client.view(id, second.seq).deleted, true);
    assert.deepEqual(side.client.view(id, second.seq).reactions, []);
    assert.equal(side.client.view(id, reply.seq).replyTo, first.seq);
  }
  assert.deepEqual(alice.client.view(id, first.seq).reactions, [{ emoji: '👍', count: 1, me: true }]);
  assert.deepEqual(bob.client.view(id, first.seq).reactions, [{ emoji: '👍', count: 1, me: false }]);
  const bobsReply = alice.heard.message.find((m) => m.seq === reply.seq);
  assert.deepEqual(bobsReply.body.mentions, [a]);
  assert.deepEqual(alice.heard.message.filter((m) => m.kind !== 'message').map((m) => m.kind),
    ['edit', 'reaction', 'reaction', 'reaction', 'reaction', 'delete']);

  // A fresh device of Alice's syncs from nothing and holds the same states.
  const fresh = await connect(a, 'tablet');
  await until(() => fresh.client.view(id, lastSeq) !== undefined, 'the fresh device caught up');
  for (const seq of [first.seq, second.seq, reply.seq]) {
    assert.deepEqual(fresh.client.view(id, seq), alice.client.view(id, seq), `message ${seq}`);
  }
});

test('typing reaches the other member once, and stops', async () => {
  const a = user('alice');
  const b = user('bob');
  const alice = await connect(a, 'laptop');
  const bob = await connect(b, 'phone');
  const { conversationId } = await alice.client.sendText({ userId: b }, 'hi');
  bob.client.typing(conversationId, 'start');
  bob.client.typing(conversationId, 'start'); // within 3 s: not sent again
  await until(() => alice.heard.typing.length === 1, 'bob typing');
  assert.deepEqual(alice.heard.typing[0], { conversationId, userId: b, state: 'start' });
  assert.deepEqual(alice.client.typingIn(conversationId), [b]);
  bob.client.typing(conversationId, 'stop');
  await until(() => alice.heard.typing.length === 2, 'bob stopped');
  assert.equal(alice.heard.typing[1].state, 'stop');
  assert.deepEqual(bob.heard.typing, [], 'nobody hears their own typing');
});

test('a file uploaded through the presigned PUT is sent, verified by the server, and downloaded by the peer', async () => {
  const a = user('alice');
  const b = user('bob');
  const alice = await connect(a, 'laptop');
  const bob = await connect(b, 'phone');
  const { conversationId } = await alice.client.sendText({ userId: b }, 'notes follow');
  const bytes = new TextEncoder().encode('the notes of the meeting\n'.repeat(200));
  const progress = [];
  const ref = await alice.client.api.uploadAttachment(conversationId, new Blob([bytes], { type: 'text/plain' }),
    { fileName: 'notes.txt', onProgress: (sent, total) => progress.push([sent, total]) });
  assert.deepEqual(progress.at(-1), [bytes.length, bytes.length]);
  const sent = await alice.client.send({ conversationId }, { text: 'the notes', attachments: [ref] });
  const got = await until(() => bob.heard.message.find((m) => m.seq === sent.seq), 'the message with the file');
  assert.deepEqual(got.body.attachments, [{ attachmentId: ref.attachmentId, contentType: 'text/plain', size: bytes.length, fileName: 'notes.txt' }]);
  const link = await bob.client.api.attachment(ref.attachmentId);
  const download = await fetch(link.downloadUrl);
  assert.equal(download.status, 200);
  assert.deepEqual(new Uint8Array(await download.arrayBuffer()), bytes);
});
