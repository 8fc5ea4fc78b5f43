// Parley web chat: one page of plain JavaScript on @parley/client (client-js/, served from
// ./client/), which owns the connection: reconnects with backoff, sync, the outbox, delivery of
// every timeline entry exactly once and in seq order, and each message's current state (edits,
// deletions, reactions). This file keeps the page's view of it. Every piece of user text reaches
// the page through textContent (never innerHTML), so nothing a user types can become markup.
import { ParleyClient, ParleyHttpError, WebStorageStore, memberChangeOf, readBy } from './client/index.js';
import { AttachmentLinks, Uploads } from './attachments.js';
import { dayKey, el, formatDay, formatSize, formatTime, keyed, prune, reconcile } from './dom.js';
import { GroupMemory, isLastAdmin, offersAdminControls, roleIn } from './groups.js';
import { attachmentsOf, memberNote, mentionsIn, messageElement, summary, textOf } from './messages.js';

const SYNC_PAGE = 30;           // messages per conversation per sync page
const HISTORY_PAGE = 30;        // messages per history page
const MAX_BODY_BYTES = 16 * 1024;
const GROUP_GAP_MS = 5 * 60 * 1000; // a sender's messages within 5 minutes form one group
const MEMBERS_SHOWN = 50;      // members listed in a group's header (the rest: "and N more")
const USER_ID = /^[A-Za-z0-9_.@+-]{1,128}$/;
const GROUP_ID = /^grp:[A-Za-z0-9_-]{1,64}$/;

const $ = (id) => document.getElementById(id);

const state = {
  me: null,
  deviceId: null,
  client: null,         // the ParleyClient of the signed-in user
  store: null,
  ready: false,         // connected and caught up
  connections: 0,       // connections opened so far (shown as data-connections)
  groups: null,         // GroupMemory: members and admins of the user's groups, across reloads
  conversations: new Map(),
  presence: new Map(),  // userId -> {online, lastActiveAt}
  blocked: new Set(),   // users this user blocked
  outbox: new Map(),    // clientMsgId -> a send not yet stored, as the client reports it
  openId: null,
  justOpened: false,    // scroll to the newest message on the next render
  keepScroll: null,     // scroll height before older messages were prepended
  scrollToDivider: false, // open the conversation at its "new messages" line
  stick: true,          // the timeline was at its bottom: keep it there as content grows
  compose: null,        // {kind: 'edit'|'reply', conversationId, seq}
  selected: null,       // key of the message whose actions are shown
  reacting: null,       // key of the message whose emoji picker is open
  deleting: null,       // {conversationId, seq} awaiting the dialog's answer
};

const uploads = new Uploads((item) => (item ? renderUploadProgress(item) : render()));
const links = new AttachmentLinks(() => state.client && state.client.api, () => render());

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
      members: null,       // the first page of the member list (GET /groups/{id}/members), null: not loaded
      admins: null,        // the admins among those members; null: not known yet (see groups.js)
      amAdmin: null,       // whether the user is an admin (synced, GET /conversations, frames); null: not known
      memberCount: null,
      membersMore: false,  // the member list has more pages than the one shown
      memberLines: new Map(), // seq -> {seq, time, text, key}: membership changes kept in the timeline (kind member)
      reads: null,         // groups: userId -> read position of the other members ("Read by N"); null: not loaded
      muted: false,
      messages: new Map(), // seq -> {seq, senderId, clientMsgId, body, sentAt, replyTo, editedAt, deleted, reactions}
      notes: [],           // membership changes with no timeline entry for this user (their own removal): {afterSeq, time, text}
      noOlder: false,      // history said nothing older exists
      lastSeq: 0,
      readSeq: 0,
      unread: 0,
      unreadMentions: 0,
      peerReadSeq: 0,      // the peer's read cursor (direct conversations)
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
  for (const seq of c.memberLines.keys()) if (oldest === null || seq < oldest) oldest = seq;
  return oldest;
}

/** Whether older messages can be fetched: the page holds none from seq 1 and history has not said "no more". */
function hasOlder(c) {
  if (c.noOlder || !c.onServer) return false;
  const oldest = oldestSeq(c);
  return oldest === null ? c.lastSeq > 0 : oldest > 1;
}

/**
 * A membership change kept in the group's timeline (an entry of kind `member`, from a push, sync or
 * history): its line stands at its seq, also after a reload. Never unread.
 */
function addMemberLine(c, m) {
  c.kind = 'group';
  c.onServer = true;
  c.lastSeq = Math.max(c.lastSeq, m.seq);
  if (c.memberLines.has(m.seq)) return;
  const change = memberChangeOf(m);
  const text = change && memberNote(change, state.me);
  if (text) c.memberLines.set(m.seq, { seq: m.seq, time: m.sentAt, text, key: `line${m.seq}` });
}

/** Adds a message (with the state a page gave it) unless already held; true when it was new. */
function addMessage(c, m) {
  c.onServer = true;
  c.lastSeq = Math.max(c.lastSeq, m.seq);
  if (c.messages.has(m.seq)) return false;
  c.messages.set(m.seq, {
    seq: m.seq, senderId: m.senderId, clientMsgId: m.clientMsgId, body: m.body || {}, sentAt: m.sentAt,
    replyTo: m.replyTo || null, editedAt: m.editedAt || 0, deleted: m.deleted === true, reactions: m.reactions || [],
  });
  return true;
}

function countUnread(c) {
  let unread = 0;
  for (const m of c.messages.values()) if (m.seq > c.readSeq && m.senderId !== state.me) unread += 1;
  return unread;
}

function isAdmin(c) {
  return roleIn(c, state.me) === 'admin';
}

/** The first page of a group's member list, and who of them are admins (GET /groups/{id}/members). */
async function refreshMembers(c) {
  if (c.kind !== 'group' || c.removed || !c.onServer || !state.client) return;
  try {
    const page = await state.client.api.groupMembers(c.id, { limit: MEMBERS_SHOWN });
    c.members = page.members.map((m) => m.userId);
    c.admins = page.members.filter((m) => m.admin).map((m) => m.userId);
    c.memberCount = page.memberCount;
    c.membersMore = page.cursor !== undefined;
    if (!c.membersMore) c.amAdmin = c.admins.includes(state.me);
    rememberGroup(c);
    render();
  } catch (e) {
    if (!(e instanceof ParleyHttpError && e.status === 403)) showNotice(refusal(e, 'load the members'));
  }
}

/** How far the other members have read (GET /groups/{id}/reads): "Read by N" under the user's last message. */
async function refreshReads(c) {
  if (c.kind !== 'group' || c.removed || !c.onServer || !state.client) return;
  try {
    const answer = await state.client.api.groupReads(c.id);
    const reads = c.reads || new Map();
    for (const r of answer.reads) reads.set(r.userId, Math.max(reads.get(r.userId) || 0, r.readSeq));
    c.reads = reads;
    render();
  } catch (e) {
    if (!(e instanceof ParleyHttpError && e.status === 403)) showNotice(refusal(e, 'load who read your messages'));
  }
}

function rememberGroup(c) {
  if (state.groups) state.groups.save(c);
}

/** The members, admins and names of groups this device learnt before a reload. */
function restoreGroups() {
  for (const [id, saved] of Object.entries(state.groups.load())) {
    const c = conversation(id);
    c.kind = 'group';
    if (typeof saved.name === 'string') c.name = saved.name;
    if (Array.isArray(saved.members)) c.members = saved.members;
    if (Array.isArray(saved.admins)) c.admins = saved.admins;
    if (typeof saved.amAdmin === 'boolean') c.amAdmin = saved.amAdmin;
  }
}

// ------------------------------------------------------------------ connection (the client's)

function setStatus(kind, text) {
  const status = $('connection-status');
  status.dataset.state = kind;
  status.dataset.connections = String(state.connections);
  status.textContent = text;
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
  return json.token;
}

function startClient() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const { me, deviceId } = state;
  state.store = new WebStorageStore(`parley.${me}.${deviceId}.`);
  state.groups = new GroupMemory(`parley.${me}.${deviceId}.groups`);
  restoreGroups();
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
  client.on('changed', onChanged);
  client.on('typing', () => render());
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
    case 'disconnected':
      // Offline, the page cannot know who is online: show no presence rather than a stale "online".
      state.presence.clear();
      setStatus('offline', 'Offline. Reconnecting…');
      break;
    default: break;
  }
  render();
}

function reconnectNow() {
  if (state.client) state.client.reconnect();
}

// ------------------------------------------------------------------ what the client delivers

function onMessage(m) {
  if (m.kind === 'member') {
    addMemberLine(conversation(m.conversationId), m);
    markRead();
    render();
    return;
  }
  if (m.kind && m.kind !== 'message') return; // edits, deletions, reactions: `changed` follows
  const c = conversation(m.conversationId);
  const fresh = addMessage(c, m);
  if (fresh && m.senderId !== state.me && m.seq > c.readSeq) {
    c.unread += 1;
    if (Array.isArray(m.body && m.body.mentions) && m.body.mentions.includes(state.me)) c.unreadMentions += 1;
    if (state.ready) announce(c, m);
  }
  markRead();
  render();
}

/** An edit, deletion or reaction changed a message: show its new state. */
function onChanged(view) {
  const c = conversation(view.conversationId);
  const m = c.messages.get(view.seq);
  if (!m) return;
  m.body = view.body || {};
  m.editedAt = view.editedAt;
  m.deleted = view.deleted;
  m.reactions = view.reactions;
  render();
}

/** A new message from someone else: a screen reader hears it; a hidden tab shows a notification. */
function announce(c, m) {
  const line = `${m.senderId}: ${summary(m)}`;
  if (c.id === state.openId && document.visibilityState === 'visible') $('live').textContent = line;
  const mentioned = Array.isArray(m.body && m.body.mentions) && m.body.mentions.includes(state.me);
  // A muted conversation stays quiet, except for a mention (as its push notifications do).
  if (document.visibilityState === 'hidden' && (c.muted !== true || mentioned) && 'Notification' in window
      && Notification.permission === 'granted') {
    const notification = new Notification(c.kind === 'group' ? title(c) : m.senderId, {
      body: c.kind === 'group' ? line.slice(0, 120) : summary(m).slice(0, 120), tag: c.id,
    });
    notification.onclick = () => {
      window.focus();
      open(c.id);
      notification.close();
    };
  }
}

function onConversations({ conversations }) {
  for (const s of conversations) applySummary(s, true);
  markRead();
  render();
}

/** A conversation's state as sync or GET /conversations reports it. */
function applySummary(s, countsAreFresh) {
  const known = state.conversations.has(s.conversationId);
  const c = conversation(s.conversationId);
  c.onServer = true;
  c.removed = false;
  if (s.kind) c.kind = s.kind;
  if (s.name) c.name = s.name;
  if (Array.isArray(s.members)) c.members = s.members;
  if (Array.isArray(s.admins)) c.admins = s.admins;
  if (typeof s.admin === 'boolean' && c.amAdmin !== s.admin) {
    c.amAdmin = s.admin;
    rememberGroup(c);
  }
  if (typeof s.muted === 'boolean') c.muted = s.muted;
  if (typeof s.lastSeq === 'number') c.lastSeq = Math.max(c.lastSeq, s.lastSeq);
  if (typeof s.readSeq === 'number') c.readSeq = Math.max(c.readSeq, s.readSeq);
  if (typeof s.peerReadSeq === 'number') c.peerReadSeq = Math.max(c.peerReadSeq, s.peerReadSeq);
  // Counts of conversations sync already reported are kept: live pushes may have moved them.
  if (countsAreFresh || !known) {
    if (typeof s.unread === 'number') c.unread = c.id === state.openId ? 0 : s.unread;
    if (typeof s.unreadMentions === 'number') c.unreadMentions = c.id === state.openId ? 0 : s.unreadMentions;
  }
}

function onOutbox(pending) {
  const failed = [...state.outbox.values()].filter((item) => item.status === 'failed');
  state.outbox.clear();
  for (const item of failed) state.outbox.set(item.clientMsgId, item);
  for (const p of pending) {
    if (p.action !== 'send') continue; // edits, deletions and reactions show once stored
    state.outbox.set(p.clientMsgId, {
      clientMsgId: p.clientMsgId,
      conversationId: p.to.conversationId || directId(state.me, p.to.userId),
      body: p.body,
      replyTo: p.fields && typeof p.fields.replyTo === 'number' ? p.fields.replyTo : null,
      status: p.status === 'sending' ? 'sending' : 'pending',
      error: null,
      createdAt: p.createdAt,
    });
  }
  render();
}

const REFUSED = { edit: 'The message could not be edited', delete: 'The message could not be deleted', react: 'The reaction was not saved' };

function onSendFailed(failure) {
  if (failure.action !== 'send') {
    showNotice(`${REFUSED[failure.action] || 'Refused'}: ${failure.error.message}`);
    return;
  }
  const to = failure.to;
  state.outbox.set(failure.clientMsgId, {
    clientMsgId: failure.clientMsgId,
    conversationId: to.conversationId || directId(state.me, to.userId),
    body: failure.body || {},
    replyTo: failure.fields && typeof failure.fields.replyTo === 'number' ? failure.fields.replyTo : null,
    status: 'failed',
    error: failure.error.code === 'BLOCKED' ? `${to.userId || 'this person'} does not accept your messages` : failure.error.message,
    createdAt: Date.now(),
  });
  render();
}

function onRead(frame) {
  const c = conversation(frame.conversationId);
  if (frame.userId === state.me) {
    c.readSeq = Math.max(c.readSeq, frame.seq); // read on another device
    c.unread = countUnread(c);
  } else if (c.kind === 'group') {
    if (c.reads === null) c.reads = new Map();
    c.reads.set(frame.userId, Math.max(c.reads.get(frame.userId) || 0, frame.seq));
  } else {
    c.peerReadSeq = Math.max(c.peerReadSeq, frame.seq);
  }
  render();
}

function onPresence(p) {
  state.presence.set(p.userId, { online: Boolean(p.online), lastActiveAt: p.lastActiveAt });
  render();
}

/**
 * A `members` frame: what changed and the member count, never the member list (docs/protocol.md).
 * Its line comes with its timeline entry (`change.seq`); a user removed from the group gets no
 * entry, so their page writes the line from the frame.
 */
function onMembers(change) {
  const c = conversation(change.conversationId);
  c.kind = 'group';
  if (change.name) c.name = change.name;
  c.memberCount = change.memberCount;
  const me = state.me;
  if (change.removed.includes(me)) {
    c.removed = true;
  } else {
    c.removed = false;
    c.onServer = true;
  }
  if (change.promoted.includes(me)) c.amAdmin = true;
  if (change.demoted.includes(me)) c.amAdmin = false;
  if (Array.isArray(c.members) && !c.membersMore) {
    c.members = [...c.members.filter((m) => !change.removed.includes(m)), ...change.added.filter((m) => !c.members.includes(m))].sort();
  }
  if (Array.isArray(c.admins)) {
    c.admins = [...c.admins.filter((a) => !change.demoted.includes(a) && !change.removed.includes(a)),
      ...change.promoted.filter((a) => !c.admins.includes(a))];
  }
  rememberGroup(c);
  if (change.seq === 0 || c.removed) {
    const note = memberNote(change, me);
    if (note) c.notes.push({ afterSeq: c.lastSeq, time: Date.now(), text: note, key: `n${c.notes.length}` });
  }
  if (c.id === state.openId && !c.removed && (change.addedCount > change.added.length || change.removedCount > change.removed.length)) {
    refreshMembers(c); // a change too large to list: read the list again
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
    for (const m of page.messages) {
      if (m.kind === 'member') addMemberLine(c, m);
      else if (!m.kind || m.kind === 'message') addMessage(c, m);
    }
    if (!page.hasMore) c.noOlder = true;
    markRead();
  } catch (e) {
    showNotice(e.message);
  } finally {
    c.loadingOlder = false;
    render();
  }
}

// ------------------------------------------------------------------ sending, editing, reacting

function randomId() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function tooLarge(body) {
  if (new TextEncoder().encode(JSON.stringify(body)).length <= MAX_BODY_BYTES) return false;
  showNotice('That message is too long (the limit is 16 KiB).');
  return true;
}

/** The composer's text and staged files go out as a message, a reply, or the edit of a message. */
function submitComposer() {
  const c = state.conversations.get(state.openId);
  if (!c || c.removed || !state.client) return;
  const input = $('composer-text');
  const text = input.value;
  const compose = state.compose && state.compose.conversationId === c.id ? state.compose : null;
  if (compose && compose.kind === 'edit') {
    const m = c.messages.get(compose.seq);
    if (text.trim() === '' || !m) return;
    const body = { ...m.body, text };
    if (tooLarge(body)) return;
    state.client.edit(c.id, compose.seq, body).catch(() => undefined); // refusals come as sendFailed
  } else {
    if (uploads.busy(c.id)) {
      showNotice('Wait until the files are uploaded.');
      return;
    }
    const files = uploads.refs(c.id);
    if (text.trim() === '' && files.length === 0) return;
    const body = {};
    if (text.trim() !== '') body.text = text;
    if (files.length > 0) body.attachments = files;
    const options = {};
    if (compose && compose.kind === 'reply') options.replyTo = compose.seq;
    const mentions = text ? mentionsIn(text, c.kind === 'direct' ? [c.peer] : c.members || [], state.me) : [];
    if (mentions.length > 0) options.mentions = mentions;
    if (tooLarge({ ...body, mentions })) return;
    const to = c.kind === 'direct' ? { userId: c.peer } : { conversationId: c.id };
    // Retried with the same clientMsgId until stored, across reconnects and reloads; the stored
    // message then arrives through the client's `message` event. Refusals come as `sendFailed`.
    state.client.send(to, body, options).catch(() => undefined);
    uploads.clear(c.id);
    state.stick = true;
  }
  // A sent message ends the typing indicator by itself (the client knows); no stop signal.
  input.value = '';
  setCompose(null);
}

function setCompose(compose) {
  state.compose = compose;
  renderCompose();
}

function startEdit(c, seq) {
  const m = c.messages.get(seq);
  if (!m || m.deleted) return;
  setCompose({ kind: 'edit', conversationId: c.id, seq });
  const input = $('composer-text');
  input.value = textOf(m) || '';
  input.focus();
  input.setSelectionRange(input.value.length, input.value.length);
}

function startReply(c, seq) {
  setCompose({ kind: 'reply', conversationId: c.id, seq });
  $('composer-text').focus();
}

function toggleReaction(c, seq, emoji) {
  const m = c.messages.get(seq);
  if (!m || m.deleted || !state.client) return;
  const mine = (m.reactions || []).some((r) => r.emoji === emoji && r.me);
  (mine ? state.client.unreact(c.id, seq, emoji) : state.client.react(c.id, seq, emoji)).catch(() => undefined);
}

function askDelete(c, seq) {
  state.deleting = { conversationId: c.id, seq };
  $('delete-dialog').showModal();
  $('delete-cancel').focus();
}

function confirmDelete() {
  const target = state.deleting;
  state.deleting = null;
  $('delete-dialog').close();
  if (!target || !state.client) return;
  state.client.delete(target.conversationId, target.seq).catch(() => undefined);
  if (state.compose && state.compose.seq === target.seq) setCompose(null);
  $('composer-text').focus();
}

function pickFiles(files) {
  const c = state.conversations.get(state.openId);
  if (!c || c.removed || !state.client || !state.client.api) return;
  if (state.compose && state.compose.kind === 'edit') setCompose(null);
  for (const file of files) {
    const refused = uploads.add(state.client.api, c.id, file);
    if (refused) showNotice(refused);
  }
}

// ------------------------------------------------------------------ read receipts

/** The open conversation, seen on a visible page, is read up to its newest message on screen. */
function markRead() {
  const c = state.conversations.get(state.openId);
  if (!c || !c.onServer || !state.client || document.visibilityState === 'hidden') return;
  const seen = lastSeqOnScreen();
  if (seen <= c.readSeq) return;
  c.readSeq = seen;
  c.unread = countUnread(c);
  c.unreadMentions = 0;
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

function api(method, path, body) {
  return state.client.api.call(method, path, body);
}

/** What a refused HTTP call tells the user: a 403 says who may do it, anything else its reason. */
function refusal(e, what) {
  if (e instanceof ParleyHttpError && e.status === 403) {
    return e.code === 'BLOCKED' ? `You cannot ${what}: ${e.message}` : `Not allowed to ${what}: ${e.message}`;
  }
  return `Could not ${what}: ${e.message}`;
}

async function refreshFromApi() {
  await Promise.all([refreshConversations(), refreshPresence(), refreshBlocks()]);
}

/**
 * The paged form of GET /conversations (docs/protocol.md, v2) also says how far the peer of each
 * direct conversation has read (`peerReadSeq`: "Seen" after a reload), `muted` and `unreadMentions`.
 */
async function refreshConversations() {
  try {
    let cursor = null;
    do {
      const query = cursor ? `?limit=200&cursor=${encodeURIComponent(cursor)}` : '?limit=200';
      const json = await api('GET', `/conversations${query}`);
      for (const s of (json && json.conversations) || []) {
        if (s.left) continue; // no longer a member
        applySummary(s, false);
      }
      cursor = json && typeof json.cursor === 'string' ? json.cursor : null;
    } while (cursor);
    render();
  } catch (e) {
    showNotice(refusal(e, 'load the conversations'));
  }
}

async function refreshBlocks() {
  try {
    const json = await api('GET', '/blocks');
    state.blocked = new Set((json && json.blocked) || []);
    render();
  } catch (e) {
    showNotice(refusal(e, 'load the people you blocked'));
  }
}

let presenceTimer = null;
function schedulePresence() {
  clearTimeout(presenceTimer);
  presenceTimer = setTimeout(() => { if (state.ready) refreshPresence(); }, 300);
}

async function refreshPresence() {
  const peers = [...new Set([...state.conversations.values()]
    .filter((c) => c.kind === 'direct' && c.peer !== state.me).map((c) => c.peer))];
  if (peers.length === 0) return;
  try {
    // At most 100 users per call (docs/protocol.md).
    for (let i = 0; i < peers.length; i += 100) {
      const json = await api('GET', `/presence?users=${peers.slice(i, i + 100).map(encodeURIComponent).join(',')}`);
      for (const p of (json && json.presence) || []) onPresence(p);
    }
  } catch (e) {
    showNotice(refusal(e, 'load who is online'));
  }
}

/** A group response (`POST /groups`, `POST .../members`, `PATCH /groups/{id}`): the group as it is now. */
function applyGroup(group) {
  const c = conversation(group.conversationId);
  c.kind = 'group';
  if (group.name) c.name = group.name;
  if (Array.isArray(group.members)) c.members = group.members;
  if (Array.isArray(group.admins)) c.admins = group.admins;
  c.onServer = true;
  rememberGroup(c);
  return c;
}

async function createGroup(name, members) {
  const error = $('group-error');
  error.textContent = '';
  try {
    const c = applyGroup(await api('POST', '/groups', { name, members }));
    c.noOlder = true;
    $('group-form').reset();
    $('group-panel').open = false;
    open(c.id);
  } catch (e) {
    error.textContent = refusal(e, 'create the group');
  }
}

/**
 * Runs an admin-only call on the open group. A 403 says why in the notice; when it says the user
 * is no admin (a page that did not know), the admin controls go away.
 */
async function adminCall(what, call) {
  const c = state.conversations.get(state.openId);
  if (!c || !state.client) return;
  try {
    const group = await call(c);
    if (group && group.conversationId) applyGroup(group);
  } catch (e) {
    showNotice(refusal(e, what));
    if (e instanceof ParleyHttpError && e.status === 403 && !isAdmin(c)) c.admins = (c.admins || []).filter((a) => a !== state.me);
  }
  render();
}

const groupPath = (c, ...rest) => ['/groups', c.id, ...rest].map((part, i) => (i === 0 ? part : encodeURIComponent(part))).join('/');

function addMember(userId) {
  adminCall(`add ${userId}`, (c) => api('POST', groupPath(c, 'members'), { members: [userId] }));
}

function removeMember(userId) {
  adminCall(`remove ${userId}`, (c) => api('DELETE', groupPath(c, 'members', userId)));
}

function renameGroup(name) {
  adminCall('rename the group', (c) => api('PATCH', groupPath(c), { name }));
}

function changeAdmin(userId, promote) {
  adminCall(promote ? `make ${userId} an admin` : `remove ${userId} as admin`,
    (c) => api(promote ? 'PUT' : 'DELETE', groupPath(c, 'admins', userId)));
}

/** Leaves the open group; the last admin names who takes over (the group always keeps an admin). */
async function leaveGroup() {
  const c = state.conversations.get(state.openId);
  if (!c || !state.client) return;
  const successor = $('leave-successor').value;
  const query = isLastAdmin(c, state.me) && successor ? `?successor=${encodeURIComponent(successor)}` : '';
  try {
    await api('DELETE', groupPath(c, 'members', state.me) + query);
  } catch (e) {
    showNotice(refusal(e, 'leave the group'));
  }
  render();
}

async function toggleMute() {
  const c = state.conversations.get(state.openId);
  if (!c || !state.client) return;
  const muted = !c.muted;
  try {
    const settings = await api('PUT', `/conversations/${encodeURIComponent(c.id)}/settings`, { muted });
    c.muted = settings && typeof settings.muted === 'boolean' ? settings.muted : muted;
  } catch (e) {
    showNotice(refusal(e, muted ? 'mute this conversation' : 'unmute this conversation'));
  }
  render();
}

async function toggleBlock() {
  const c = state.conversations.get(state.openId);
  if (!c || c.kind !== 'direct' || !state.client) return;
  const blocked = state.blocked.has(c.peer);
  try {
    await api(blocked ? 'DELETE' : 'PUT', `/blocks/${encodeURIComponent(c.peer)}`);
    if (blocked) state.blocked.delete(c.peer);
    else state.blocked.add(c.peer);
    if (blocked) refreshPresence(); // hidden while blocked: shown again as it is now
  } catch (e) {
    showNotice(refusal(e, blocked ? `unblock ${c.peer}` : `block ${c.peer}`));
  }
  render();
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
    renderCompose();
    renderUploads();
  });
}

function presenceText(userId) {
  if (state.blocked.has(userId)) return 'blocked';
  const p = state.presence.get(userId);
  if (!p) return '';
  if (p.online) return 'online';
  return p.lastActiveAt ? `last seen ${formatTime(p.lastActiveAt)}` : 'offline';
}

function activity(c) {
  const latest = latestMessage(c);
  return latest ? latest.sentAt : 0;
}

function typingText(c) {
  const typists = state.client ? state.client.typingIn(c.id) : [];
  if (typists.length === 0) return '';
  if (c.kind === 'direct') return 'typing…';
  if (typists.length === 1) return `${typists[0]} is typing…`;
  if (typists.length === 2) return `${typists[0]} and ${typists[1]} are typing…`;
  return `${typists.length} people are typing…`;
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
    const mentioned = c.id === state.openId ? 0 : c.unreadMentions;
    const current = c.id === state.openId;
    const typing = typingText(c);
    const previewText = typing || (latest ? preview(c, latest) : presence);
    const signature = JSON.stringify([title(c), online && online.online, presence, unread, mentioned, current, previewText, c.muted]);
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
        el('span', { className: 'conv-name', text: title(c) + (c.muted ? ' 🔕' : '') }),
        unread > 0 ? el('span', { className: 'badge', 'data-testid': 'unread', 'aria-hidden': 'true', text: mentioned > 0 ? `@ ${unread}` : String(unread) })
          : el('span'),
        el('span', { className: typing ? 'conv-preview typing-preview' : 'conv-preview', 'data-testid': 'conversation-preview', text: previewText }),
        el('span', {
          className: 'visually-hidden',
          text: `${presence ? `, ${presence}` : ''}${unread > 0 ? `, ${unread} unread` : ''}${mentioned > 0 ? `, ${mentioned} mentioning you` : ''}${c.muted ? ', muted' : ''}`,
        }));
      return li;
    });
  });
  reconcile($('conversation-list'), nodes);
  prune(listNodes, new Set(conversations.map((c) => c.id)));
  renderPeople();
  $('no-conversations').hidden = nodes.length > 0;

  const total = [...state.conversations.values()]
    .reduce((sum, c) => sum + (c.id === state.openId ? 0 : c.unread), 0);
  const badge = $('total-unread');
  badge.hidden = total === 0;
  badge.textContent = String(total);
  badge.setAttribute('aria-label', `${total} unread`);
  document.title = total > 0 ? `(${total}) Parley` : 'Parley';
}

/** The "start a chat" field suggests the people the user has talked to and the groups they are in. */
function renderPeople() {
  const people = new Set();
  for (const c of state.conversations.values()) {
    if (c.kind === 'direct' && c.peer !== state.me) people.add(c.peer);
    for (const member of c.members || []) if (member !== state.me) people.add(member);
  }
  const options = [...people].sort().map((id) => ({ value: id, label: id }));
  for (const c of state.conversations.values()) if (c.kind === 'group' && c.onServer) options.push({ value: c.id, label: title(c) });
  const list = $('known-people');
  const signature = JSON.stringify(options);
  if (list.dataset.signature === signature) return;
  list.dataset.signature = signature;
  list.replaceChildren(...options.map((o) => el('option', { value: o.value, label: o.label })));
}

/** The list's line under a conversation: the latest message, with its sender's name in a group. */
function preview(c, m) {
  const who = m.senderId === state.me ? 'You: ' : c.kind === 'group' ? `${m.senderId}: ` : '';
  return who + summary(m).slice(0, 80);
}

function hasOutbox(conversationId) {
  for (const item of state.outbox.values()) if (item.conversationId === conversationId) return true;
  return false;
}

function renderConversation() {
  const c = state.conversations.get(state.openId);
  const timeline = $('timeline');
  $('composer').hidden = !c;
  $('typing').textContent = c ? typingText(c).replace(/^typing…$/, `${title(c)} is typing…`) : '';
  if (!c) {
    $('conversation-title').textContent = 'Pick a conversation';
    delete $('conversation-title').dataset.conversationId;
    $('conversation-presence').textContent = '';
    $('conversation-members').hidden = true;
    $('group-tools').hidden = true;
    $('mute-toggle').hidden = true;
    $('block-toggle').hidden = true;
    $('load-older').hidden = true;
    reconcile($('messages'), []);
    return;
  }
  $('conversation-title').textContent = title(c);
  $('conversation-title').dataset.conversationId = c.id;
  $('conversation-presence').textContent = c.kind === 'direct' && c.peer !== state.me ? presenceText(c.peer) : '';
  renderHeaderTools(c);
  const members = $('conversation-members');
  members.hidden = c.kind !== 'group';
  members.textContent = c.removed ? 'You are no longer a member of this group.'
    : c.members ? `Members: ${c.members.map((m) => (c.admins && c.admins.includes(m) ? `${m} (admin)` : m)).join(', ')}`
      + (c.membersMore && c.memberCount ? ` and ${c.memberCount - c.members.length} more` : '') : '';
  $('composer-send').disabled = c.removed || uploads.busy(c.id);
  const older = $('load-older');
  older.hidden = !hasOlder(c);
  older.disabled = c.loadingOlder;
  older.textContent = c.loadingOlder ? 'Loading…' : 'Load older messages';

  const shown = timelineItems(c);
  const keys = new Set();
  const nodes = [];
  const add = (key, signature, build) => {
    keys.add(key);
    nodes.push(keyed(messageNodes, key, signature, build));
  };
  let divider = false;
  for (const m of shown) {
    if (m.newDay) {
      add(`${c.id}|day|${m.day}`, m.day, () => el('li', {
        className: 'day', 'data-testid': 'day', text: formatDay(m.time),
      }));
    }
    if (m.unreadStart) {
      divider = true;
      add(`${c.id}|unread`, 'unread', () => el('li', {
        id: 'unread-divider', className: 'unread-divider', 'data-testid': 'unread-divider', text: 'New messages',
      }));
    }
    if (m.note) {
      add(`${c.id}|${m.key}`, m.text, () => el('li', { className: 'note', 'data-testid': 'member-note', text: m.text }));
      continue;
    }
    add(m.key, messageSignature(m), () => messageElement(m, { me: state.me, removed: c.removed, onImageLoad: keepAtBottom }));
  }
  reconcile($('messages'), nodes);
  prune(messageNodes, keys);
  placeScroll(timeline, divider);
  markRead();
}

/**
 * The open conversation's timeline: stored messages by seq, membership notes where they happened,
 * then this device's sends still waiting for their seq. A sender's messages in a row (within 5
 * minutes, on one day) show the sender once and the time once, at the group's last message. A day
 * line starts each day; a "new messages" line stands where the unread messages began when the
 * conversation was opened.
 */
function timelineItems(c) {
  const seenSeq = c.kind === 'direct' && c.peer !== state.me ? c.peerReadSeq : 0;
  const shown = [];
  const notes = [...c.notes];
  const lines = [...c.memberLines.values()].sort((a, b) => a.seq - b.seq);
  let lastOwn = null;
  for (const m of c.messages.values()) if (m.senderId === state.me && (lastOwn === null || m.seq > lastOwn)) lastOwn = m.seq;
  for (const m of [...c.messages.values()].sort((a, b) => a.seq - b.seq)) {
    while (notes.length > 0 && notes[0].afterSeq < m.seq) shown.push(noteItem(notes.shift()));
    while (lines.length > 0 && lines[0].seq < m.seq) shown.push(noteItem(lines.shift()));
    const mine = m.senderId === state.me;
    shown.push({
      key: `${c.id}|${m.senderId}|${m.clientMsgId || `#${m.seq}`}`,
      mine, sender: m.senderId, body: m.body, time: m.sentAt, seq: m.seq, clientMsgId: m.clientMsgId,
      status: mine ? (m.seq <= seenSeq ? 'seen' : 'sent') : null, error: null,
      replyTo: m.replyTo, editedAt: m.editedAt, deleted: m.deleted, reactions: m.reactions || [],
      readBy: c.kind === 'group' && mine && m.seq === lastOwn && c.reads ? readBy([...c.reads.values()].map((readSeq) => ({ readSeq })), m.seq) : 0,
    });
  }
  for (const line of lines) shown.push(noteItem(line));
  for (const note of notes) shown.push(noteItem(note));
  for (const item of state.outbox.values()) {
    if (item.conversationId !== c.id) continue;
    shown.push({
      key: `${c.id}|${state.me}|${item.clientMsgId}`,
      mine: true, sender: state.me, body: item.body, time: item.createdAt, seq: null, clientMsgId: item.clientMsgId,
      status: item.status, error: item.error, replyTo: item.replyTo, editedAt: 0, deleted: false, reactions: [],
    });
  }
  let divider = false;
  shown.forEach((m, i) => {
    const before = shown[i - 1];
    const after = shown[i + 1];
    m.day = dayKey(m.time);
    m.newDay = !before || before.day !== m.day;
    if (m.note) return;
    m.firstOfGroup = m.newDay || before.note || before.sender !== m.sender || m.time - before.time > GROUP_GAP_MS;
    m.lastOfGroup = !after || after.note || after.sender !== m.sender || dayKey(after.time) !== m.day || after.time - m.time > GROUP_GAP_MS;
    m.showSender = c.kind === 'group' && m.firstOfGroup;
    m.unreadStart = !divider && !m.mine && m.seq !== null && c.dividerAfter !== null && m.seq > c.dividerAfter;
    if (m.unreadStart) divider = true;
    m.selected = state.selected === m.key;
    m.reacting = state.reacting === m.key;
    m.canEdit = m.mine && m.seq !== null && !m.deleted && textOf(m) !== null;
    m.canDelete = m.seq !== null && !m.deleted && (m.mine || isAdmin(c));
    m.quote = m.replyTo ? quoteOf(c, m.replyTo) : null;
    m.mentionsMe = Array.isArray(m.body && m.body.mentions) && m.body.mentions.includes(state.me);
    m.files = attachmentsOf(m).map((a) => ({ ...a, link: links.get(a.attachmentId) || null }));
  });
  return shown;
}

function noteItem(note) {
  return { note: true, key: note.key, text: note.text, time: note.time };
}

/** What a reply shows of the message it answers. */
function quoteOf(c, seq) {
  const target = c.messages.get(seq);
  if (!target) return { seq, sender: null, text: 'an earlier message' };
  return { seq, sender: target.senderId === state.me ? 'You' : target.senderId, text: summary(target).slice(0, 100) };
}

function messageSignature(m) {
  return JSON.stringify([m.seq, m.status, m.readBy, m.error, m.showSender, m.lastOfGroup, m.firstOfGroup, m.body, m.editedAt,
    m.deleted, m.reactions, m.quote, m.selected, m.reacting, m.canEdit, m.canDelete,
    m.files.map((f) => f.link && [f.link.status, f.link.thumbnailUrl, f.link.downloadUrl])]);
}

/** An image finished loading: a timeline that was at its bottom stays there. */
function keepAtBottom() {
  if (state.stick) $('timeline').scrollTop = $('timeline').scrollHeight;
}

function placeScroll(timeline, divider) {
  const dividerNode = divider ? $('unread-divider') : null;
  if (state.scrollToDivider && dividerNode) {
    // Open where the unread messages begin.
    timeline.scrollTop += dividerNode.getBoundingClientRect().top - timeline.getBoundingClientRect().top - 8;
    state.scrollToDivider = false;
    state.keepScroll = null;
    state.stick = false;
  } else if (state.keepScroll !== null) {
    timeline.scrollTop = timeline.scrollHeight - state.keepScroll;
    state.keepScroll = null;
  } else if (state.stick || state.justOpened) {
    timeline.scrollTop = timeline.scrollHeight;
  }
  const c = state.conversations.get(state.openId);
  if (c && c.messages.size > 0 && !c.loadingOlder) state.scrollToDivider = false;
  state.justOpened = false;
}

function renderHeaderTools(c) {
  const mute = $('mute-toggle');
  mute.hidden = c.removed || !c.onServer;
  mute.textContent = c.muted ? 'Unmute' : 'Mute';
  mute.setAttribute('aria-pressed', String(c.muted));
  $('conversation-muted').hidden = !c.muted;
  const block = $('block-toggle');
  const blocked = c.kind === 'direct' && state.blocked.has(c.peer);
  block.hidden = c.kind !== 'direct' || c.peer === state.me;
  block.textContent = blocked ? 'Unblock' : 'Block';
  block.setAttribute('aria-pressed', String(blocked));
  $('group-tools').hidden = c.kind !== 'group' || c.removed;
  // Only admins add, remove, rename, promote and demote: a member is not offered what the server refuses.
  const admin = offersAdminControls(c, state.me);
  for (const id of ['member-form', 'rename-form', 'admin-form']) $(id).hidden = !admin;
  $('group-tools').dataset.role = roleIn(c, state.me);
  renderSuccessors(c);
}

/** The last admin leaving names who takes over: the other members to pick from. */
function renderSuccessors(c) {
  const needed = isLastAdmin(c, state.me);
  $('leave-successor-row').hidden = !needed;
  fillOptions($('leave-successor'), needed ? c.members.filter((m) => m !== state.me) : []);
  fillOptions($('group-member-ids'), (c.members || []).filter((m) => m !== state.me));
}

function fillOptions(list, values) {
  const signature = JSON.stringify(values);
  if (list.dataset.signature === signature) return;
  list.dataset.signature = signature;
  list.replaceChildren(...values.map((v) => el('option', { value: v, text: v })));
}

/** The line above the message box while editing or replying. */
function renderCompose() {
  const c = state.conversations.get(state.openId);
  const compose = c && state.compose && state.compose.conversationId === c.id ? state.compose : null;
  const box = $('compose-context');
  box.hidden = !compose;
  $('composer-send').textContent = compose && compose.kind === 'edit' ? 'Save' : 'Send';
  if (!compose) {
    box.removeAttribute('data-kind');
    return;
  }
  box.dataset.kind = compose.kind;
  const target = c.messages.get(compose.seq);
  $('compose-context-text').textContent = compose.kind === 'edit' ? 'Editing your message'
    : `Replying to ${target ? (target.senderId === state.me ? 'yourself' : target.senderId) : 'a message'}: ${target ? summary(target).slice(0, 80) : ''}`;
}

function renderUploads() {
  const list = $('uploads');
  const items = state.openId ? uploads.of(state.openId) : [];
  list.hidden = items.length === 0;
  const signature = JSON.stringify(items.map((i) => [i.key, i.status, i.error]));
  if (list.dataset.signature === signature) return;
  list.dataset.signature = signature;
  list.replaceChildren(...items.map((item) => el('li', { className: 'upload', 'data-testid': 'upload', 'data-upload': item.key, 'data-status': item.status },
    item.previewUrl ? el('img', { src: item.previewUrl, alt: '', className: 'upload-preview' })
      : el('span', { className: 'upload-icon', 'aria-hidden': 'true', text: '📄' }),
    el('span', { className: 'upload-name', text: `${item.name} (${formatSize(item.size)})` }),
    item.status === 'failed' ? el('span', { className: 'error', text: `Upload failed: ${item.error}` })
      : el('progress', {
        max: item.size, value: item.sent, 'data-testid': 'upload-progress',
        'aria-label': `${item.status === 'done' ? 'Uploaded' : 'Uploading'} ${item.name}`,
      }),
    el('button', { type: 'button', className: 'quiet', 'data-remove': item.key, 'aria-label': `Remove ${item.name}`, text: '✕' }))));
  const c = state.conversations.get(state.openId);
  $('composer-send').disabled = !c || c.removed || uploads.busy(c.id);
}

function renderUploadProgress(item) {
  const bar = document.querySelector(`#uploads [data-upload="${item.key}"] progress`);
  if (bar) bar.value = item.sent;
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
  if (state.openId && state.openId !== id && state.client) state.client.typing(state.openId, 'stop');
  if (state.openId !== id) {
    state.selected = null;
    state.reacting = null;
    if (state.compose && state.compose.conversationId !== id) {
      state.compose = null;
      $('composer-text').value = '';
    }
  }
  state.openId = id;
  state.justOpened = true;
  state.stick = true;
  state.scrollToDivider = true;
  c.dividerAfter = c.unread > 0 || countUnread(c) > 0 ? c.readSeq : null;
  c.unread = 0;
  c.unreadMentions = 0;
  render();
  if (c.onServer && c.messages.size === 0 && c.lastSeq > 0) loadOlder();
  if (c.kind === 'group') {
    refreshMembers(c);
    refreshReads(c);
  }
  markRead();
  $('composer-text').focus();
}

function select(key) {
  state.selected = key;
  if (state.reacting !== key) state.reacting = null;
  render();
}

/** Clicks inside the timeline: a message selects it; its buttons act on it. */
function onTimelineClick(event) {
  const li = event.target.closest('li.msg');
  const c = state.conversations.get(state.openId);
  if (!li || !c) return;
  const button = event.target.closest('button');
  if (!button) {
    if (!event.target.closest('a')) select(li.dataset.key);
    return;
  }
  const seq = Number(li.dataset.seq);
  switch (button.dataset.action) {
    case 'reply': startReply(c, seq); break;
    case 'edit': startEdit(c, seq); break;
    case 'delete': askDelete(c, seq); break;
    case 'react':
      state.selected = li.dataset.key;
      state.reacting = state.reacting === li.dataset.key ? null : li.dataset.key;
      render();
      break;
    case 'pick':
      toggleReaction(c, seq, button.dataset.emoji);
      state.reacting = null;
      render();
      break;
    case 'toggle': toggleReaction(c, seq, button.dataset.emoji); break;
    case 'jump': jumpTo(c, Number(button.dataset.target)); break;
    default: break;
  }
}

function jumpTo(c, seq) {
  const target = $('messages').querySelector(`[data-testid="message"][data-seq="${seq}"]`);
  if (!target) {
    showNotice('That message is further back: load older messages to see it.');
    return;
  }
  target.scrollIntoView({ block: 'center' });
  target.focus({ preventScroll: true });
  select(target.dataset.key);
}

/** Arrow keys move between messages; Enter shows a message's actions; Escape goes back to the message box. */
function onTimelineKey(event) {
  if (event.target.closest('.actions') && event.key !== 'Escape') return;
  const items = [...$('messages').querySelectorAll('li.msg')];
  if (items.length === 0) return;
  const current = event.target.closest('li.msg');
  let next = null;
  if (event.key === 'ArrowDown') next = current ? items[items.indexOf(current) + 1] : items[items.length - 1];
  else if (event.key === 'ArrowUp') next = current ? items[items.indexOf(current) - 1] : items[items.length - 1];
  else if (event.key === 'Home' && current) next = items[0];
  else if (event.key === 'End' && current) next = items[items.length - 1];
  else if (event.key === 'Enter' && current && event.target === current) {
    event.preventDefault();
    select(current.dataset.key);
    requestAnimationFrame(() => requestAnimationFrame(() => {
      const node = $('messages').querySelector(`[data-key="${CSS.escape(current.dataset.key)}"] .actions button`);
      if (node) node.focus();
    }));
    return;
  } else if (event.key === 'Escape') {
    state.selected = null;
    state.reacting = null;
    render();
    $('composer-text').focus();
    return;
  }
  if (next) {
    event.preventDefault();
    next.focus();
    next.scrollIntoView({ block: 'nearest' });
  }
}

/** Arrow keys move between the conversations of the list. */
function onListKey(event) {
  if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
  const buttons = [...$('conversation-list').querySelectorAll('.conv')];
  const i = buttons.indexOf(document.activeElement);
  if (i < 0) return;
  const next = buttons[event.key === 'ArrowDown' ? i + 1 : i - 1];
  if (next) {
    event.preventDefault();
    next.focus();
  }
}

function onComposerKey(event) {
  const input = $('composer-text');
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $('composer').requestSubmit();
  } else if (event.key === 'Escape' && state.compose) {
    event.preventDefault();
    if (state.compose.kind === 'edit') input.value = '';
    setCompose(null);
  } else if (event.key === 'ArrowUp' && input.value === '' && !state.compose) {
    // Up in an empty box edits the user's last message, as many chat apps do.
    const c = state.conversations.get(state.openId);
    const own = c && [...c.messages.values()].filter((m) => m.senderId === state.me && !m.deleted && textOf(m) !== null)
      .sort((a, b) => b.seq - a.seq)[0];
    if (own) {
      event.preventDefault();
      startEdit(c, own.seq);
    }
  }
}

function onComposerInput() {
  const c = state.conversations.get(state.openId);
  if (!c || !state.client || c.removed) return;
  const editing = state.compose && state.compose.kind === 'edit';
  if (!editing) state.client.typing(c.id, $('composer-text').value.trim() === '' ? 'stop' : 'start');
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
  if (state.groups) state.groups.clear();
  state.groups = null;
  state.client = null;
  state.store = null;
  state.ready = false;
  state.conversations.clear();
  state.outbox.clear();
  state.presence.clear();
  state.blocked.clear();
  state.openId = null;
  state.compose = null;
  state.selected = null;
  state.reacting = null;
  uploads.clearAll();
  links.clear();
  listNodes.clear();
  messageNodes.clear();
  render();
  $('login').hidden = false;
  $('chat').hidden = true;
  $('me').hidden = true;
  $('sign-out').hidden = true;
  setStatus('signed-out', 'Not signed in');
}

function onDrop(event) {
  event.preventDefault();
  $('drop-hint').hidden = true;
  if (event.dataTransfer && event.dataTransfer.files.length > 0) pickFiles([...event.dataTransfer.files]);
}

function bind() {
  $('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const userId = $('login-user').value.trim();
    const device = $('login-device').value.trim();
    const error = $('login-error');
    if (!USER_ID.test(userId)) {
      error.textContent = 'A user name is 1 to 128 letters, digits or _ . @ + -';
      return;
    }
    error.textContent = '';
    // Asked while the user acts: browsers only offer the permission prompt then.
    if ('Notification' in window && Notification.permission === 'default') Notification.requestPermission().catch(() => undefined);
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
    if (!USER_ID.test(userId)) return;
    $('member-user').value = '';
    addMember(userId);
  });
  $('member-remove').addEventListener('click', () => {
    const userId = $('member-user').value.trim();
    if (!USER_ID.test(userId)) return;
    $('member-user').value = '';
    removeMember(userId);
  });
  $('rename-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const name = $('rename-name').value.trim();
    if (!name) return;
    $('rename-name').value = '';
    renameGroup(name);
  });
  $('admin-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const userId = $('admin-user').value.trim();
    if (USER_ID.test(userId)) changeAdmin(userId, true);
  });
  $('admin-remove').addEventListener('click', () => {
    const userId = $('admin-user').value.trim();
    if (USER_ID.test(userId)) changeAdmin(userId, false);
  });
  $('leave-group').addEventListener('click', leaveGroup);
  $('mute-toggle').addEventListener('click', toggleMute);
  $('block-toggle').addEventListener('click', toggleBlock);

  $('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    submitComposer();
  });
  $('composer-text').addEventListener('keydown', onComposerKey);
  $('composer-text').addEventListener('input', onComposerInput);
  $('compose-cancel').addEventListener('click', () => {
    if (state.compose && state.compose.kind === 'edit') $('composer-text').value = '';
    setCompose(null);
    $('composer-text').focus();
  });
  $('attach-button').addEventListener('click', () => $('attach-input').click());
  $('attach-input').addEventListener('change', () => {
    pickFiles([...$('attach-input').files]);
    $('attach-input').value = '';
  });
  $('uploads').addEventListener('click', (event) => {
    const button = event.target.closest('[data-remove]');
    if (button) uploads.remove(button.dataset.remove);
  });
  const pane = $('conversation');
  pane.addEventListener('dragover', (event) => {
    if (!state.openId || !event.dataTransfer || ![...event.dataTransfer.types].includes('Files')) return;
    event.preventDefault();
    $('drop-hint').hidden = false;
  });
  pane.addEventListener('dragleave', (event) => {
    if (!pane.contains(event.relatedTarget)) $('drop-hint').hidden = true;
  });
  pane.addEventListener('drop', onDrop);

  $('delete-cancel').addEventListener('click', () => {
    state.deleting = null;
    $('delete-dialog').close();
  });
  $('delete-confirm').addEventListener('click', confirmDelete);

  $('messages').addEventListener('click', onTimelineClick);
  $('timeline').addEventListener('keydown', onTimelineKey);
  $('conversation-list').addEventListener('keydown', onListKey);
  $('load-older').addEventListener('click', loadOlder);
  $('timeline').addEventListener('scroll', () => {
    const timeline = $('timeline');
    const c = state.conversations.get(state.openId);
    state.stick = timeline.scrollHeight - timeline.scrollTop - timeline.clientHeight < 60;
    if (c && hasOlder(c) && timeline.scrollTop < 40) loadOlder();
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
