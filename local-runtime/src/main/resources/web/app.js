// Parley web chat: one page of plain JavaScript on @parley/client (client-js/, served from
// ./client/), which owns the connection: reconnects with backoff, sync, the outbox, and delivery of
// every message exactly once and in seq order. This file keeps the page's view of it. Every piece
// of user text reaches the page through textContent (never innerHTML), so nothing a user types can
// become markup.
import { ParleyClient, ParleyHttpError, WebStorageStore } from './client/index.js';

const SYNC_PAGE = 30;           // messages per conversation per sync page
const HISTORY_PAGE = 30;        // messages per history page
const MAX_BODY_BYTES = 16 * 1024;
const USER_ID = /^[A-Za-z0-9_.@+-]{1,128}$/;
const GROUP_ID = /^grp:[A-Za-z0-9_-]{1,64}$/;

const $ = (id) => document.getElementById(id);

const state = {
  me: null,
  deviceId: null,
  token: null,
  client: null,         // the ParleyClient of the signed-in user
  store: null,
  ready: false,         // connected and caught up
  connections: 0,       // connections opened so far (shown as data-connections)
  apiMissing: new Set(),// HTTP routes this server answered 404 for: not built yet
  conversations: new Map(),
  presence: new Map(),  // userId -> {online, lastActiveAt}
  outbox: new Map(),    // clientMsgId -> a send not yet stored, as the client reports it
  openId: null,
  justOpened: false,    // scroll to the newest message on the next render
  keepScroll: null,     // scroll height before older messages were prepended
  scrollToDivider: false, // open the conversation at its "new messages" line
};

// ------------------------------------------------------------------ conversations

function directId(a, b) {
  // docs/protocol.md: the two user ids sorted by String.compareTo (UTF-16 units, as JS compares)
  return a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`;
}

function conversation(id) {
  let c = state.conversations.get(id);
  if (!c) {
    const direct = id.startsWith('dm:');
    let peer = null;
    if (direct) {
      const [, a, b] = id.split(':');
      peer = a === state.me ? b : a;
    }
    c = {
      id,
      kind: direct ? 'direct' : 'group',
      peer,
      name: null,
      members: null,
      messages: new Map(), // seq -> {seq, senderId, clientMsgId, body, sentAt}
      noOlder: false,      // history said nothing older exists
      lastSeq: 0,
      readSeq: 0,
      unread: 0,
      peerReadSeq: 0,      // the peer's read cursor, from `read` pushes (direct conversations)
      dividerAfter: null,  // the read position when the conversation was opened: "new messages" below it
      onServer: false,     // the server has told us we are a member
      removed: false,
      loadingOlder: false,
    };
    state.conversations.set(id, c);
    if (direct && peer !== state.me) schedulePresence();
  }
  return c;
}

function title(c) {
  if (c.kind === 'direct') return c.peer === state.me ? `${state.me} (you)` : c.peer;
  return c.name || c.id;
}

function latestMessage(c) {
  let latest = null;
  for (const m of c.messages.values()) if (!latest || m.seq > latest.seq) latest = m;
  return latest;
}

function oldestSeq(c) {
  let oldest = null;
  for (const seq of c.messages.keys()) if (oldest === null || seq < oldest) oldest = seq;
  return oldest;
}

/** Whether older messages can be fetched: the page holds none from seq 1 and history has not said "no more". */
function hasOlder(c) {
  if (c.noOlder || !c.onServer) return false;
  const oldest = oldestSeq(c);
  return oldest === null ? c.lastSeq > 0 : oldest > 1;
}

/** Adds a message unless (conversationId, seq) is already held; true when it was new. */
function addMessage(c, m) {
  c.onServer = true;
  c.lastSeq = Math.max(c.lastSeq, m.seq);
  if (c.messages.has(m.seq)) return false;
  c.messages.set(m.seq, {
    seq: m.seq, senderId: m.senderId, clientMsgId: m.clientMsgId, body: m.body || {}, sentAt: m.sentAt,
  });
  return true;
}

function countUnread(c) {
  let unread = 0;
  for (const m of c.messages.values()) if (m.seq > c.readSeq && m.senderId !== state.me) unread += 1;
  return unread;
}

// ------------------------------------------------------------------ connection (the client's)

function setStatus(kind, text) {
  const el = $('connection-status');
  el.dataset.state = kind;
  el.dataset.connections = String(state.connections);
  el.textContent = text;
  $('reconnect-now').hidden = kind !== 'offline';
}

async function fetchToken(userId, deviceId) {
  const response = await fetch('/dev/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ userId, deviceId }),
  });
  const json = await response.json().catch(() => null);
  if (!response.ok || !json || typeof json.token !== 'string') {
    throw new Error((json && json.message) || `token refused (HTTP ${response.status})`);
  }
  state.token = json.token;
  return json.token;
}

function startClient() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const { me, deviceId } = state;
  state.store = new WebStorageStore(`parley.${me}.${deviceId}.`);
  const client = new ParleyClient({
    websocketUrl: `${scheme}//${location.host}/`,
    httpUrl: `${location.origin}/api`,
    token: () => fetchToken(me, deviceId), // a fresh token per attempt: an expired one would refuse every reconnect
    deviceId,
    store: state.store,
    syncPageSize: SYNC_PAGE,
    backoff: { baseMs: 500, capMs: 15000 },
    heartbeatIntervalMs: 45000, // inside the 90 s presence timeout and the 10-minute idle timeout
  });
  state.client = client;
  client.on('state', onState);
  client.on('message', onMessage);
  client.on('conversations', onConversations);
  client.on('outbox', onOutbox);
  client.on('sendFailed', onSendFailed);
  client.on('read', onRead);
  client.on('presence', onPresence);
  client.on('members', onMembers);
  client.on('serverError', (e) => showNotice(`${e.code}: ${e.message || ''}`));
  client.connect().catch(() => undefined); // states report progress and failures
}

function onState(s) {
  if (s === 'syncing') state.connections += 1;
  state.ready = s === 'connected';
  switch (s) {
    case 'connecting': setStatus('connecting', 'Connecting…'); break;
    case 'syncing': setStatus('syncing', 'Catching up…'); break;
    case 'connected':
      setStatus('online', 'Online');
      refreshFromApi();
      markRead();
      break;
    case 'authFailed': setStatus('offline', 'Signed out by the server. Reconnect to try again.'); break;
    case 'disconnected': setStatus('offline', 'Offline. Reconnecting…'); break;
    default: break;
  }
  render();
}

function reconnectNow() {
  if (state.client) state.client.reconnect();
}

// ------------------------------------------------------------------ what the client delivers

function onMessage(m) {
  if (m.kind && m.kind !== 'message') return; // version 2 events: not shown by this page yet
  const c = conversation(m.conversationId);
  const fresh = addMessage(c, m);
  if (fresh && m.senderId !== state.me && m.seq > c.readSeq) c.unread += 1;
  markRead();
  render();
}

function onConversations({ conversations }) {
  for (const s of conversations) {
    const c = conversation(s.conversationId);
    c.kind = s.kind || c.kind;
    c.onServer = true;
    c.removed = false;
    if (s.name) c.name = s.name;
    c.lastSeq = Math.max(c.lastSeq, s.lastSeq || 0);
    c.readSeq = Math.max(c.readSeq, s.readSeq || 0);
    if (typeof s.peerReadSeq === 'number') c.peerReadSeq = Math.max(c.peerReadSeq, s.peerReadSeq);
    c.unread = c.id === state.openId ? 0 : s.unread || 0;
  }
  markRead();
  render();
}

function onOutbox(pending) {
  const failed = [...state.outbox.values()].filter((item) => item.status === 'failed');
  state.outbox.clear();
  for (const item of failed) state.outbox.set(item.clientMsgId, item);
  for (const p of pending) {
    state.outbox.set(p.clientMsgId, {
      clientMsgId: p.clientMsgId,
      conversationId: p.to.conversationId || directId(state.me, p.to.userId),
      body: p.body,
      status: p.status === 'sending' ? 'sending' : 'pending',
      error: null,
      createdAt: p.createdAt,
    });
  }
  render();
}

function onSendFailed(failure) {
  const to = failure.to;
  state.outbox.set(failure.clientMsgId, {
    clientMsgId: failure.clientMsgId,
    conversationId: to.conversationId || directId(state.me, to.userId),
    body: failure.body || {},
    status: 'failed',
    error: failure.error.message,
    createdAt: Date.now(),
  });
  render();
}

function onRead(frame) {
  const c = conversation(frame.conversationId);
  if (frame.userId === state.me) {
    c.readSeq = Math.max(c.readSeq, frame.seq); // read on another device
    c.unread = countUnread(c);
  } else {
    c.peerReadSeq = Math.max(c.peerReadSeq, frame.seq);
  }
  render();
}

function onPresence(p) {
  state.presence.set(p.userId, { online: Boolean(p.online), lastActiveAt: p.lastActiveAt });
  render();
}

function onMembers(change) {
  const c = conversation(change.conversationId);
  c.kind = 'group';
  if (change.name) c.name = change.name;
  if (Array.isArray(change.members)) c.members = change.members;
  if ((change.removed || []).includes(state.me)) {
    c.removed = true;
  } else if ((change.members || []).includes(state.me)) {
    c.removed = false;
    c.onServer = true;
  }
  render();
}

// ------------------------------------------------------------------ history

async function loadOlder() {
  const c = state.conversations.get(state.openId);
  if (!c || c.loadingOlder || !state.client || !c.onServer) return;
  const oldest = oldestSeq(c);
  c.loadingOlder = true;
  render();
  try {
    const page = await state.client.history(c.id, oldest === null ? { limit: HISTORY_PAGE } : { beforeSeq: oldest, limit: HISTORY_PAGE });
    if (state.openId === c.id) state.keepScroll = $('timeline').scrollHeight - $('timeline').scrollTop;
    for (const m of page.messages) if (!m.kind || m.kind === 'message') addMessage(c, m);
    if (!page.hasMore) c.noOlder = true;
    markRead();
  } catch (e) {
    showNotice(e.message);
  } finally {
    c.loadingOlder = false;
    render();
  }
}

// ------------------------------------------------------------------ sending

function randomId() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function sendMessage(text) {
  const c = state.conversations.get(state.openId);
  if (!c || c.removed || !state.client) return;
  const body = { text };
  if (new TextEncoder().encode(JSON.stringify(body)).length > MAX_BODY_BYTES) {
    showNotice('That message is too long (the limit is 16 KiB).');
    return;
  }
  const to = c.kind === 'direct' ? { userId: c.peer } : { conversationId: c.id };
  // Retried with the same clientMsgId until stored, across reconnects and reloads; the stored
  // message then arrives through the client's `message` event. Refusals come as `sendFailed`.
  state.client.send(to, body).catch(() => undefined);
}

// ------------------------------------------------------------------ read receipts

/** The open conversation, seen on a visible page, is read up to its newest held message. */
function markRead() {
  const c = state.conversations.get(state.openId);
  if (!c || !c.onServer || !state.client || document.visibilityState === 'hidden') return;
  const seen = lastSeqOnScreen();
  if (seen <= c.readSeq) return;
  c.readSeq = seen;
  c.unread = countUnread(c);
  state.client.markRead(c.id, seen);
}

/** The highest seq of a message at least partly inside the timeline's visible area (0: none). */
function lastSeqOnScreen() {
  const box = $('timeline').getBoundingClientRect();
  if (box.height === 0) return 0;
  let seen = 0;
  for (const li of $('messages').querySelectorAll('[data-testid="message"][data-seq]')) {
    const r = li.getBoundingClientRect();
    if (r.top < box.bottom - 4 && r.bottom > box.top + 4) seen = Math.max(seen, Number(li.dataset.seq));
  }
  return seen;
}

// ------------------------------------------------------------------ HTTP API

class RouteMissing extends Error {}

/**
 * Calls the HTTP API. Routes that cannot answer 404 for a missing resource pass
 * `missingOn404`: their 404 means this server has not got the route yet (RouteMissing).
 */
async function api(method, path, body, missingOn404) {
  try {
    return await state.client.api.call(method, path, body);
  } catch (e) {
    if (e instanceof ParleyHttpError && e.status === 404 && missingOn404) throw new RouteMissing(path);
    throw e;
  }
}

async function refreshFromApi() {
  await Promise.all([refreshConversations(), refreshPresence()]);
}

async function refreshConversations() {
  if (state.apiMissing.has('conversations')) return;
  try {
    const json = await api('GET', '/conversations', undefined, true);
    for (const s of (json && json.conversations) || []) {
      const known = state.conversations.has(s.conversationId);
      const c = conversation(s.conversationId);
      c.onServer = true;
      if (s.kind) c.kind = s.kind;
      if (s.name) c.name = s.name;
      if (Array.isArray(s.members)) c.members = s.members;
      if (typeof s.lastSeq === 'number') c.lastSeq = Math.max(c.lastSeq, s.lastSeq);
      if (typeof s.readSeq === 'number') c.readSeq = Math.max(c.readSeq, s.readSeq);
      // Counts of conversations sync already reported are kept: live pushes may have moved them.
      if (!known && typeof s.unread === 'number') c.unread = s.unread;
    }
    render();
  } catch (e) {
    if (e instanceof RouteMissing) state.apiMissing.add('conversations');
  }
}

let presenceTimer = null;
function schedulePresence() {
  clearTimeout(presenceTimer);
  presenceTimer = setTimeout(() => { if (state.ready) refreshPresence(); }, 300);
}

async function refreshPresence() {
  if (state.apiMissing.has('presence')) return;
  const peers = [...new Set([...state.conversations.values()]
    .filter((c) => c.kind === 'direct' && c.peer !== state.me).map((c) => c.peer))];
  if (peers.length === 0) return;
  try {
    const json = await api('GET', `/presence?users=${peers.map(encodeURIComponent).join(',')}`, undefined, true);
    for (const p of (json && json.presence) || []) onPresence(p);
  } catch (e) {
    if (e instanceof RouteMissing) state.apiMissing.add('presence');
  }
}

async function createGroup(name, members) {
  const error = $('group-error');
  error.textContent = '';
  try {
    const group = await api('POST', '/groups', { name, members }, true);
    const c = conversation(group.conversationId);
    c.kind = 'group';
    c.name = group.name || name;
    c.members = group.members || null;
    c.onServer = true;
    c.noOlder = true;
    $('group-form').reset();
    $('group-panel').open = false;
    open(c.id);
  } catch (e) {
    if (e instanceof RouteMissing) {
      state.apiMissing.add('groups');
      render();
    } else {
      error.textContent = e.message;
    }
  }
}

async function changeMembers(method, path, body) {
  try {
    const group = await api(method, path, body, false);
    if (group && group.conversationId) onMembers({ ...group, added: [], removed: [] });
  } catch (e) {
    showNotice(e.message);
  }
}

// ------------------------------------------------------------------ rendering

let renderQueued = false;
function render() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    renderList();
    renderConversation();
  });
}

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = value;
    else if (key === 'className') node.className = value;
    else if (key.startsWith('data-') || key.startsWith('aria-') || key === 'role' || key === 'type') {
      node.setAttribute(key, value === true ? 'true' : String(value));
    } else node[key] = value;
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function presenceText(userId) {
  const p = state.presence.get(userId);
  if (!p) return '';
  if (p.online) return 'online';
  return p.lastActiveAt ? `last seen ${formatTime(p.lastActiveAt)}` : 'offline';
}

function formatTime(epochMs) {
  const date = new Date(epochMs);
  const sameDay = date.toDateString() === new Date().toDateString();
  return sameDay ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleString([], { dateStyle: 'short', timeStyle: 'short' });
}

function activity(c) {
  const latest = latestMessage(c);
  return latest ? latest.sentAt : 0;
}

/**
 * Puts exactly these nodes, in this order, into the container, moving only those out of place.
 * Nodes are reused between renders, so keyboard focus stays put and the live region announces
 * new messages only, not the whole timeline again.
 */
function reconcile(container, nodes) {
  nodes.forEach((node, i) => {
    if (container.children[i] !== node) container.insertBefore(node, container.children[i] || null);
  });
  while (container.children.length > nodes.length) container.lastElementChild.remove();
}

/** Reuses the cached node for the key when its content is unchanged, else builds it anew. */
function keyed(cache, key, signature, build) {
  const cached = cache.get(key);
  if (cached && cached.signature === signature) return cached.node;
  const node = build(cached && cached.node);
  cache.set(key, { node, signature });
  return node;
}

function prune(cache, keep) {
  for (const key of cache.keys()) if (!keep.has(key)) cache.delete(key);
}

const listNodes = new Map();
const messageNodes = new Map();

function renderList() {
  const conversations = [...state.conversations.values()]
    .filter((c) => c.onServer || c.id === state.openId || hasOutbox(c.id))
    .sort((a, b) => activity(b) - activity(a) || a.id.localeCompare(b.id));
  const nodes = conversations.map((c) => {
    const latest = latestMessage(c);
    const online = c.kind === 'direct' ? state.presence.get(c.peer) : undefined;
    const presence = c.kind === 'direct' ? presenceText(c.peer) : 'group';
    const unread = c.id === state.openId ? 0 : c.unread;
    const current = c.id === state.openId;
    const previewText = latest ? preview(latest) : presence;
    const signature = JSON.stringify([title(c), online && online.online, presence, unread, current, previewText]);
    return keyed(listNodes, c.id, signature, (old) => {
      let li = old;
      if (!li) {
        li = el('li', {}, el('button', {
          type: 'button', className: 'conv', 'data-testid': 'conversation', 'data-conversation-id': c.id,
        }));
        li.firstChild.addEventListener('click', () => open(c.id));
      }
      const button = li.firstChild;
      button.setAttribute('data-unread', String(unread));
      button.setAttribute('aria-current', current ? 'true' : 'false');
      button.replaceChildren(
        el('span', {
          className: c.kind === 'group' ? 'dot group' : 'dot', 'aria-hidden': 'true',
          'data-online': online ? String(online.online) : undefined,
        }),
        el('span', { className: 'conv-name', text: title(c) }),
        unread > 0 ? el('span', { className: 'badge', 'data-testid': 'unread', text: String(unread) }) : el('span'),
        el('span', { className: 'conv-preview', text: previewText }),
        el('span', {
          className: 'visually-hidden',
          text: `${presence ? `, ${presence}` : ''}${unread > 0 ? `, ${unread} unread` : ''}`,
        }));
      return li;
    });
  });
  reconcile($('conversation-list'), nodes);
  prune(listNodes, new Set(conversations.map((c) => c.id)));
  $('no-conversations').hidden = nodes.length > 0;

  const total = [...state.conversations.values()]
    .reduce((sum, c) => sum + (c.id === state.openId ? 0 : c.unread), 0);
  const badge = $('total-unread');
  badge.hidden = total === 0;
  badge.textContent = String(total);
  badge.setAttribute('aria-label', `${total} unread`);
  document.title = total > 0 ? `(${total}) Parley` : 'Parley';
  const groupsMissing = state.apiMissing.has('groups');
  $('group-create').disabled = groupsMissing;
  if (groupsMissing) $('group-error').textContent = 'This server does not offer groups yet.';
}

function preview(m) {
  const text = typeof m.body.text === 'string' ? m.body.text : '(no text)';
  const who = m.senderId === state.me ? 'You: ' : '';
  return who + text.slice(0, 80);
}

function hasOutbox(conversationId) {
  for (const item of state.outbox.values()) if (item.conversationId === conversationId) return true;
  return false;
}

function renderConversation() {
  const c = state.conversations.get(state.openId);
  const timeline = $('timeline');
  $('composer').hidden = !c;
  if (!c) {
    $('conversation-title').textContent = 'Pick a conversation';
    delete $('conversation-title').dataset.conversationId;
    $('conversation-presence').textContent = '';
    $('conversation-members').hidden = true;
    $('group-tools').hidden = true;
    $('load-older').hidden = true;
    reconcile($('messages'), []);
    return;
  }
  const nearBottom = timeline.scrollHeight - timeline.scrollTop - timeline.clientHeight < 60;
  $('conversation-title').textContent = title(c);
  $('conversation-title').dataset.conversationId = c.id;
  $('conversation-presence').textContent = c.kind === 'direct' && c.peer !== state.me ? presenceText(c.peer) : '';
  const members = $('conversation-members');
  members.hidden = c.kind !== 'group';
  members.textContent = c.removed ? 'You are no longer a member of this group.'
    : c.members ? `Members: ${c.members.join(', ')}` : '';
  $('group-tools').hidden = c.kind !== 'group' || c.removed || state.apiMissing.has('groups');
  $('composer-send').disabled = c.removed;
  const older = $('load-older');
  older.hidden = !hasOlder(c);
  older.disabled = c.loadingOlder;
  older.textContent = c.loadingOlder ? 'Loading…' : 'Load older messages';

  // Stored messages by seq, then this device's sends still waiting for their seq.
  const seenSeq = c.kind === 'direct' && c.peer !== state.me ? c.peerReadSeq : 0;
  const shown = [...c.messages.values()].sort((a, b) => a.seq - b.seq).map((m) => {
    const mine = m.senderId === state.me;
    return {
      mine, sender: m.senderId, body: m.body, time: m.sentAt, seq: m.seq, clientMsgId: m.clientMsgId,
      status: mine ? (m.seq <= seenSeq ? 'seen' : 'sent') : null, error: null,
      showSender: c.kind === 'group',
    };
  });
  for (const item of state.outbox.values()) {
    if (item.conversationId !== c.id) continue;
    shown.push({
      mine: true, sender: state.me, body: item.body, time: item.createdAt, seq: null,
      clientMsgId: item.clientMsgId, status: item.status, error: item.error, showSender: c.kind === 'group',
    });
  }
  // Grouped: a sender's messages in a row (within 5 minutes, on one day) show the sender once and
  // the time once, at the group's last message. A day line starts each day; a "new messages" line
  // stands where the unread messages began when the conversation was opened.
  const GROUP_GAP_MS = 5 * 60 * 1000;
  let divider = false;
  shown.forEach((m, i) => {
    const before = shown[i - 1];
    const after = shown[i + 1];
    m.day = dayKey(m.time);
    m.newDay = !before || before.day !== m.day;
    m.firstOfGroup = m.newDay || before.sender !== m.sender || m.time - before.time > GROUP_GAP_MS;
    m.lastOfGroup = !after || after.sender !== m.sender || dayKey(after.time) !== m.day || after.time - m.time > GROUP_GAP_MS;
    m.showSender = c.kind === 'group' && m.firstOfGroup;
    m.unreadStart = !divider && !m.mine && m.seq !== null && c.dividerAfter !== null && m.seq > c.dividerAfter;
    if (m.unreadStart) divider = true;
  });
  // Keyed by sender and clientMsgId, so a pending send becomes its stored message in place.
  const keys = new Set();
  const nodes = [];
  for (const m of shown) {
    if (m.newDay) {
      const key = `${c.id}|day|${m.day}`;
      keys.add(key);
      nodes.push(keyed(messageNodes, key, m.day, () => el('li', {
        className: 'day', role: 'separator', 'data-testid': 'day', text: formatDay(m.time),
      })));
    }
    if (m.unreadStart) {
      const key = `${c.id}|unread`;
      keys.add(key);
      nodes.push(keyed(messageNodes, key, 'unread', () => el('li', {
        id: 'unread-divider', className: 'unread-divider', role: 'separator', 'data-testid': 'unread-divider', text: 'New messages',
      })));
    }
    const key = `${c.id}|${m.sender}|${m.clientMsgId}`;
    keys.add(key);
    nodes.push(keyed(messageNodes, key, JSON.stringify([m.seq, m.status, m.error, m.showSender, m.lastOfGroup, m.firstOfGroup]),
      () => messageElement(m)));
  }
  reconcile($('messages'), nodes);
  prune(messageNodes, keys);

  const dividerNode = divider ? $('unread-divider') : null;
  if (state.scrollToDivider && dividerNode) {
    // Open where the unread messages begin.
    timeline.scrollTop += dividerNode.getBoundingClientRect().top - timeline.getBoundingClientRect().top - 8;
    state.scrollToDivider = false;
    state.keepScroll = null;
  } else if (state.keepScroll !== null) {
    timeline.scrollTop = timeline.scrollHeight - state.keepScroll;
    state.keepScroll = null;
  } else if (nearBottom || state.justOpened) {
    timeline.scrollTop = timeline.scrollHeight;
  }
  if (shown.length > 0 && !c.loadingOlder) state.scrollToDivider = false;
  state.justOpened = false;
  markRead();
}

function dayKey(epochMs) {
  return new Date(epochMs).toDateString();
}

function formatDay(epochMs) {
  const date = new Date(epochMs);
  const today = new Date();
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
  if (date.toDateString() === today.toDateString()) return 'Today';
  if (date.toDateString() === yesterday.toDateString()) return 'Yesterday';
  return date.toLocaleDateString([], { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
}

const STATUS_TEXT = {
  pending: 'Waiting for connection', sending: 'Sending…', sent: 'Sent', seen: 'Seen', failed: 'Not sent',
};

function messageElement(m) {
  const text = typeof m.body.text === 'string' ? m.body.text : null;
  const unsettled = m.status === 'pending' || m.status === 'sending' || m.status === 'failed';
  const showMeta = m.lastOfGroup || unsettled;
  const statusText = m.status && showMeta ? STATUS_TEXT[m.status] + (m.error ? `: ${m.error}` : '') : null;
  return el('li', {
    className: `${m.mine ? 'msg mine' : 'msg'}${m.firstOfGroup ? ' first' : ''}`, 'data-testid': 'message', 'data-seq': m.seq,
    'data-client-msg-id': m.clientMsgId, 'data-sender': m.sender, 'data-status': m.status,
  },
  m.showSender ? el('span', { className: 'sender', text: m.mine ? 'You' : m.sender })
    : el('span', { className: 'visually-hidden', text: m.mine ? 'You: ' : `${m.sender}: ` }),
  text !== null ? el('p', { className: 'text', 'data-testid': 'message-text', text })
    : el('p', { className: 'text empty', 'data-testid': 'message-text', text: '(message without text)' }),
  showMeta ? el('span', { className: 'meta' },
    el('time', { dateTime: new Date(m.time).toISOString(), text: formatTime(m.time) }),
    statusText ? document.createTextNode(' · ') : null,
    statusText ? el('span', { className: 'status', 'data-testid': 'message-status', text: statusText }) : null) : null);
}

function showNotice(text) {
  const notice = $('notice');
  notice.textContent = text;
  notice.hidden = false;
  clearTimeout(showNotice.timer);
  showNotice.timer = setTimeout(() => { notice.hidden = true; }, 8000);
}

// ------------------------------------------------------------------ user actions

function open(id) {
  const c = conversation(id);
  state.openId = id;
  state.justOpened = true;
  state.scrollToDivider = true;
  c.dividerAfter = c.unread > 0 || countUnread(c) > 0 ? c.readSeq : null;
  c.unread = 0;
  render();
  if (c.onServer && c.messages.size === 0 && c.lastSeq > 0) loadOlder();
  markRead();
  $('composer-text').focus();
}

function signIn(userId, deviceId) {
  state.me = userId;
  state.deviceId = deviceId;
  sessionStorage.setItem('parley.user', JSON.stringify({ userId, deviceId }));
  $('login').hidden = true;
  $('chat').hidden = false;
  $('me').hidden = false;
  $('me').textContent = `Signed in as ${userId}`;
  $('me').dataset.userId = userId;
  $('sign-out').hidden = false;
  startClient();
  render();
}

function signOut() {
  sessionStorage.removeItem('parley.user');
  state.me = null;
  if (state.client) state.client.close();
  if (state.store) state.store.clear(); // this device's cursors and unsent messages go with the sign-in
  state.client = null;
  state.store = null;
  state.ready = false;
  state.conversations.clear();
  state.outbox.clear();
  state.presence.clear();
  state.openId = null;
  listNodes.clear();
  messageNodes.clear();
  render();
  $('login').hidden = false;
  $('chat').hidden = true;
  $('me').hidden = true;
  $('sign-out').hidden = true;
  setStatus('signed-out', 'Not signed in');
}

function bind() {
  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const userId = $('login-user').value.trim();
    const device = $('login-device').value.trim();
    const error = $('login-error');
    if (!USER_ID.test(userId)) {
      error.textContent = 'A user name is 1 to 128 letters, digits or _ . @ + -';
      return;
    }
    error.textContent = '';
    signIn(userId, device || `web-${randomId().slice(0, 8)}`);
  });

  $('open-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const target = $('open-user').value.trim();
    const error = $('open-error');
    if (GROUP_ID.test(target)) {
      error.textContent = '';
      open(target);
    } else if (USER_ID.test(target)) {
      error.textContent = '';
      open(directId(state.me, target));
    } else {
      error.textContent = 'Enter a user id (letters, digits, _ . @ + -) or a group id (grp:…).';
      return;
    }
    $('open-user').value = '';
  });

  $('group-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const name = $('group-name').value.trim();
    const members = $('group-members').value.split(',').map((s) => s.trim()).filter(Boolean);
    if (!name || members.length === 0 || !members.every((m) => USER_ID.test(m))) {
      $('group-error').textContent = 'A group needs a name and at least one valid member id.';
      return;
    }
    createGroup(name, members);
  });

  $('member-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const userId = $('member-user').value.trim();
    if (!USER_ID.test(userId) || !state.openId) return;
    $('member-user').value = '';
    changeMembers('POST', `/groups/${encodeURIComponent(state.openId)}/members`, { members: [userId] });
  });

  $('leave-group').addEventListener('click', () => {
    if (!state.openId) return;
    changeMembers('DELETE',
      `/groups/${encodeURIComponent(state.openId)}/members/${encodeURIComponent(state.me)}`, undefined);
  });

  $('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $('composer-text');
    const text = input.value;
    if (text.trim() === '') return;
    input.value = '';
    sendMessage(text);
  });
  $('composer-text').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $('composer').requestSubmit();
    }
  });

  $('load-older').addEventListener('click', loadOlder);
  $('timeline').addEventListener('scroll', () => {
    const c = state.conversations.get(state.openId);
    if (c && hasOlder(c) && $('timeline').scrollTop < 40) loadOlder();
    markRead(); // what scrolled into view is read
  });
  $('sign-out').addEventListener('click', signOut);
  $('reconnect-now').addEventListener('click', reconnectNow);
  window.addEventListener('online', reconnectNow);
  document.addEventListener('visibilitychange', () => { markRead(); render(); });
}

bind();
const saved = JSON.parse(sessionStorage.getItem('parley.user') || 'null');
if (saved && USER_ID.test(saved.userId || '')) signIn(saved.userId, saved.deviceId);
