/**
 * Version-2 sync (docs/protocol.md, "How @parley/client syncs"): with `httpUrl` the client keeps
 * one position per device, syncs with `since` page after page while `hasMore`, and catches up a
 * listed conversation it holds less of with forward pages over HTTP.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../dist/index.js';
import { C, closeAll, entry, push, setup } from './harness.mjs';

afterEach(closeAll);

const D = 'dm:alice:carol';

/** The HTTP API of the fake server: answers `GET /conversations/{id}/messages` from `timeline`. */
function fakeHttp(timeline) {
  const calls = [];
  const fetch = async (url, init = {}) => {
    const u = new URL(url);
    calls.push(`${init.method ?? 'GET'} ${u.pathname}${u.search}`);
    const match = /^\/api\/conversations\/([^/]+)\/messages$/.exec(u.pathname);
    if (match === null) return { status: 404, ok: false, text: async () => '{"code":"NOT_FOUND","message":"no"}' };
    const id = decodeURIComponent(match[1]);
    if (!(id in timeline)) return { status: 403, ok: false, text: async () => '{"code":"NOT_MEMBER","message":"no"}' };
    const all = timeline[id];
    const limit = Number(u.searchParams.get('limit') ?? 50);
    const after = u.searchParams.get('afterSeq');
    let messages;
    let hasMore;
    if (after !== null) {
      const newer = all.filter((m) => m.seq > Number(after));
      messages = newer.slice(0, limit);
      hasMore = newer.length > limit;
    } else {
      messages = all.slice(-limit);
      hasMore = all.length > limit;
    }
    return { status: 200, ok: true, text: async () => JSON.stringify({ messages, hasMore }) };
  };
  return { fetch, calls };
}

function changed(conversationId, lastSeq, messages = [], extra = {}) {
  return { conversationId, kind: 'direct', lastSeq, readSeq: 0, unread: lastSeq, messages, hasMore: false, ...extra };
}

function syncedV2(request, conversations, cursor, hasMore = false) {
  return { type: 'synced', requestId: request.requestId, cursor, hasMore, conversations };
}

function entries(id, from, to) {
  const list = [];
  for (let seq = from; seq <= to; seq++) list.push({ ...entry(seq), conversationId: id });
  return list;
}

test('a new device syncs with one empty position, page after page, and saves the position the last page gave', async () => {
  const store = new MemoryStore();
  const http = fakeHttp({ [C]: entries(C, 1, 2), [D]: entries(D, 1, 1) });
  const ctx = setup({ store, httpUrl: 'http://fake.invalid/api', fetch: http.fetch });
  const connecting = ctx.client.connect();
  const socket = await ctx.server.until(() => ctx.server.latest(), 'a socket');
  socket.accept();
  const first = await ctx.server.request(socket, 'sync');
  assert.equal(first.since, '');
  assert.equal(first.cursors, undefined);
  assert.ok(first.limit > 0, 'after an open the newest messages come in the reply');
  socket.push(syncedV2(first, [changed(C, 2, entries(C, 1, 2))], 'p1', true));
  const second = await ctx.server.request(socket, 'sync');
  assert.equal(second.since, 'p1');
  socket.push(syncedV2(second, [changed(D, 1, entries(D, 1, 1))], 'p2'));
  await connecting;
  assert.deepEqual(ctx.seqs(C), [1, 2]);
  assert.deepEqual(ctx.seqs(D), [1]);
  assert.deepEqual(http.calls, [], 'the reply held everything: nothing fetched over HTTP');
  await ctx.server.until(() => store.loadSyncPosition() === 'p2', 'the position saved');
  assert.deepEqual(store.loadCursors(), { [C]: 2, [D]: 1 });
  ctx.client.close();
});

test('after a reload only the conversations changed since the position are listed; one behind is caught up over HTTP, once', async () => {
  const store = new MemoryStore();
  store.saveCursor(C, 2);
  store.saveCursor(D, 1);
  store.saveSyncPosition('p2');
  const http = fakeHttp({ [C]: entries(C, 1, 6), [D]: entries(D, 1, 1) });
  const ctx = setup({ store, httpUrl: 'http://fake.invalid/api', fetch: http.fetch, syncPageSize: 2 });
  const connecting = ctx.client.connect();
  const socket = await ctx.server.until(() => ctx.server.latest(), 'a socket');
  socket.accept();
  const sync = await ctx.server.request(socket, 'sync');
  assert.equal(sync.since, 'p2');
  // The newest page [5, 6] does not join what the device holds (2): fetched forward from 2.
  socket.push(syncedV2(sync, [changed(C, 6, entries(C, 5, 6), { hasMore: true })], 'p3'));
  await connecting;
  assert.deepEqual(ctx.seqs(C), [3, 4, 5, 6]);
  assert.deepEqual(ctx.seqs(D), [], 'nothing of the conversation that did not change');
  assert.deepEqual(http.calls, [
    `GET /api/conversations/${encodeURIComponent(C)}/messages?afterSeq=2&limit=2`,
    `GET /api/conversations/${encodeURIComponent(C)}/messages?afterSeq=4&limit=2`,
  ]);
  await ctx.server.until(() => store.loadSyncPosition() === 'p3', 'the position saved');
  ctx.client.close();
});

test('a conversation the user left is dropped and never fetched', async () => {
  const store = new MemoryStore();
  store.saveCursor(C, 2);
  store.saveSyncPosition('p2');
  const http = fakeHttp({});
  const ctx = setup({ store, httpUrl: 'http://fake.invalid/api', fetch: http.fetch });
  const connecting = ctx.client.connect();
  const socket = await ctx.server.until(() => ctx.server.latest(), 'a socket');
  socket.accept();
  const sync = await ctx.server.request(socket, 'sync');
  socket.push(syncedV2(sync, [changed(C, 9, [], { left: true })], 'p3'));
  await connecting;
  assert.deepEqual(http.calls, []);
  assert.deepEqual(ctx.events.conversations.at(-1).conversations, []);
  ctx.client.close();
});

test('a seq missing from pushes is fetched forward over HTTP for that conversation alone, without a round', async () => {
  const store = new MemoryStore();
  store.saveCursor(C, 2);
  store.saveSyncPosition('p2');
  const http = fakeHttp({ [C]: entries(C, 1, 4) });
  const ctx = setup({ store, httpUrl: 'http://fake.invalid/api', fetch: http.fetch });
  const connecting = ctx.client.connect();
  const socket = await ctx.server.until(() => ctx.server.latest(), 'a socket');
  socket.accept();
  const sync = await ctx.server.request(socket, 'sync');
  socket.push(syncedV2(sync, [], 'p2'));
  await connecting;
  socket.push(push(4));
  await ctx.server.until(() => ctx.seqs().length === 2, 'seqs 3 and 4');
  assert.deepEqual(ctx.seqs(), [3, 4]);
  assert.deepEqual(http.calls, [`GET /api/conversations/${encodeURIComponent(C)}/messages?afterSeq=2&limit=100`]);
  assert.equal(socket.sent.filter((f) => f.action === 'sync').length, 1, 'no round for a gap');
  ctx.client.close();
});
