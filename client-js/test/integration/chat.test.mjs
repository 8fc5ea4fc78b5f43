/**
 * Two users chatting through @parley/client against a real `parley local` (real sockets,
 * DynamoDB Local), one runtime for the file.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ParleyClient, ServerError } from '../../dist/index.js';
import { startRuntime, until, user } from './support/runtime.mjs';
import { Proxy } from './support/proxy.mjs';

let runtime;
const clients = [];

before(async () => {
  runtime = await startRuntime();
});

after(async () => {
  for (const client of clients) client.close();
  await runtime?.stop();
});

/** A connected client for `userId` that records what it hears. */
async function connect(userId, extra = {}) {
  let tokens = 0;
  const client = new ParleyClient({
    websocketUrl: runtime.websocketUrl, httpUrl: runtime.httpUrl,
    token: () => { tokens++; return runtime.token(userId, extra.deviceId); },
    backoff: { baseMs: 50, capMs: 500 }, gapWaitMs: 300, ...extra,
  });
  clients.push(client);
  const heard = { message: [], read: [], presence: [], members: [], unknownFrame: [], frameError: [], conversations: [] };
  for (const event of Object.keys(heard)) client.on(event, (e) => heard[event].push(e));
  await client.connect();
  return { client, heard, tokens: () => tokens, texts: (id) => heard.message.filter((m) => m.conversationId === id).map((m) => m.body?.text) };
}

test('two users chat: every message reaches both timelines once and in seq order, own messages included', async () => {
  const a = user('alice');
  const b = user('bob');
  const alice = await connect(a);
  const bob = await connect(b);
  const sent = await alice.client.sendText({ userId: b }, 'hi bob');
  assert.equal(sent.seq, 1);
  const conversation = sent.conversationId;
  assert.equal(conversation, [a, b].sort().reduce((x, y) => `dm:${x}:${y}`));
  await until(() => bob.texts(conversation).length === 1, "bob's first message");
  await bob.client.sendText({ conversationId: conversation }, 'hi alice');
  await Promise.all([1, 2, 3].map((i) => alice.client.sendText({ userId: b }, `burst ${i}`)));
  const expected = ['hi bob', 'hi alice', 'burst 1', 'burst 2', 'burst 3'];
  await until(() => bob.texts(conversation).length === 5 && alice.texts(conversation).length === 5, 'five messages on both sides');
  // Sends to one destination go out one after the other: seqs follow the calls.
  assert.deepEqual(alice.texts(conversation), expected);
  assert.deepEqual(bob.texts(conversation), expected);
  assert.deepEqual(bob.heard.message.map((m) => m.seq), [1, 2, 3, 4, 5]);
  assert.equal(bob.heard.message[0].senderId, a);
  // Read receipts reach the peer.
  bob.client.markRead(conversation, 5);
  await until(() => alice.heard.read.some((r) => r.userId === b && r.seq === 5), "bob's read receipt");
  assert.equal(alice.client.pendingSends().length, 0);
});

test('history pages back through older messages, which do not go through the message listeners', async () => {
  const a = user('alice');
  const b = user('bob');
  const alice = await connect(a);
  for (let i = 1; i <= 25; i++) await alice.client.sendText({ userId: b }, `m${i}`);
  const bob = await connect(b, { syncPageSize: 10 }); // a new device: the newest 10 come by sync
  const conversation = alice.heard.message[0].conversationId;
  await until(() => bob.texts(conversation).length === 10, 'the newest page');
  assert.deepEqual(bob.heard.message.map((m) => m.seq), [16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
  const older = await bob.client.history(conversation, { beforeSeq: 16, limit: 12 });
  assert.deepEqual(older.messages.map((m) => m.seq), [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
  assert.equal(older.hasMore, true);
  const rest = await bob.client.history(conversation, { beforeSeq: 4, limit: 50 });
  assert.deepEqual(rest.messages.map((m) => m.body.text), ['m1', 'm2', 'm3']);
  assert.equal(rest.hasMore, false);
  assert.equal(bob.heard.message.length, 10);
  const newest = await bob.client.api.messages(conversation, { limit: 2 });
  assert.deepEqual(newest.messages.map((m) => m.seq), [24, 25]);
});

test('the HTTP API: a group made over HTTP reaches its members; conversations, presence and devices', async () => {
  const a = user('alice');
  const b = user('bob');
  const c = user('carol');
  const alice = await connect(a);
  const bob = await connect(b);
  const group = await alice.client.api.createGroup('Lunch', [b]);
  assert.match(group.conversationId, /^grp:/);
  assert.deepEqual([...group.members].sort(), [a, b].sort());
  await alice.client.sendText({ conversationId: group.conversationId }, '12:30?');
  await until(() => bob.texts(group.conversationId).length === 1, "bob's group message");

  const added = await alice.client.api.addMembers(group.conversationId, [c]);
  assert.ok(added.members.includes(c));
  await until(() => bob.heard.members.some((m) => m.added.includes(c)), 'the members frame');

  const list = await bob.client.api.conversations();
  const summary = list.conversations.find((s) => s.conversationId === group.conversationId);
  assert.equal(summary.kind, 'group');
  assert.equal(summary.name, 'Lunch');
  assert.equal(summary.unread, 1, 'membership entries are never unread');
  assert.equal(summary.admin, false);

  const page = await bob.client.api.groupMembers(group.conversationId, { limit: 2 });
  assert.equal(page.memberCount, 3);
  assert.equal(page.members.length, 2);
  assert.ok(page.cursor, 'more members follow');
  const everyone = await bob.client.api.allGroupMembers(group.conversationId);
  assert.deepEqual(everyone.map((m) => [m.userId, m.admin]).sort(), [[a, true], [b, false], [c, false]].sort());

  const presence = await alice.client.api.presence([b, c]);
  assert.deepEqual(presence.map((p) => [p.userId, p.online]).sort(), [[b, true], [c, false]].sort());

  await bob.client.api.registerDevice('phone', { platform: 'fcm', pushToken: 'fcm-token-123' });
  await bob.client.api.unregisterDevice('phone');

  await bob.client.api.removeMember(group.conversationId, b);
  await assert.rejects(bob.client.sendText({ conversationId: group.conversationId }, 'still here?'),
    (e) => e instanceof ServerError && e.code === 'NOT_MEMBER');
  await assert.rejects(bob.client.api.addMembers('grp:nope', [c]), (e) => e.status === 404 || e.status === 403);
});

test('a frame type this version does not know is ignored, and the timeline goes on (version skew)', async () => {
  const a = user('alice');
  const b = user('bob');
  const proxy = await Proxy.start(runtime.port);
  try {
    const alice = await connect(a);
    const bob = await connect(b, { websocketUrl: proxy.websocketUrl });
    const first = await alice.client.sendText({ userId: b }, 'before');
    await until(() => bob.heard.message.length === 1, 'the first message');
    // A newer server's frames: a type this client has never heard of, then a v2 timeline event.
    proxy.insert(JSON.stringify({ type: 'poll', conversationId: first.conversationId, question: 'lunch?', options: ['yes', 'no'] }));
    proxy.insert('{"type":"message","conversationId":'); // and a frame cut short
    await alice.client.sendText({ userId: b }, 'after');
    await until(() => bob.heard.message.length === 2, 'the second message');
    assert.deepEqual(bob.texts(first.conversationId), ['before', 'after']);
    assert.deepEqual(bob.heard.unknownFrame.map((f) => f.frameType), ['poll']);
    assert.equal(bob.heard.frameError.length, 1);
    assert.equal(bob.client.state, 'connected');
  } finally {
    await proxy.close();
  }
});

test("README's dozen lines of Node chat through the runtime as printed", async () => {
  const here = dirname(fileURLToPath(import.meta.url));
  const readme = readFileSync(join(here, '../../README.md'), 'utf8');
  const example = /## A chat in a dozen lines of Node[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)[1];
  // The README's port is 8080; this runtime has a port of its own. Inside the package folder,
  // '@parley/client' resolves to this package (its own name).
  const file = join(here, '..', '..', `readme-example-${process.pid}.mjs`);
  writeFileSync(file, example.replaceAll('8080', String(runtime.port)));
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [file], { timeout: 60_000 });
    const lines = stdout.trim().split('\n');
    assert.ok(lines.some((l) => /^alice got #\d+ from alice: hi bob$/.test(l)), stdout);
    assert.ok(lines.some((l) => /^bob got #\d+ from alice: hi bob$/.test(l)), stdout);
  } finally {
    rmSync(file, { force: true });
  }
});
