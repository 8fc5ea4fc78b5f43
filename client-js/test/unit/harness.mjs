/** What the client unit tests share: a client on a FakeServer, and server frames to play. */
import { MemoryStore, ParleyClient } from '../../dist/index.js';
import { FakeServer, token } from './fake-server.mjs';

export const C = 'dm:alice:bob';
const clients = [];

/** Closes every client made by `setup` (call from afterEach). */
export function closeAll() {
  for (const client of clients.splice(0)) client.close();
}

export function setup(extra = {}) {
  const server = new FakeServer();
  const store = extra.store ?? new MemoryStore();
  const client = new ParleyClient({
    websocketUrl: 'ws://fake.invalid', token: () => token('alice'), WebSocket: server.WebSocket, store,
    tickMs: 5, gapWaitMs: 50, requestTimeoutMs: 2000, backoff: { baseMs: 5, capMs: 20 }, ...extra,
  });
  clients.push(client);
  const events = { message: [], changed: [], typing: [], unknownFrame: [], frameError: [], sent: [], state: [], outbox: [], conversations: [] };
  for (const name of Object.keys(events)) client.on(name, (e) => events[name].push(e));
  const seqs = (id = C) => events.message.filter((m) => m.conversationId === id).map((m) => m.seq);
  return { server, store, client, events, seqs };
}

export function entry(seq, extra = {}) {
  return { conversationId: C, seq, senderId: 'bob', clientMsgId: `b${seq}`, body: { text: `m${seq}` }, sentAt: seq, ...extra };
}

/** A `message` push. */
export function push(seq, extra = {}) {
  return { type: 'message', ...entry(seq), ...extra };
}

export function synced(request, conversations, totalUnread = 0) {
  return { type: 'synced', requestId: request.requestId, conversations, totalUnread };
}

export function page(messages, extra = {}) {
  const lastSeq = messages.length ? messages[messages.length - 1].seq : 0;
  return { conversationId: C, kind: 'direct', lastSeq, readSeq: 0, unread: 0, messages, hasMore: false, ...extra };
}

/** Connects, answering the first sync with `conversations`. */
export async function connected(ctx, conversations = [page([entry(1), entry(2)])]) {
  const connecting = ctx.client.connect();
  const socket = await ctx.server.until(() => ctx.server.latest(), 'a socket');
  socket.accept();
  const sync = await ctx.server.request(socket, 'sync');
  socket.push(synced(sync, conversations));
  await connecting;
  return socket;
}

