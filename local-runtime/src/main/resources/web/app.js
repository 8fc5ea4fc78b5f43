// Parley web chat: one page of plain JavaScript speaking PROTOCOL.md v1 and its additions.
// No build step and no dependencies. Every piece of user text reaches the page through
// textContent (never innerHTML), so nothing a user types can become markup.
'use strict';

(() => {
  const SYNC_PAGE = 30;           // messages per conversation per sync page
  const HISTORY_PAGE = 30;        // messages per history page
  const BACKOFF_BASE_MS = 500;    // reconnect delays: full jitter over base * 2^attempt ...
  const BACKOFF_CAP_MS = 15000;   // ... capped here
  const HEARTBEAT_MS = 45000;     // inside the 90 s presence timeout and the 10-minute idle timeout
  const REPLY_TIMEOUT_MS = 10000; // an unanswered request is treated as lost (docs/protocol.md, Errors)
  const CATCH_UP_DELAY_MS = 2000; // a seq missing this long behind a later push is fetched by sync
  const MAX_BODY_BYTES = 16 * 1024;
  const USER_ID = /^[A-Za-z0-9_.@+-]{1,128}$/;
  const GROUP_ID = /^grp:[A-Za-z0-9_-]{1,64}$/;

  const $ = (id) => document.getElementById(id);

  const state = {
    me: null,
    deviceId: null,
    token: null,
    ws: null,             // the open socket, once its handshake completed
    connecting: false,    // a token fetch or handshake is under way
    ready: false,         // the current connection has caught up (first sync done)
    connections: 0,       // connections opened so far (shown as data-connections)
    attempt: 0,           // reconnect attempts since the last successful sync
    reconnectTimer: null,
    heartbeatTimer: null,
    syncRetryTimer: null,
    apiMissing: new Set(),// HTTP routes this server answered 404 for: not built yet
    conversations: new Map(),
    presence: new Map(),  // userId -> {online, lastActiveAt}
    outbox: new Map(),    // clientMsgId -> a send waiting for its `sent`
    requests: new Map(),  // requestId -> {kind, ...}
    nextRequest: 1,
    openId: null,
    justOpened: false,    // scroll to the newest message on the next render
    keepScroll: null,     // scroll height before older messages were prepended
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
        ahead: new Set(),    // seqs known (message or gap) beyond the cursor
        cursor: 0,           // this device holds every seq from its oldest message up to here
        hasOlder: false,
        lastSeq: 0,
        readSeq: 0,
        unread: 0,
        peerReadSeq: 0,      // the peer's read cursor, from `read` pushes (direct conversations)
        onServer: false,     // the server has told us we are a member (safe to name in sync cursors)
        removed: false,
        loadingOlder: false,
        catchUpTimer: null,
        ackedSeq: 0,
      };
      state.conversations.set(id, c);
      if (direct && peer !== state.me) schedulePresence();
      if (!direct) c.name = localStorage.getItem(`parley.groupName.${id}`);
    }
    return c;
  }

  /** Sync and GET /conversations carry no group names: remember those we were told. */
  function nameGroup(c, name) {
    if (!name) return;
    c.name = name;
    try { localStorage.setItem(`parley.groupName.${c.id}`, name); } catch (e) { /* storage full or off */ }
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

  /** Adds a message unless (conversationId, seq) is already held; true when it was new. */
  function addMessage(c, m) {
    c.onServer = true;
    c.lastSeq = Math.max(c.lastSeq, m.seq);
    if (c.messages.has(m.seq)) return false;
    c.messages.set(m.seq, {
      seq: m.seq, senderId: m.senderId, clientMsgId: m.clientMsgId, body: m.body || {}, sentAt: m.sentAt,
    });
    if (m.seq > c.cursor) c.ahead.add(m.seq);
    if (m.senderId === state.me) settle(m.clientMsgId); // stored: no resend needed any more
    return true;
  }

  /** Moves the cursor over every seq known to follow it; asks sync for what is still missing. */
  function advance(c) {
    while (c.ahead.has(c.cursor + 1)) {
      c.cursor += 1;
      c.ahead.delete(c.cursor);
    }
    for (const seq of c.ahead) if (seq <= c.cursor) c.ahead.delete(seq);
    if (c.ahead.size > 0 && !c.catchUpTimer) {
      // Pushes from different fan-out batches may arrive out of seq order: wait a moment, then sync.
      c.catchUpTimer = setTimeout(() => {
        c.catchUpTimer = null;
        if (c.ahead.size > 0 && state.ready) sync();
      }, CATCH_UP_DELAY_MS);
    }
  }

  function countUnread(c) {
    let unread = 0;
    for (const m of c.messages.values()) if (m.seq > c.readSeq && m.senderId !== state.me) unread += 1;
    return unread;
  }

  // ------------------------------------------------------------------ connection

  function setStatus(kind, text) {
    const el = $('connection-status');
    el.dataset.state = kind;
    el.dataset.connections = String(state.connections);
    el.textContent = text;
    $('reconnect-now').hidden = kind !== 'offline';
  }

  async function fetchToken() {
    const response = await fetch('/dev/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ userId: state.me, deviceId: state.deviceId }),
    });
    const json = await response.json().catch(() => null);
    if (!response.ok || !json || typeof json.token !== 'string') {
      const error = new Error((json && json.message) || `token refused (HTTP ${response.status})`);
      error.status = response.status;
      throw error;
    }
    return json.token;
  }

  function websocketUrl(token) {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${scheme}//${location.host}/?token=${encodeURIComponent(token)}`
      + `&deviceId=${encodeURIComponent(state.deviceId)}`;
  }

  async function connect() {
    clearTimeout(state.reconnectTimer);
    state.reconnectTimer = null;
    if (!state.me || state.ws || state.connecting) return;
    state.connecting = true;
    setStatus('connecting', 'Connecting…');
    const me = state.me;
    try {
      // A fresh token per attempt: an expired one would otherwise refuse every reconnect.
      state.token = await fetchToken();
    } catch (e) {
      state.connecting = false;
      if (state.me === me) scheduleReconnect(); else connect(); // signed in anew meanwhile
      return;
    }
    if (state.me !== me) { state.connecting = false; connect(); return; }
    let ws;
    try {
      ws = new WebSocket(websocketUrl(state.token));
    } catch (e) {
      state.connecting = false;
      scheduleReconnect();
      return;
    }
    let opened = false;
    ws.onopen = () => {
      state.connecting = false;
      if (state.me !== me) { ws.close(); connect(); return; }
      opened = true;
      state.ws = ws;
      state.connections += 1;
      setStatus('syncing', 'Catching up…');
      sync();
      state.heartbeatTimer = setInterval(heartbeat, HEARTBEAT_MS);
    };
    ws.onmessage = (event) => {
      if (state.ws !== ws) return;
      let frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (frame && typeof frame === 'object') handleFrame(frame);
    };
    ws.onclose = () => {
      if (!opened) state.connecting = false; // refused (401, 429) or unreachable
      if (opened && state.ws !== ws) return; // a socket we already let go
      dropConnection();
      if (state.me === me) scheduleReconnect();
    };
  }

  function dropConnection() {
    const ws = state.ws;
    state.ws = null;
    state.ready = false;
    clearInterval(state.heartbeatTimer);
    clearTimeout(state.syncRetryTimer);
    for (const request of state.requests.values()) clearTimeout(request.timer);
    state.requests.clear();
    for (const item of state.outbox.values()) {
      clearTimeout(item.timer);
      if (item.status === 'sending') item.status = 'pending';
    }
    for (const c of state.conversations.values()) c.loadingOlder = false;
    if (ws && ws.readyState <= WebSocket.OPEN) ws.close();
    render();
  }

  /** Exponential backoff with full jitter, so that many clients dropped together spread out. */
  function scheduleReconnect() {
    if (state.reconnectTimer) return;
    const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** state.attempt);
    const delay = Math.round(Math.random() * ceiling);
    state.attempt += 1;
    setStatus('offline', `Offline. Reconnecting in ${Math.max(1, Math.round(delay / 1000))} s…`);
    state.reconnectTimer = setTimeout(connect, delay);
  }

  function reconnectNow() {
    if (!state.me || state.ws) return;
    clearTimeout(state.reconnectTimer);
    state.reconnectTimer = null;
    state.attempt = 0;
    connect();
  }

  function transmit(frame) {
    if (!state.ws || state.ws.readyState !== WebSocket.OPEN) return false;
    state.ws.send(JSON.stringify(frame));
    return true;
  }

  /** Sends a frame with a fresh requestId, remembered until its reply, error or timeout. */
  function request(kind, frame, details, onTimeout) {
    const requestId = `${kind}-${state.nextRequest++}`;
    const entry = { kind, ...details };
    entry.timer = setTimeout(() => {
      if (state.requests.get(requestId) !== entry) return;
      state.requests.delete(requestId);
      onTimeout();
    }, REPLY_TIMEOUT_MS);
    state.requests.set(requestId, entry);
    transmit({ ...frame, requestId });
    return requestId;
  }

  function settleRequest(requestId) {
    const entry = requestId ? state.requests.get(requestId) : undefined;
    if (entry) {
      clearTimeout(entry.timer);
      state.requests.delete(requestId);
    }
    return entry;
  }

  function heartbeat() {
    // No pong in time: the socket is dead without knowing it; close it and reconnect.
    request('heartbeat', { action: 'heartbeat' }, {}, () => {
      if (state.ws) state.ws.close(4000, 'no pong');
    });
  }

  // ------------------------------------------------------------------ sync

  function sync() {
    clearTimeout(state.syncRetryTimer);
    if (!state.ws) return;
    const cursors = {};
    for (const c of state.conversations.values()) {
      if (c.onServer && !c.removed) cursors[c.id] = c.cursor;
    }
    request('sync', { action: 'sync', cursors, limit: SYNC_PAGE }, { cursors }, () => sync());
  }

  function onSynced(frame, req) {
    const cursors = req.cursors;
    const newDevice = Object.keys(cursors).length === 0;
    let more = false;
    let moved = false;
    for (const s of frame.conversations || []) {
      const c = conversation(s.conversationId);
      c.kind = s.kind || c.kind;
      c.onServer = true;
      c.lastSeq = Math.max(c.lastSeq, s.lastSeq || 0);
      c.readSeq = Math.max(c.readSeq, s.readSeq || 0);
      c.unread = s.unread || 0;
      const messages = s.messages || [];
      for (const m of messages) addMessage(c, m);
      const held = Object.prototype.hasOwnProperty.call(cursors, c.id);
      if (messages.length > 0) {
        // Every seq absent from a page, between the cursor and its last message, is a gap.
        const last = messages[messages.length - 1].seq;
        if (last > c.cursor) { c.cursor = last; moved = true; }
      }
      if (newDevice) {
        c.hasOlder = Boolean(s.hasMore);   // the newest page: hasMore means older messages exist
      } else {
        if (!held) c.hasOlder = false;     // new to this device: its messages from the start
        if (s.hasMore) more = true;        // more follow the page: sync again
      }
      advance(c);
    }
    if (more) {
      // A page that did not move any cursor stops before a young hole; give the send time to land.
      if (moved) sync(); else state.syncRetryTimer = setTimeout(sync, CATCH_UP_DELAY_MS);
    }
    if (!state.ready) {
      state.ready = true;
      state.attempt = 0;
      setStatus('online', 'Online');
      flushOutbox();
      refreshFromApi();
    }
    acknowledge();
    markRead();
    render();
  }

  /** A sync cursor named a conversation we are no longer in: start over as a new device would. */
  function resetTimelines() {
    for (const c of state.conversations.values()) clearTimeout(c.catchUpTimer);
    state.conversations.clear();
    sync();
  }

  function acknowledge() {
    for (const c of state.conversations.values()) {
      if (c.onServer && c.cursor > c.ackedSeq) {
        c.ackedSeq = c.cursor;
        transmit({ action: 'ack', conversationId: c.id, seq: c.cursor });
      }
    }
  }

  // ------------------------------------------------------------------ history

  function loadOlder() {
    const c = state.conversations.get(state.openId);
    if (!c || c.loadingOlder || !state.ready || !c.onServer) return;
    const oldest = oldestSeq(c);
    const frame = { action: 'history', conversationId: c.id, limit: HISTORY_PAGE };
    if (oldest !== null) frame.beforeSeq = oldest;
    c.loadingOlder = true;
    request('history', frame, { conversationId: c.id, newest: oldest === null }, () => {
      c.loadingOlder = false;
      render();
    });
    render();
  }

  function onHistory(frame, req) {
    const c = conversation(frame.conversationId);
    c.loadingOlder = false;
    const messages = frame.messages || [];
    if (state.openId === c.id) state.keepScroll = $('timeline').scrollHeight - $('timeline').scrollTop;
    for (const m of messages) addMessage(c, m);
    if (req.newest && messages.length > 0) {
      // The newest page of a conversation this device held nothing of: it starts the timeline.
      c.cursor = Math.max(c.cursor, messages[messages.length - 1].seq);
    }
    c.hasOlder = Boolean(frame.hasMore);
    advance(c);
    markRead();
    render();
  }

  // ------------------------------------------------------------------ sending

  function randomId() {
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  function sendMessage(text) {
    const c = state.conversations.get(state.openId);
    if (!c || c.removed) return;
    const body = { text };
    if (new TextEncoder().encode(JSON.stringify(body)).length > MAX_BODY_BYTES) {
      showNotice('That message is too long (the limit is 16 KiB).');
      return;
    }
    const item = {
      clientMsgId: `web-${randomId()}`,
      conversationId: c.id,
      to: c.kind === 'direct' ? c.peer : null,
      body,
      status: 'pending',
      error: null,
      createdAt: Date.now(),
      timer: null,
    };
    state.outbox.set(item.clientMsgId, item);
    if (state.ready) transmitSend(item);
    render();
  }

  /** Sends (or resends: same clientMsgId, so the server stores it once) until `sent` arrives. */
  function transmitSend(item) {
    clearTimeout(item.timer);
    item.timer = null;
    if (!state.ready || !state.outbox.has(item.clientMsgId)) return;
    const frame = { action: 'send', clientMsgId: item.clientMsgId, body: item.body };
    if (item.to !== null) frame.to = item.to; else frame.conversationId = item.conversationId;
    item.status = 'sending';
    request('send', frame, { clientMsgId: item.clientMsgId }, () => transmitSend(item));
  }

  function flushOutbox() {
    for (const item of state.outbox.values()) if (item.status !== 'failed') transmitSend(item);
  }

  function settle(clientMsgId) {
    const item = state.outbox.get(clientMsgId);
    if (!item) return;
    clearTimeout(item.timer);
    state.outbox.delete(clientMsgId);
  }

  function onSent(frame) {
    const item = state.outbox.get(frame.clientMsgId);
    const c = conversation(frame.conversationId);
    if (item) {
      addMessage(c, {
        seq: frame.seq, senderId: state.me, clientMsgId: frame.clientMsgId, body: item.body, sentAt: frame.sentAt,
      });
    }
    settle(frame.clientMsgId);
    advance(c);
    render();
  }

  function onSendError(frame, req) {
    const item = state.outbox.get(req.clientMsgId);
    if (!item) return;
    if (frame.code === 'RATE_LIMITED' || frame.code === 'INTERNAL') {
      // Nothing was stored (or it is safe to retry): the same clientMsgId again, a little later.
      item.retries = (item.retries || 0) + 1;
      const backoff = Math.min(BACKOFF_CAP_MS, 1000 * 2 ** (item.retries - 1));
      item.status = 'pending';
      item.timer = setTimeout(() => transmitSend(item),
        frame.code === 'RATE_LIMITED' ? Math.max(frame.retryAfterMs || 0, 100) : backoff);
    } else {
      item.status = 'failed';
      item.error = frame.message || frame.code;
    }
    render();
  }

  // ------------------------------------------------------------------ read receipts

  /** The open conversation, seen on a visible page, is read up to its newest held message. */
  function markRead() {
    const c = state.conversations.get(state.openId);
    if (!c || !c.onServer || !state.ready || document.visibilityState === 'hidden') return;
    const latest = latestMessage(c);
    if (!latest || latest.seq <= c.readSeq) return;
    c.readSeq = latest.seq;
    c.unread = 0;
    transmit({ action: 'read', conversationId: c.id, seq: latest.seq });
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

  // ------------------------------------------------------------------ frames

  function handleFrame(frame) {
    switch (frame.type) {
      case 'sent': settleRequest(frame.requestId); onSent(frame); break;
      case 'message': onMessage(frame); break;
      case 'gap': onGap(frame); break;
      case 'pong': settleRequest(frame.requestId); break;
      case 'synced': { const req = settleRequest(frame.requestId); onSynced(frame, req || { cursors: {} }); break; }
      case 'history': { const req = settleRequest(frame.requestId); onHistory(frame, req || {}); break; }
      case 'read': onRead(frame); break;
      case 'presence': onPresence(frame); break;
      case 'members': onMembers(frame); break;
      case 'error': onError(frame); break;
      default: break; // e.g. the gateway's {"message":"Internal server error"}: the timeout retries
    }
  }

  function onMessage(frame) {
    const c = conversation(frame.conversationId);
    const fresh = addMessage(c, frame);
    if (fresh && frame.senderId !== state.me && frame.seq > c.readSeq) c.unread += 1;
    if (c.messages.size === 1 && frame.seq > 1) c.hasOlder = true;
    advance(c);
    acknowledge();
    markRead();
    render();
  }

  function onGap(frame) {
    const c = conversation(frame.conversationId);
    c.lastSeq = Math.max(c.lastSeq, frame.seq);
    if (frame.seq > c.cursor) c.ahead.add(frame.seq);
    advance(c);
    acknowledge();
  }

  function onPresence(frame) {
    state.presence.set(frame.userId, { online: Boolean(frame.online), lastActiveAt: frame.lastActiveAt });
    render();
  }

  function onMembers(frame) {
    const c = conversation(frame.conversationId);
    c.kind = 'group';
    nameGroup(c, frame.name);
    if (Array.isArray(frame.members)) c.members = frame.members;
    if ((frame.removed || []).includes(state.me)) {
      c.removed = true;
      c.onServer = false;
    } else if ((frame.members || []).includes(state.me)) {
      const wasOut = !c.onServer || c.removed;
      c.removed = false;
      c.onServer = true;
      if (wasOut && state.ready) sync(); // a group we just joined: fetch what it already holds
    }
    render();
  }

  function onError(frame) {
    const req = settleRequest(frame.requestId);
    if (req && req.kind === 'send') return onSendError(frame, req);
    if (req && req.kind === 'sync') {
      if (frame.code === 'NOT_MEMBER') return resetTimelines();
      state.syncRetryTimer = setTimeout(sync, Math.max(frame.retryAfterMs || 0, CATCH_UP_DELAY_MS));
      return;
    }
    if (req && req.kind === 'history') {
      const c = conversation(req.conversationId);
      c.loadingOlder = false;
      if (frame.code === 'RATE_LIMITED') return render();
      c.hasOlder = false;
    }
    showNotice(`${frame.code}: ${frame.message || ''}`);
    render();
  }

  // ------------------------------------------------------------------ HTTP API

  class RouteMissing extends Error {}

  /**
   * Calls the HTTP API. Routes that cannot answer 404 for a missing resource pass
   * `missingOn404`: their 404 means this server has not got the route yet (RouteMissing).
   */
  async function api(method, path, body, missingOn404) {
    const headers = { Authorization: `Bearer ${state.token}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`/api${path}`, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = response.status === 204 ? null : await response.json().catch(() => null);
    if (response.status === 404 && missingOn404) throw new RouteMissing(path);
    if (!response.ok) {
      throw new Error((json && (json.message || json.code)) || `HTTP ${response.status}`);
    }
    return json;
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
        nameGroup(c, s.name);
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
      nameGroup(c, group.name || name);
      c.members = group.members || null;
      c.onServer = true;
      c.hasOlder = false;
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
    older.hidden = !(c.hasOlder && c.onServer);
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
    // Keyed by sender and clientMsgId, so a pending send becomes its stored message in place.
    const keys = new Set();
    const nodes = shown.map((m) => {
      const key = `${c.id}|${m.sender}|${m.clientMsgId}`;
      keys.add(key);
      return keyed(messageNodes, key, JSON.stringify([m.seq, m.status, m.error, m.showSender]),
        () => messageElement(m));
    });
    reconcile($('messages'), nodes);
    prune(messageNodes, keys);

    if (state.keepScroll !== null) {
      timeline.scrollTop = timeline.scrollHeight - state.keepScroll;
      state.keepScroll = null;
    } else if (nearBottom || state.justOpened) {
      timeline.scrollTop = timeline.scrollHeight;
    }
    state.justOpened = false;
  }

  const STATUS_TEXT = {
    pending: 'Waiting for connection', sending: 'Sending…', sent: 'Sent', seen: 'Seen', failed: 'Not sent',
  };

  function messageElement(m) {
    const text = typeof m.body.text === 'string' ? m.body.text : null;
    const statusText = m.status ? STATUS_TEXT[m.status] + (m.error ? `: ${m.error}` : '') : null;
    return el('li', {
      className: m.mine ? 'msg mine' : 'msg', 'data-testid': 'message', 'data-seq': m.seq,
      'data-client-msg-id': m.clientMsgId, 'data-sender': m.sender, 'data-status': m.status,
    },
    m.showSender ? el('span', { className: 'sender', text: m.mine ? 'You' : m.sender })
      : el('span', { className: 'visually-hidden', text: m.mine ? 'You: ' : `${m.sender}: ` }),
    text !== null ? el('p', { className: 'text', 'data-testid': 'message-text', text })
      : el('p', { className: 'text empty', 'data-testid': 'message-text', text: '(message without text)' }),
    el('span', { className: 'meta' },
      el('time', { dateTime: new Date(m.time).toISOString(), text: formatTime(m.time) }),
      statusText ? document.createTextNode(' · ') : null,
      statusText ? el('span', { className: 'status', 'data-testid': 'message-status', text: statusText }) : null));
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
    connect();
    render();
  }

  function signOut() {
    sessionStorage.removeItem('parley.user');
    state.me = null;
    dropConnection();
    clearTimeout(state.reconnectTimer);
    state.reconnectTimer = null;
    for (const c of state.conversations.values()) clearTimeout(c.catchUpTimer);
    state.conversations.clear();
    state.outbox.clear();
    state.presence.clear();
    state.openId = null;
    state.attempt = 0;
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
      if (c && c.hasOlder && $('timeline').scrollTop < 40) loadOlder();
    });
    $('sign-out').addEventListener('click', signOut);
    $('reconnect-now').addEventListener('click', reconnectNow);
    window.addEventListener('online', reconnectNow);
    document.addEventListener('visibilitychange', () => { markRead(); render(); });
  }

  bind();
  const saved = JSON.parse(sessionStorage.getItem('parley.user') || 'null');
  if (saved && USER_ID.test(saved.userId || '')) signIn(saved.userId, saved.deviceId);
})();
