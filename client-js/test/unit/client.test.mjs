import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthFailedError, MemoryStore, ServerError } from '../../dist/index.js';
import { token } from './fake-server.mjs';
import { C, closeAll, connected, entry, page, push, setup, synced } from './harness.mjs';

afterEach(closeAll);

test('connect resolves after the first sync reached the listeners, with the token and device in the URL', async () => {
  const ctx = setup({ deviceId: 'laptop' });
  const socket = await connected(ctx);
  assert.deepEqual(ctx.seqs(), [1, 2]);
  assert.equal(ctx.client.state, 'connected');
  assert.deepEqual(ctx.events.state, ['connecting', 'syncing', 'connected']);
  assert.equal(ctx.client.userId, 'alice');
  const url = new URL(socket.url);
  assert.equal(url.searchParams.get('token'), token('alice'));
  assert.equal(url.searchParams.get('deviceId'), 'laptop');
  assert.deepEqual(socket.sent.find((f) => f.action === 'sync').cursors, {});
  assert.equal(ctx.events.conversations.length, 1);
  ctx.client.close();
});

test('a frame type this version does not know is ignored and delivery goes on (version skew)', async () => {
  const ctx = setup();
  const socket = await connected(ctx);
  socket.push(push(3));
  socket.push({ type: 'hologram', conversationId: C, seq: 4, shimmer: true });
  socket.push({ type: 'message', conversationId: C, seq: 4, kind: 'edit', targetSeq: 3, senderId: 'bob', body: { text: 'm3!' }, sentAt: 4 });
  socket.push(push(5));
  await ctx.server.until(() => ctx.seqs().length === 5, 'seq 5');
  assert.deepEqual(ctx.seqs(), [1, 2, 3, 4, 5]);
  assert.equal(ctx.events.message[3].kind, 'edit');
  assert.deepEqual(ctx.events.unknownFrame.map((e) => e.frameType), ['hologram']);
  assert.equal(ctx.events.frameError.length, 0);
  ctx.client.close();
});

test('a frame that cannot be parsed is reported and skipped; the client does not stall', async () => {
  const ctx = setup();
  const socket = await connected(ctx);
  socket.push('{"type":"message","conversationId":');
  socket.push({ type: 'message', conversationId: C, seq: 'three' });
  socket.push(push(3));
  await ctx.server.until(() => ctx.seqs().length === 3, 'seq 3');
  assert.equal(ctx.events.frameError.length, 2);
  assert.match(ctx.events.frameError[1].reason, /seq/);
  // the connection is still used: a send goes out and is confirmed
  const sending = ctx.client.sendText({ userId: 'bob' }, 'still here');
  const send = await ctx.server.request(socket, 'send');
  socket.push({ type: 'sent', requestId: send.requestId, conversationId: C, clientMsgId: send.clientMsgId, seq: 4, sentAt: 9 });
  assert.equal((await sending).seq, 4);
  ctx.client.close();
});

test('pushes ahead of a missing seq wait; the gap is filled by a sync from the cursor', async () => {
  const ctx = setup();
  const socket = await connected(ctx);
  socket.push(push(4));
  socket.push(push(4)); // a duplicate
  const sync = await ctx.server.request(socket, 'sync'); // after gapWaitMs
  assert.deepEqual(sync.cursors, { [C]: 2 });
  assert.deepEqual(ctx.seqs(), [1, 2]);
  socket.push(synced(sync, [page([entry(3), entry(4)])]));
  await ctx.server.until(() => ctx.seqs().length === 4, 'seq 4');
  assert.deepEqual(ctx.seqs(), [1, 2, 3, 4]);
  ctx.client.close();
});

test('sync pages on while hasMore is true, from the advanced cursors', async () => {
  const ctx = setup();
  const connecting = ctx.client.connect();
  const socket = await ctx.server.until(() => ctx.server.latest());
  socket.accept();
  let sync = await ctx.server.request(socket, 'sync');
  socket.push(synced(sync, [page([entry(1), entry(2)], { lastSeq: 5 })]));
  sync = await ctx.server.request(socket, 'sync'); // the newest page stopped short of lastSeq
  assert.deepEqual(sync.cursors, { [C]: 2 });
  socket.push(synced(sync, [page([entry(3)], { lastSeq: 5, hasMore: true })]));
  sync = await ctx.server.request(socket, 'sync');
  assert.deepEqual(sync.cursors, { [C]: 3 });
  socket.push(synced(sync, [page([entry(5)], { lastSeq: 5 })]));
  await connecting;
  assert.deepEqual(ctx.seqs(), [1, 2, 3, 5]);
  ctx.client.close();
});

test('a send made offline goes out on connect, and again with the same clientMsgId after a drop', async () => {
  const ctx = setup();
  const sending = ctx.client.sendText({ userId: 'bob' }, 'hello');
  assert.equal(ctx.client.pendingSends().length, 1);
  assert.equal(ctx.client.pendingSends()[0].status, 'waiting');
  const first = await connected(ctx);
  const attempt1 = await ctx.server.request(first, 'send');
  first.drop();
  const second = await ctx.server.until(() => ctx.server.sockets.length === 2 && ctx.server.latest(), 'a reconnect');
  second.accept();
  const sync = await ctx.server.request(second, 'sync');
  assert.deepEqual(sync.cursors, { [C]: 2 });
  const attempt2 = await ctx.server.request(second, 'send');
  assert.equal(attempt2.clientMsgId, attempt1.clientMsgId);
  assert.notEqual(attempt2.requestId, attempt1.requestId);
  second.push({ type: 'sent', requestId: attempt2.requestId, conversationId: C, clientMsgId: attempt2.clientMsgId, seq: 3, sentAt: 7 });
  second.push(synced(sync, [page([])], 0));
  const sent = await sending;
  assert.deepEqual(sent, { conversationId: C, clientMsgId: attempt1.clientMsgId, seq: 3, sentAt: 7 });
  await ctx.server.until(() => ctx.seqs().length === 3);
  const own = ctx.events.message[2];
  assert.equal(own.senderId, 'alice');
  assert.deepEqual(own.body, { text: 'hello' });
  assert.equal(ctx.client.pendingSends().length, 0);
  ctx.client.close();
});

test('the outbox survives a reload when the store persists: the send goes out with the same clientMsgId', async () => {
  const store = new MemoryStore(); // stands in for localStorage across the reload
  const before = setup({ store });
  const lost = before.client.sendText({ conversationId: 'grp:team' }, 'from before the reload');
  lost.catch(() => undefined);
  const clientMsgId = before.client.pendingSends()[0].clientMsgId;
  before.client.close(); // the page goes away
  await assert.rejects(lost, { name: 'ClientClosedError' });
  assert.deepEqual(store.loadOutbox().map((i) => i.clientMsgId), [clientMsgId]);

  const after = setup({ store });
  const socket = await connected(after, [page([entry(1)])]);
  const send = await after.server.request(socket, 'send');
  assert.equal(send.clientMsgId, clientMsgId);
  assert.deepEqual(send.body, { text: 'from before the reload' });
  assert.equal(send.conversationId, 'grp:team');
  socket.push({ type: 'sent', requestId: send.requestId, conversationId: 'grp:team', clientMsgId, seq: 1, sentAt: 3 });
  await after.server.until(() => after.events.sent.length === 1, 'sent event');
  assert.equal(after.events.sent[0].clientMsgId, clientMsgId);
  assert.deepEqual(store.loadOutbox(), []);
  after.client.close();
});

test('cursors saved in the store make the next start sync from them (not a new device)', async () => {
  const store = new MemoryStore();
  const first = setup({ store });
  await connected(first, [page([entry(1), entry(2)])]);
  await first.server.until(() => store.loadCursors()[C] === 2, 'the cursor saved');
  first.client.close();
  const second = setup({ store });
  second.client.connect();
  const socket = await second.server.until(() => second.server.latest());
  socket.accept();
  const sync = await second.server.request(socket, 'sync');
  assert.deepEqual(sync.cursors, { [C]: 2 });
  second.client.close();
});

test('a definitive error fails the send; RATE_LIMITED waits retryAfterMs and resends the same clientMsgId', async () => {
  const ctx = setup();
  const socket = await connected(ctx);
  const refused = ctx.client.sendText({ conversationId: 'grp:other' }, 'no');
  const limited = ctx.client.sendText({ userId: 'bob' }, 'later');
  const a = await ctx.server.request(socket, 'send');
  const b = await ctx.server.request(socket, 'send');
  const [toGroup, toBob] = a.conversationId ? [a, b] : [b, a];
  socket.push({ type: 'error', requestId: toGroup.requestId, code: 'NOT_MEMBER', message: 'not a member' });
  await assert.rejects(refused, (e) => e instanceof ServerError && e.code === 'NOT_MEMBER');
  socket.push({ type: 'error', requestId: toBob.requestId, code: 'RATE_LIMITED', message: 'slow down', retryAfterMs: 30 });
  const again = await ctx.server.request(socket, 'send');
  assert.equal(again.clientMsgId, toBob.clientMsgId);
  socket.push({ type: 'sent', requestId: again.requestId, conversationId: C, clientMsgId: again.clientMsgId, seq: 3, sentAt: 1 });
  assert.equal((await limited).seq, 3);
  ctx.client.close();
});

test('history pages on while the server says more exist, until the limit is reached', async () => {
  const ctx = setup();
  const socket = await connected(ctx);
  const asking = ctx.client.history(C, { beforeSeq: 10, limit: 4 });
  const h1 = await ctx.server.request(socket, 'history');
  assert.equal(h1.beforeSeq, 10);
  socket.push({ type: 'history', requestId: h1.requestId, conversationId: C, messages: [entry(8), entry(9)], hasMore: true });
  const h2 = await ctx.server.request(socket, 'history');
  assert.equal(h2.beforeSeq, 8);
  assert.equal(h2.limit, 2);
  socket.push({ type: 'history', requestId: h2.requestId, conversationId: C, messages: [entry(6), entry(7)], hasMore: true });
  const result = await asking;
  assert.deepEqual(result.messages.map((m) => m.seq), [6, 7, 8, 9]);
  assert.equal(result.hasMore, true);
  ctx.client.close();
});

test('a handshake refused twice with 401 reports authFailed and stops', async () => {
  let tokens = 0;
  const ctx = setup({ token: () => { tokens++; return token('alice'); } });
  const failures = [];
  ctx.client.on('authFailed', (e) => failures.push(e.status));
  const connecting = ctx.client.connect();
  for (let i = 1; i <= 2; i++) {
    const socket = await ctx.server.until(() => ctx.server.sockets.length === i && ctx.server.latest());
    socket.readyState = 3;
    socket.onerror({ message: 'Unexpected server response: 401' });
    socket.onclose({ code: 1006 });
  }
  await assert.rejects(connecting, (e) => e instanceof AuthFailedError && e.status === 401);
  assert.deepEqual(failures, [401]);
  assert.equal(ctx.client.state, 'authFailed');
  assert.equal(tokens, 2);
  ctx.client.close();
});

test('a listener that throws does not stop the others or later events', async () => {
  const ctx = setup();
  ctx.client.on('message', () => { throw new Error('app bug'); });
  const original = console.error;
  console.error = () => undefined;
  try {
    await connected(ctx);
  } finally {
    console.error = original;
  }
  assert.deepEqual(ctx.seqs(), [1, 2]);
  ctx.client.close();
});

test('bodies the server would refuse are refused before they are queued', async () => {
  const ctx = setup();
  await assert.rejects(ctx.client.send({ userId: 'bob' }, {}), TypeError);
  await assert.rejects(ctx.client.send({ userId: 'bob' }, { text: 5 }), TypeError);
  await assert.rejects(ctx.client.send({ userId: 'bob', conversationId: C }, { text: 'x' }), TypeError);
  await assert.rejects(ctx.client.sendText({ userId: 'bob' }, 'x'.repeat(17_000)), RangeError);
  assert.equal(ctx.client.pendingSends().length, 0);
  ctx.client.close();
});
