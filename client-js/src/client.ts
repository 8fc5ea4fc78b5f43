import { Backoff, type BackoffOptions } from './backoff.js';
import * as Frames from './frames.js';
import { HttpApi, ParleyHttpError, type FetchLike } from './http.js';
import { Outbox, retryable, type OutboxItem, type Pending } from './outbox.js';
import { advanced, Sequencer, type Progress } from './sequencer.js';
import { handshakeStatus, OPEN, resolveWebSocket, type SocketConstructor, type SocketLike } from './socket.js';
import { MessageStates } from './states.js';
import { defaultStore, type ClientStore } from './store.js';
import { TypingSignals, Typists } from './typing.js';
import type {
  ConnectionState,
  ConversationSummary,
  Destination,
  HistoryPage,
  MembersChange,
  Message,
  MessageView,
  PendingSend,
  Presence,
  ReadReceipt,
  SendOptions,
  Sent,
  Typing,
} from './types.js';

/** A send or request refused by the server for good (`BAD_REQUEST`, `NOT_MEMBER`, `NOT_FOUND`, ...). */
export class ServerError extends Error {
  constructor(readonly code: string, message: string) {
    super(`${code}: ${message}`);
    this.name = 'ServerError';
  }
}

/** The client was closed before the request completed. A send may still have been stored. */
export class ClientClosedError extends Error {
  constructor(message = 'the client is closed') {
    super(message);
    this.name = 'ClientClosedError';
  }
}

/** The handshake was refused with 401/403 for two tokens in a row. */
export class AuthFailedError extends Error {
  constructor(readonly status: number) {
    super(`the server refused the token (HTTP ${status})`);
    this.name = 'AuthFailedError';
  }
}

/** What the client tells the application, by event name. */
export interface ClientEvents {
  /**
   * A timeline entry, exactly once and in seq order per conversation: no entry of a conversation
   * is passed before every lower seq was passed or is known to hold none. The client's own sends
   * come here too once stored (match them by `clientMsgId`), so this stream alone is the timeline.
   */
  message: Message;
  /**
   * Version 2: the state of a message the client holds changed (an edit, a deletion or a reaction
   * was applied), right after the event's own `message` call: what to redraw.
   */
  changed: MessageView;
  /** A read cursor moved (another device of the user, or the peer of a direct conversation). */
  read: ReadReceipt;
  presence: Presence;
  /** A group's membership changed. */
  members: MembersChange;
  /**
   * Version 2: another member began or ended typing. Reported once per change: `stop` also when
   * their `start` expired (5 s without another), when their message arrived, and for everyone
   * when the connection dropped.
   */
  typing: Typing;
  /**
   * After each completed sync round, with unread counts: every conversation of the user (a new
   * device, or a client without `httpUrl`), else the conversations that changed since the last
   * round (version-2 sync: merge them into what you hold).
   */
  conversations: { conversations: ConversationSummary[]; totalUnread: number };
  state: ConnectionState;
  /** A pending send was stored (also one restored from the store after a reload). */
  sent: Sent;
  /** A pending send was refused for good; it is no longer pending. */
  sendFailed: {
    clientMsgId: string; action: string; to: Destination; body: Record<string, unknown> | null;
    fields?: Record<string, unknown>; error: ServerError;
  };
  /** The pending sends changed (added, transmitted, confirmed, failed). */
  outbox: PendingSend[];
  /** The handshake was refused twice (401/403); the client waits for `reconnect()`. */
  authFailed: { status: number };
  /** An error frame the client could not tie to a request of its own. */
  serverError: { code: string; message: string; requestId: string | null };
  /** A frame that could not be used was skipped (not JSON, wrong field types). */
  frameError: { reason: string; text: string };
  /** A frame of a type this version does not know was ignored. */
  unknownFrame: { frameType: string | null; frame: Record<string, unknown> };
}

export type Listener<T> = (event: T) => void;

export interface ClientOptions {
  /** `wss://...` as the deploy printed it, or the local runtime's `ws://127.0.0.1:PORT`. */
  websocketUrl: string;
  /** Asked on every (re)connect and by the HTTP API: tokens expire, so answer a fresh one. */
  token: () => string | Promise<string>;
  /** The HTTP API's base (`http://127.0.0.1:PORT/api`): enables `client.api`, and tells a refused token from a network fault in browsers. */
  httpUrl?: string;
  /** Sent as `deviceId`; default: the token's device claim, else the connection id. */
  deviceId?: string;
  /** Default: `localStorage` in browsers (key prefix from the device id), memory in Node. */
  store?: ClientStore;
  /** Default: the platform's WebSocket, else the `ws` package. */
  WebSocket?: SocketConstructor;
  /** Default: the platform's fetch. */
  fetch?: FetchLike;
  /** Default 30000. API Gateway closes connections idle for 10 minutes. */
  heartbeatIntervalMs?: number;
  /** How long a request waits for its answer before it is sent again. Default 10000. */
  requestTimeoutMs?: number;
  /** Reconnect delays. Default 1 s, 2 s, 4 s ... 30 s with full jitter, reset after 10 s connected. */
  backoff?: Backoff | BackoffOptions;
  /** How long a missing seq is waited for before the client syncs. Default 1000. */
  gapWaitMs?: number;
  /** The longest wait between syncs for a seq that stays missing. Default 10000. */
  maxGapWaitMs?: number;
  /** Entries buffered ahead of a missing seq that trigger a sync at once. Default 500. */
  maxBuffered?: number;
  /** Entries per conversation per sync page, 1..200. Default 100. */
  syncPageSize?: number;
  /** Acks per conversation go out at most this often. Default 1000. */
  ackIntervalMs?: number;
  /** While connected, sync at least this often (a push lost for good); 0 turns it off. Default 120000. */
  resyncIntervalMs?: number;
  /** The timer granularity. Default 100. */
  tickMs?: number;
  /** The clock. Default `Date.now`. */
  now?: () => number;
}

interface SyncCall {
  requestId: string;
  cursors: Record<string, number>;
  emptyCursors: boolean;
  sentAt: number;
  /** A page of a version-2 round (`sync` with `since`). */
  round?: Round;
}

/** A version-2 sync round: pages from one position while the server says more follow. */
interface Round {
  /** Whether a connection opened since the last round began: then each listed conversation comes with its newest messages. */
  afterOpen: boolean;
  /** The generation of the connection the round began on. */
  generation: number;
  /** Every conversation listed so far, newest state last. */
  listed: Map<string, Frames.SyncedConversation>;
}

interface HistoryCall {
  conversationId: string;
  beforeSeq: number | null;
  limit: number;
  resolve: (page: HistoryPage) => void;
  reject: (error: Error) => void;
  done: boolean;
  requestId: string | null;
  transmittedAt: number;
  notBefore: number;
  attempts: number;
}

interface Waiter {
  resolve: (sent: Sent) => void;
  reject: (error: Error) => void;
}

/**
 * A Parley client: one WebSocket connection, kept open, that delivers every entry of the user's
 * conversations to the application exactly once and in seq order, across disconnects.
 *
 * - **Connecting.** A fresh token from the callback for every attempt. A dropped connection or
 *   failed attempt is retried after a `Backoff` delay with full jitter. A handshake refused with
 *   401/403 is retried once with a fresh token, then reported through `authFailed` and not retried
 *   until `reconnect()`. A heartbeat goes out every heartbeat interval; a connection that then
 *   stays silent for the request timeout is treated as dropped.
 * - **Catching up.** On every (re)connect the client syncs from its cursors (the store), page by
 *   page while the server says more follows. A new device (no cursors) gets each conversation's
 *   newest page; older entries are for `history`.
 * - **In order, once.** Pushes that arrive ahead of a missing seq wait in a buffer; a seq still
 *   missing after the gap wait (or a buffer grown too large) triggers a sync. Gaps (frames, or
 *   seqs a sync page leaves out) are consumed. Duplicates, by `(conversationId, seq)`, are dropped.
 * - **Sending.** `send` generates the `clientMsgId`, keeps the send in the outbox (and the store)
 *   until the server confirms it, and transmits it again with the same id on timeout, after a
 *   reconnect or a reload, on `INTERNAL`, and after `retryAfterMs` on `RATE_LIMITED`: the server
 *   stores it once. Sends to one destination go out one after the other, in call order.
 * - **Safety net.** While connected, a sync at least every resync interval.
 * - **Acks.** After the listeners got a conversation's entries the client saves the cursor, then
 *   acks it, at most once per ack interval per conversation.
 *
 * Listeners are called one at a time, in the order things happened, after the client's own state
 * is updated (never from inside a client method); an exception in a listener is reported on the
 * console and the event counts as delivered. The same rules as the Java SDK's `ParleyClient`.
 */
export class ParleyClient {
  /** The HTTP API (groups, conversations, history, presence, devices), when `httpUrl` was given. */
  readonly api: HttpApi | undefined;

  private readonly opts: Required<Pick<ClientOptions, 'heartbeatIntervalMs' | 'requestTimeoutMs' | 'gapWaitMs'
    | 'maxGapWaitMs' | 'maxBuffered' | 'syncPageSize' | 'ackIntervalMs' | 'resyncIntervalMs' | 'tickMs'>>;
  private readonly store: ClientStore;
  private readonly now: () => number;
  private readonly backoff: Backoff;
  private readonly listeners = new Map<keyof ClientEvents, Set<Listener<never>>>();
  private readonly jobs: Array<() => void> = [];
  private flushScheduled = false;

  private sequencer: Sequencer | undefined;
  private readonly outbox: Outbox;
  private readonly states = new MessageStates(() => this.selfUserId);
  private readonly typingSignals = new TypingSignals();
  private readonly typists = new Typists();
  private readonly typingRequests = new Set<string>();
  private readonly waiters = new Map<string, Waiter>();
  private currentState: ConnectionState = 'disconnected';
  private selfUserId: string | null = null;
  private firstConnected: { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void; settled: boolean };

  private started = false;
  private closed = false;
  private generation = 0;
  private socket: SocketLike | null = null;
  private opening: SocketLike | null = null;
  private attemptStartedAt = 0;
  private authRefusals = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private tickTimer: ReturnType<typeof setInterval> | undefined;
  private requestCounter = 0;

  private lastHeartbeatAt = 0;
  private pongAwaited = false;
  private pongDeadline = 0;

  private syncCall: SyncCall | null = null;
  private readonly syncCalls = new Map<string, SyncCall>();
  private syncWanted = false;
  private syncNotBefore = 0;
  private lastSyncAt = 0;
  private probing = false;
  /** Version-2 sync: the position the last complete round reached (null: list everything). */
  private syncPosition: string | null = null;
  private roundBusy = false;
  private openedSinceRound = false;
  private readonly catchingUp = new Map<string, Promise<boolean>>();

  private readonly histories = new Set<HistoryCall>();
  private readonly historyByRequest = new Map<string, HistoryCall>();
  private readonly readsToSend = new Map<string, number>();
  private readonly acksDue = new Map<string, number>();
  private lastAckFlush = 0;

  constructor(private readonly options: ClientOptions) {
    if (typeof options.websocketUrl !== 'string' || options.websocketUrl === '') throw new TypeError('websocketUrl is required');
    if (typeof options.token !== 'function') throw new TypeError('token (a function answering a token) is required');
    const syncPageSize = options.syncPageSize ?? 100;
    if (!(syncPageSize >= 1 && syncPageSize <= Frames.MAX_PAGE)) throw new RangeError('syncPageSize must be 1..200');
    this.opts = {
      heartbeatIntervalMs: positive(options.heartbeatIntervalMs ?? 30_000, 'heartbeatIntervalMs'),
      requestTimeoutMs: positive(options.requestTimeoutMs ?? 10_000, 'requestTimeoutMs'),
      gapWaitMs: positive(options.gapWaitMs ?? 1000, 'gapWaitMs'),
      maxGapWaitMs: positive(options.maxGapWaitMs ?? 10_000, 'maxGapWaitMs'),
      maxBuffered: options.maxBuffered ?? 500,
      syncPageSize,
      ackIntervalMs: options.ackIntervalMs ?? 1000,
      resyncIntervalMs: options.resyncIntervalMs ?? 120_000,
      tickMs: positive(options.tickMs ?? 100, 'tickMs'),
    };
    this.store = options.store ?? defaultStore(`parley.${options.deviceId ?? 'device'}.`);
    this.now = options.now ?? Date.now;
    this.backoff = options.backoff instanceof Backoff ? options.backoff : new Backoff(options.backoff);
    this.outbox = new Outbox(this.opts.requestTimeoutMs);
    this.api = options.httpUrl === undefined ? undefined
      : new HttpApi({ httpUrl: options.httpUrl, token: options.token, ...(options.fetch ? { fetch: options.fetch } : {}) });
    let resolve!: () => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => undefined); // reported through connect()'s promise only
    this.firstConnected = { promise, resolve, reject, settled: false };
  }

  // ---------------------------------------------------------------- events

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof ClientEvents>(event: K, listener: Listener<ClientEvents[K]>): () => void {
    let set = this.listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as Listener<never>);
    return () => this.off(event, listener);
  }

  off<K extends keyof ClientEvents>(event: K, listener: Listener<ClientEvents[K]>): void {
    this.listeners.get(event)?.delete(listener as Listener<never>);
  }

  // ---------------------------------------------------------------- the application's calls

  /**
   * Starts connecting (and reconnecting, from then on). Resolves when the first connection is open
   * and caught up, after the listeners were given what that first sync brought; rejects with
   * `AuthFailedError` when the handshake is refused twice, or `ClientClosedError`.
   */
  connect(): Promise<void> {
    if (!this.started && !this.closed) {
      this.started = true;
      void this.start();
    }
    return this.firstConnected.promise;
  }

  /** Connects now: after `authFailed`, or to skip a pending backoff wait (a browser's `online` event). */
  reconnect(): void {
    if (this.closed) return;
    if (!this.started) {
      void this.connect();
    } else if (this.sequencer !== undefined && this.socket === null && this.currentState !== 'connecting') {
      this.authRefusals = 0;
      void this.open();
    }
  }

  /**
   * Sends `body` (a non-empty JSON object, at most 16 KiB serialized) to a conversation or to the
   * direct conversation with a user. Resolves with the seq once the server stored it, however many
   * retries that took and across reconnects; rejects with `ServerError` for a definitive refusal,
   * `TypeError`/`RangeError` for a body the server would refuse, and `ClientClosedError` when the
   * client is closed first (the send may have been stored). No overall timeout: the send stays in
   * the outbox (and the store) until confirmed. The entry also reaches `message` listeners.
   */
  send(to: Destination, body: Record<string, unknown>, options: SendOptions = {}): Promise<Sent> {
    let full = body;
    const fields: Record<string, unknown> = {};
    try {
      checkDestination(to);
      if (options.replyTo !== undefined) fields.replyTo = checkSeq(options.replyTo, 'replyTo');
      if (options.mentions !== undefined) {
        if (!Array.isArray(options.mentions) || !options.mentions.every((u) => typeof u === 'string' && u !== '')) {
          throw new TypeError('mentions must be a list of user ids');
        }
        if (options.mentions.length > 0) full = { ...body, mentions: [...new Set(options.mentions)] };
      }
      checkBody(full);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.enqueue('send', to, full, fields);
  }

  /** `send` with a body holding only `text`. */
  sendText(to: Destination, text: string, options: SendOptions = {}): Promise<Sent> {
    return this.send(to, { text }, options);
  }

  /**
   * Version 2: replaces the body of the user's own message at `seq` (at most 16 KiB). Resolves with
   * the edit's own seq; the edit reaches `message` listeners as an entry of kind `edit`, then
   * `changed` with the message's new state. `FORBIDDEN` for another's message, `NOT_FOUND` for a
   * seq holding no message (or a deleted one). Retried like a send until the server answers.
   */
  edit(conversationId: string, seq: number, body: Record<string, unknown>): Promise<Sent> {
    try {
      checkBody(body);
      return this.enqueue('edit', { conversationId }, body, { seq: checkSeq(seq, 'seq') });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Version 2: deletes the message at `seq` (the user's own; any in a group the user administers). */
  delete(conversationId: string, seq: number): Promise<Sent> {
    try {
      return this.enqueue('delete', { conversationId }, null, { seq: checkSeq(seq, 'seq') });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Version 2: reacts to the message at `seq` with `emoji` (`CONFLICT` when the user already did). */
  react(conversationId: string, seq: number, emoji: string): Promise<Sent> {
    try {
      return this.enqueue('react', { conversationId }, null, { seq: checkSeq(seq, 'seq'), emoji: checkEmoji(emoji) });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Version 2: takes the user's reaction back (`NOT_FOUND` when they had not made it). */
  unreact(conversationId: string, seq: number, emoji: string): Promise<Sent> {
    try {
      return this.enqueue('react', { conversationId }, null, { seq: checkSeq(seq, 'seq'), emoji: checkEmoji(emoji), remove: true });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Version 2: the message's current state, when the client holds it (delivered, or from a
   * history page): its events applied in seq order, as the server's `history` says.
   */
  view(conversationId: string, seq: number): MessageView | undefined {
    return this.states.view(conversationId, seq);
  }

  /** Version 2: who is typing in the conversation now (other members), in the order they began. */
  typingIn(conversationId: string): string[] {
    return this.typists.typing(conversationId);
  }

  private enqueue(action: string, to: Destination, body: Record<string, unknown> | null, fields: Record<string, unknown>): Promise<Sent> {
    if (this.closed) return Promise.reject(new ClientClosedError());
    if (action === 'send') {
      const conversationId = 'conversationId' in to ? to.conversationId
        : this.selfUserId === null ? null : directConversationId(this.selfUserId, to.userId);
      if (conversationId !== null) this.typingSignals.sent(conversationId);
    }
    const item: OutboxItem = {
      clientMsgId: newClientMsgId(), action, to: { ...to } as Destination,
      body: body === null ? null : JSON.parse(JSON.stringify(body)) as Record<string, unknown>, createdAt: this.now(),
    };
    if (Object.keys(fields).length > 0) item.fields = fields;
    const promise = new Promise<Sent>((resolve, reject) => this.waiters.set(item.clientMsgId, { resolve, reject }));
    this.outbox.add(item);
    this.outboxChanged(true);
    this.pump(this.now());
    return promise;
  }

  /**
   * A page of entries older than `beforeSeq` (exclusive; omitted: the newest), at most `limit`
   * (1..200, default 50), ascending. The server may cut a page short to stay under its size limit;
   * this pages on while it says more exist until `limit` entries are in hand. Waits for a
   * connection and retries on timeouts and retryable errors. History does not go through
   * `message` listeners.
   */
  async history(conversationId: string, query: { beforeSeq?: number; limit?: number } = {}): Promise<HistoryPage> {
    const limit = query.limit ?? 50;
    if (!(Number.isInteger(limit) && limit >= 1 && limit <= Frames.MAX_PAGE)) throw new RangeError('limit must be 1..200');
    let beforeSeq = query.beforeSeq ?? null;
    const collected: Message[] = [];
    for (;;) {
      const page = await this.historyPage(conversationId, beforeSeq, limit - collected.length);
      this.states.absorb(page.messages);
      collected.unshift(...page.messages);
      if (!page.hasMore || collected.length >= limit || page.messages.length === 0) {
        return { conversationId, messages: collected, hasMore: page.hasMore };
      }
      beforeSeq = page.messages[0]!.seq;
    }
  }

  /**
   * Moves the user's read cursor to `seq` (the server never moves it backwards). Sent now, or on
   * the next connection; only the highest seq per conversation is kept meanwhile.
   */
  markRead(conversationId: string, seq: number): void {
    if (this.closed) return;
    this.readsToSend.set(conversationId, Math.max(seq, this.readsToSend.get(conversationId) ?? 0));
    this.pump(this.now());
  }

  /**
   * Version 2: tells the other members' live connections that the user is typing. Call `start` on
   * every keystroke: it goes out at once, then at most every 3 s (docs/protocol.md); `stop` when
   * the user sent or cleared the text. Best effort: dropped while offline.
   */
  typing(conversationId: string, state: 'start' | 'stop'): void {
    if (this.closed || this.socket === null) return;
    const now = this.now();
    const due = state === 'start' ? this.typingSignals.start(conversationId, now) : this.typingSignals.stop(conversationId, now);
    if (!due) return;
    const requestId = this.nextId('t');
    // A refusal of a typing signal (its budget) is nobody's business but the signal's: dropped.
    this.typingRequests.add(requestId);
    if (this.typingRequests.size > 64) this.typingRequests.delete(this.typingRequests.values().next().value!);
    this.write(Frames.typing(requestId, conversationId, state));
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** The user id (the token's `sub`), once a token was fetched; null before. */
  get userId(): string | null {
    return this.selfUserId;
  }

  /** The sends not yet confirmed by the server, oldest first (also those restored from the store). */
  pendingSends(): PendingSend[] {
    return this.outbox.all().map(toPendingSend);
  }

  /**
   * Flushes pending acks, closes the connection, and rejects what is still pending with
   * `ClientClosedError`. Sends stay in the store and go out on the next `connect()` of a client on
   * the same store. Listeners hear `state: closed` last.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.cancelReconnect();
    if (this.tickTimer !== undefined) clearInterval(this.tickTimer);
    if (this.socket !== null) this.flushAcks(this.now());
    for (const pending of this.outbox.drain()) {
      this.waiters.get(pending.clientMsgId)?.reject(new ClientClosedError(
        `the client was closed before the server confirmed send ${pending.clientMsgId}; it may have been stored`));
    }
    this.waiters.clear();
    for (const call of this.histories) this.finishHistory(call, undefined, new ClientClosedError());
    this.histories.clear();
    this.historyByRequest.clear();
    this.settleFirst(new ClientClosedError());
    for (const ws of [this.socket, this.opening]) {
      if (ws !== null) {
        this.detach(ws);
        try {
          ws.close(1000, 'bye');
        } catch {
          // already closing
        }
      }
    }
    this.socket = null;
    this.opening = null;
    this.generation++;
    this.setState('closed');
  }

  // ---------------------------------------------------------------- connection lifecycle

  private async start(): Promise<void> {
    try {
      const [cursors, saved, position] = await Promise.all([this.store.loadCursors(), this.store.loadOutbox(),
        this.store.loadSyncPosition?.() ?? null]);
      this.syncPosition = typeof position === 'string' ? position : null;
      this.sequencer = new Sequencer(cursors, {
        gapWaitMs: this.opts.gapWaitMs, maxGapWaitMs: this.opts.maxGapWaitMs, maxBuffered: this.opts.maxBuffered,
      });
      for (const item of saved) this.outbox.add(item);
      if (saved.length > 0) this.outboxChanged(false);
    } catch (e) {
      console.error('parley: the store could not be read; starting as a new device', e);
      this.sequencer = new Sequencer({}, { gapWaitMs: this.opts.gapWaitMs, maxGapWaitMs: this.opts.maxGapWaitMs, maxBuffered: this.opts.maxBuffered });
    }
    if (this.closed) return;
    this.tickTimer = setInterval(() => this.guarded(() => this.tick()), this.opts.tickMs);
    await this.open();
  }

  private async open(): Promise<void> {
    this.cancelReconnect();
    const gen = ++this.generation;
    this.attemptStartedAt = this.now();
    this.setState('connecting');
    let token: string;
    let Impl: SocketConstructor;
    try {
      token = await this.options.token();
      if (typeof token !== 'string' || token === '') throw new Error('the token callback answered no token');
      Impl = this.options.WebSocket ?? await resolveWebSocket();
    } catch (e) {
      if (gen === this.generation && !this.closed) {
        this.guarded(() => this.disconnected(`could not get ready to connect: ${String(e)}`));
      }
      return;
    }
    if (gen !== this.generation || this.closed) return;
    this.selfUserId = Frames.subject(token) ?? this.selfUserId;
    let ws: SocketLike;
    try {
      ws = new Impl(connectUrl(this.options.websocketUrl, token, this.options.deviceId));
    } catch (e) {
      this.guarded(() => this.disconnected(`could not connect: ${String(e)}`));
      return;
    }
    this.opening = ws;
    let status: number | undefined;
    ws.onopen = () => this.guarded(() => this.opened(gen, ws));
    ws.onmessage = (event) => this.guarded(() => {
      if (typeof event.data === 'string') this.onFrame(gen, event.data);
    });
    ws.onerror = (event) => {
      status = status ?? handshakeStatus(event);
    };
    ws.onclose = (event) => this.guarded(() => {
      if (ws === this.socket) {
        this.lost(gen, `closed by the server: ${event.code ?? ''} ${event.reason ?? ''}`.trim());
      } else if (ws === this.opening) {
        this.opening = null;
        void this.handshakeFailed(gen, status, token);
      }
    });
  }

  private opened(gen: number, ws: SocketLike): void {
    if (gen !== this.generation || this.closed || ws !== this.opening) {
      this.detach(ws);
      ws.close();
      return;
    }
    this.opening = null;
    this.socket = ws;
    this.authRefusals = 0;
    const now = this.now();
    this.backoff.connected(now);
    this.setState('syncing');
    this.lastHeartbeatAt = now;
    this.pongAwaited = false;
    this.syncWanted = true;
    this.openedSinceRound = true;
    this.syncNotBefore = 0;
    this.pump(now);
  }

  /**
   * The socket closed before it opened. Browsers do not say why; `ws` reports the status. Without
   * a status, the HTTP API (when configured) tells whether the token is refused.
   */
  private async handshakeFailed(gen: number, knownStatus: number | undefined, token: string): Promise<void> {
    let status = knownStatus;
    if (status === undefined && this.api !== undefined) {
      status = await probeToken(this.options.httpUrl!, token, this.options.fetch);
    }
    this.guarded(() => {
      if (gen !== this.generation || this.closed) return;
      if (status === 401 || status === 403) {
        this.authRefusals++;
        if (this.authRefusals >= 2) {
          this.setState('authFailed');
          this.emit('authFailed', { status });
          this.settleFirst(new AuthFailedError(status));
          return;
        }
        void this.open(); // once more, with a fresh token
        return;
      }
      this.disconnected(status !== undefined ? `handshake refused with HTTP ${status}` : 'could not connect');
    });
  }

  /** The live connection of `gen` is gone (closed, failed, or silent). */
  private lost(gen: number, reason: string): void {
    if (gen !== this.generation || this.socket === null) return;
    const ws = this.socket;
    this.socket = null;
    this.detach(ws);
    try {
      ws.close();
    } catch {
      // already closed
    }
    this.generation++;
    this.outbox.connectionLost();
    this.typingSignals.reset();
    for (const ended of this.typists.clear()) this.emit('typing', ended);
    for (const call of this.histories) call.transmittedAt = -1;
    this.syncCall = null;
    this.syncCalls.clear();
    this.probing = false;
    this.pongAwaited = false;
    this.outboxChanged(false);
    if (!this.closed) this.disconnected(`connection lost: ${reason}`);
  }

  private disconnected(_reason: string): void {
    this.setState('disconnected');
    const delay = this.backoff.next(this.now());
    const gen = this.generation;
    this.cancelReconnect();
    this.reconnectTimer = setTimeout(() => this.guarded(() => {
      this.reconnectTimer = undefined;
      if (gen === this.generation && !this.closed && this.socket === null) void this.open();
    }), delay);
  }

  private cancelReconnect(): void {
    if (this.reconnectTimer !== undefined) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = undefined;
    }
  }

  private detach(ws: SocketLike): void {
    ws.onopen = null;
    ws.onmessage = null;
    ws.onclose = null;
    ws.onerror = () => undefined; // some implementations throw on an unhandled error event
  }

  // ---------------------------------------------------------------- timers

  private tick(): void {
    if (this.closed) return;
    const now = this.now();
    if (this.currentState === 'connecting' && this.opening !== null && now - this.attemptStartedAt > 3 * this.opts.requestTimeoutMs) {
      const ws = this.opening;
      this.opening = null;
      this.detach(ws);
      try {
        ws.close();
      } catch {
        // never opened
      }
      this.generation++;
      this.disconnected('no handshake answer in time');
      return;
    }
    for (const ended of this.typists.expire(now)) this.emit('typing', ended);
    if (this.socket === null) return;
    if (this.pongAwaited && now >= this.pongDeadline) {
      this.lost(this.generation, `no frame within ${this.opts.requestTimeoutMs} ms of a heartbeat`);
      return;
    }
    if (now - this.lastHeartbeatAt >= this.opts.heartbeatIntervalMs) {
      this.write(Frames.heartbeat(this.nextId('hb')));
      this.lastHeartbeatAt = now;
      if (!this.pongAwaited) {
        this.pongAwaited = true;
        this.pongDeadline = now + this.opts.requestTimeoutMs;
      }
    }
    const resync = this.opts.resyncIntervalMs;
    if (resync > 0 && this.syncCall === null && now - this.lastSyncAt >= resync) this.syncWanted = true;
    if (this.syncCall !== null && now - this.syncCall.sentAt >= this.opts.requestTimeoutMs) {
      this.syncCall = null; // a late answer is still applied (syncCalls keeps it)
      this.syncWanted = true;
    }
    this.pump(now);
  }

  /** Writes whatever is due: sync, sends, history requests, reads, acks. */
  private pump(now: number): void {
    if (this.socket === null || this.sequencer === undefined) return;
    this.maybeStartSync(now);
    const due = this.outbox.due(now);
    for (const p of due) {
      this.write(Frames.timelineRequest(p.requestId!, p.action, p.clientMsgId, p.to, p.body, p.fields));
    }
    if (due.some((p) => p.attempts === 1)) this.outboxChanged(false);
    for (const call of [...this.histories]) {
      if (call.done) {
        this.forget(call);
      } else if ((call.transmittedAt < 0 || now - call.transmittedAt >= this.opts.requestTimeoutMs) && now >= call.notBefore) {
        call.attempts++;
        call.requestId = this.nextId('h');
        call.transmittedAt = now;
        this.historyByRequest.set(call.requestId, call);
        this.write(Frames.history(call.requestId, call.conversationId, call.beforeSeq, call.limit));
      }
    }
    if (this.readsToSend.size > 0) {
      for (const [id, seq] of this.readsToSend) this.write(Frames.read(this.nextId('r'), id, seq));
      this.readsToSend.clear();
    }
    if (now - this.lastAckFlush >= this.opts.ackIntervalMs) this.flushAcks(now);
  }

  private flushAcks(now: number): void {
    if (this.acksDue.size === 0) return;
    for (const [id, seq] of this.acksDue) this.write(Frames.ack(this.nextId('a'), id, seq));
    this.acksDue.clear();
    this.lastAckFlush = now;
  }

  // ---------------------------------------------------------------- sync

  private maybeStartSync(now: number): void {
    if (this.api !== undefined) {
      this.maybeStartRound(now);
      return;
    }
    const sequencer = this.sequencer!;
    if (this.socket === null || this.syncCall !== null || this.probing || now < this.syncNotBefore) return;
    const due = sequencer.dueForSync(now);
    if (!this.syncWanted && due.size === 0) return;
    sequencer.syncStarted(due, now);
    this.syncWanted = false;
    const cursors = sequencer.syncCursors();
    const call: SyncCall = { requestId: this.nextId('sync'), cursors, emptyCursors: Object.keys(cursors).length === 0, sentAt: now };
    this.syncCall = call;
    this.lastSyncAt = now;
    this.syncCalls.set(call.requestId, call);
    this.write(Frames.sync(call.requestId, cursors, this.opts.syncPageSize));
  }

  private onSynced(frame: Extract<Frames.Incoming, { type: 'synced' }>, now: number): void {
    const sequencer = this.sequencer!;
    const call = frame.requestId === null ? undefined : this.syncCalls.get(frame.requestId);
    if (call === undefined) return;
    this.syncCalls.delete(call.requestId);
    if (call === this.syncCall) this.syncCall = null;
    if (call.round !== undefined) {
      this.onRoundPage(frame, call.round, now);
      return;
    }
    let more = false;
    const summaries: ConversationSummary[] = [];
    for (const conversation of frame.conversations) {
      const id = conversation.summary.conversationId;
      summaries.push(conversation.summary);
      const known = sequencer.cursor(id) !== undefined;
      // Not in the request's cursors: the server answered from the start, i.e. from cursor 0.
      const from = call.emptyCursors ? null : call.cursors[id] ?? 0;
      // docs/protocol.md: a forward page without more covers up to lastSeq (trailing gaps).
      const coveredUpTo = call.emptyCursors || conversation.hasMore ? 0 : conversation.summary.lastSeq;
      const progress = sequencer.page(id, from, conversation.messages, coveredUpTo, now);
      this.deliver(progress);
      if (call.emptyCursors) {
        // The newest page may stop short of lastSeq (a send in flight): one round from the cursors.
        if ((sequencer.cursor(id) ?? 0) < conversation.summary.lastSeq) more = true;
      } else if (conversation.hasMore) {
        if (advanced(progress) || !known) more = true;
        else sequencer.stalled(id, now); // a young hole: retried on the gap timer, not at once
      } else {
        sequencer.settled(id);
      }
    }
    if (!call.emptyCursors) {
      // docs/protocol.md: a cursor of a conversation the user is no longer a member of is left out
      // of the reply. Stop asking for it (its cursor is kept, see Sequencer.exclude).
      const answered = new Set(frame.conversations.map((c) => c.summary.conversationId));
      for (const id of Object.keys(call.cursors)) if (!answered.has(id)) sequencer.exclude(id);
    }
    if (!sequencer.initialized) {
      for (const progress of sequencer.initialSyncDone(now)) this.deliver(progress);
    }
    if (more) {
      this.syncWanted = true;
    } else if (this.syncCall === null) {
      this.emit('conversations', { conversations: summaries, totalUnread: frame.totalUnread });
      if (this.currentState === 'syncing') this.setState('connected');
    }
    this.pump(now);
  }

  private syncFailed(call: SyncCall, code: string, error: { retryAfterMs: number; message: string }, now: number): void {
    if (call === this.syncCall) this.syncCall = null;
    this.syncWanted = true;
    // A position the server does not know (its data was reset): list everything again.
    if (call.round !== undefined && code === 'BAD_REQUEST') this.syncPosition = null;
    if (code === 'RATE_LIMITED') {
      this.syncNotBefore = now + Math.max(100, error.retryAfterMs);
    } else if (code === 'NOT_MEMBER' || code === 'NOT_FOUND') {
      this.probeMemberships(Object.keys(call.cursors));
    } else {
      this.syncNotBefore = now + Math.min(this.opts.requestTimeoutMs, 1000);
    }
    this.pump(now);
  }

  /**
   * A sync named a conversation the user is no longer a member of, and the server refused the
   * whole request without saying which: ask each conversation's newest entry, and leave out of
   * later syncs the ones refused.
   */
  private probeMemberships(conversationIds: string[]): void {
    this.probing = true;
    const probes = conversationIds.map((id) => this.historyPage(id, null, 1).then(() => undefined, (error: unknown) => {
      if (error instanceof ServerError && (error.code === 'NOT_MEMBER' || error.code === 'NOT_FOUND')) {
        this.sequencer!.exclude(id);
      }
    }));
    void Promise.all(probes).then(() => this.guarded(() => {
      this.probing = false;
      this.syncWanted = true;
      this.pump(this.now());
    }));
  }

  // ---------------------------------------------------------------- sync, version 2

  /**
   * Version-2 sync (docs/protocol.md, "How @parley/client syncs"): a round is `sync` with the
   * device's one position, page after page while `hasMore`; a conversation it lists that the
   * device holds less of than `lastSeq` is caught up with forward pages over HTTP. Conversations
   * missing a seq for the gap wait are caught up the same way, without a round.
   */
  private maybeStartRound(now: number): void {
    const sequencer = this.sequencer!;
    if (this.socket === null || this.syncCall !== null || this.roundBusy || now < this.syncNotBefore) return;
    const due = sequencer.dueForSync(now);
    if (due.size > 0) {
      sequencer.syncStarted(due, now);
      for (const id of due) void this.catchUp(id, 0);
    }
    if (!this.syncWanted) return;
    this.syncWanted = false;
    const round: Round = { afterOpen: this.openedSinceRound, generation: this.generation, listed: new Map() };
    this.openedSinceRound = false;
    this.sendRoundPage(this.syncPosition ?? '', round, now);
  }

  private sendRoundPage(since: string, round: Round, now: number): void {
    const call: SyncCall = { requestId: this.nextId('sync'), cursors: {}, emptyCursors: false, sentAt: now, round };
    this.syncCall = call;
    this.lastSyncAt = now;
    this.syncCalls.set(call.requestId, call);
    // After an open each conversation comes with its newest page (usually all that is missing);
    // otherwise states only: pushes brought the messages.
    this.write(Frames.syncSince(call.requestId, since, round.afterOpen ? this.opts.syncPageSize : 0, Frames.MAX_PAGE));
  }

  private onRoundPage(frame: Extract<Frames.Incoming, { type: 'synced' }>, round: Round, now: number): void {
    for (const c of frame.conversations) {
      const id = c.summary.conversationId;
      if (c.left) {
        this.sequencer!.exclude(id);
        round.listed.delete(id);
      } else {
        round.listed.set(id, c);
      }
    }
    if (frame.hasMore && frame.cursor !== null) {
      this.sendRoundPage(frame.cursor, round, now);
      return;
    }
    this.roundBusy = true;
    void this.finishRound(round, frame.cursor, now);
  }

  /**
   * Applies the newest page of each listed conversation where it joins what the device holds (a
   * new device takes it as its starting point), catches up the rest, then tells the listeners
   * and saves the position, after the cursors of what the round delivered: a crash in between
   * lists those conversations again, never skips them.
   */
  private async finishRound(round: Round, position: string | null, now: number): Promise<void> {
    const sequencer = this.sequencer!;
    const fetches: Array<Promise<boolean>> = [];
    this.guarded(() => {
      for (const c of round.listed.values()) {
        const id = c.summary.conversationId;
        let cursor = sequencer.cursor(id);
        const first = c.messages[0];
        if (first !== undefined && (cursor === undefined ? !sequencer.initialized : first.seq <= cursor + 1 || !c.hasMore)) {
          const from = cursor;
          this.deliver(sequencer.page(id, from === undefined ? null : from,
            from === undefined ? c.messages : c.messages.filter((m) => m.seq > from), 0, now));
          cursor = sequencer.cursor(id);
        }
        if (cursor === undefined || cursor < c.summary.lastSeq) fetches.push(this.catchUp(id, c.summary.lastSeq));
      }
    });
    const complete = (await Promise.all(fetches)).every(Boolean);
    this.guarded(() => {
      this.roundBusy = false;
      const at = this.now();
      if (!sequencer.initialized) {
        for (const progress of sequencer.initialSyncDone(at)) this.deliver(progress);
      }
      const summaries = [...round.listed.values()].map((c) => c.summary);
      this.emit('conversations', { conversations: summaries, totalUnread: summaries.reduce((sum, s) => sum + s.unread, 0) });
      if (complete && position !== null && !this.closed) {
        this.syncPosition = position;
        this.job(() => {
          try {
            const saving = this.store.saveSyncPosition?.(position);
            if (saving instanceof Promise) saving.catch((e: unknown) => console.error('parley: saving the sync position failed', e));
          } catch (e) {
            console.error('parley: saving the sync position failed', e);
          }
        });
      }
      if (round.generation !== this.generation) {
        this.syncWanted = true; // the connection changed during the round: a new one follows
      } else if (this.currentState === 'syncing') {
        this.setState('connected');
      }
      this.pump(at);
    });
  }

  /** Fetches one conversation forward until it holds everything; true when it does, false when a page stalled or failed. */
  private catchUp(conversationId: string, lastSeq: number): Promise<boolean> {
    const running = this.catchingUp.get(conversationId);
    if (running !== undefined) return running;
    const work = this.fetchForward(conversationId, lastSeq).finally(() => this.catchingUp.delete(conversationId));
    this.catchingUp.set(conversationId, work);
    return work;
  }

  /**
   * `GET /conversations/{id}/messages?afterSeq=<cursor>`: the same forward pages a version-1 sync
   * gives per conversation, so every seq a page leaves out is a gap and a page with `hasMore: false`
   * covers up to `lastSeq`. A new device starts from the newest page instead; a conversation new
   * to an initialized device from its start.
   */
  private async fetchForward(conversationId: string, lastSeq: number): Promise<boolean> {
    const api = this.api!;
    const sequencer = this.sequencer!;
    while (!this.closed) {
      const cursor = sequencer.cursor(conversationId);
      const newest = cursor === undefined && !sequencer.initialized;
      let answer: { messages: Message[]; hasMore: boolean };
      try {
        answer = await api.messages(conversationId, newest ? { limit: this.opts.syncPageSize }
          : { afterSeq: cursor ?? 0, limit: this.opts.syncPageSize });
      } catch (e) {
        if (e instanceof ParleyHttpError && (e.status === 403 || e.status === 404)) {
          this.guarded(() => sequencer.exclude(conversationId)); // no longer a member
          return true;
        }
        this.guarded(() => sequencer.stalled(conversationId, this.now())); // asked again on the gap timer
        return false;
      }
      if (this.closed) return false;
      let outcome = 'done' as 'more' | 'done' | 'stalled';
      this.guarded(() => {
        const now = this.now();
        const progress = newest ? sequencer.page(conversationId, null, answer.messages, 0, now)
          : sequencer.page(conversationId, cursor ?? 0, answer.messages, answer.hasMore ? 0 : lastSeq, now);
        this.deliver(progress);
        const at = sequencer.cursor(conversationId) ?? 0;
        if (newest) {
          outcome = at < lastSeq ? 'more' : 'done';
        } else if (!answer.hasMore) {
          sequencer.settled(conversationId);
        } else if (advanced(progress)) {
          outcome = 'more';
        } else {
          sequencer.stalled(conversationId, now); // a young hole: retried on the gap timer
          outcome = 'stalled';
        }
        this.pump(now);
      });
      if (outcome !== 'more') return outcome === 'done';
    }
    return false;
  }

  // ---------------------------------------------------------------- history

  private historyPage(conversationId: string, beforeSeq: number | null, limit: number): Promise<HistoryPage> {
    if (this.closed) return Promise.reject(new ClientClosedError());
    return new Promise<HistoryPage>((resolve, reject) => {
      this.histories.add({
        conversationId, beforeSeq, limit, resolve, reject, done: false, requestId: null, transmittedAt: -1, notBefore: 0, attempts: 0,
      });
      this.pump(this.now());
    });
  }

  private finishHistory(call: HistoryCall, page: HistoryPage | undefined, error?: Error): void {
    if (call.done) return;
    call.done = true;
    this.forget(call);
    if (error !== undefined) call.reject(error);
    else call.resolve(page!);
  }

  private forget(call: HistoryCall): void {
    this.histories.delete(call);
    for (const [requestId, c] of this.historyByRequest) if (c === call) this.historyByRequest.delete(requestId);
  }

  // ---------------------------------------------------------------- frames

  private onFrame(gen: number, text: string): void {
    if (gen !== this.generation || this.closed || this.sequencer === undefined) return;
    const now = this.now();
    this.pongAwaited = false; // any frame shows the connection is alive
    // API Gateway answers a two-way route whose integration returned no body (ack, read) with an
    // empty frame; it carries nothing and is not an error.
    if (text.trim() === '') return;
    const frame = Frames.decode(text);
    switch (frame.type) {
      case 'sent': {
        const pending = this.outbox.confirmed(frame.clientMsgId);
        if (pending !== undefined) {
          const sent: Sent = { conversationId: frame.conversationId, clientMsgId: frame.clientMsgId, seq: frame.seq, sentAt: frame.sentAt };
          const waiter = this.waiters.get(pending.clientMsgId);
          this.waiters.delete(pending.clientMsgId);
          this.outboxChanged(true);
          this.emit('sent', sent);
          this.job(() => waiter?.resolve(sent));
          // The sending connection gets no push of its own entry: deliver it from here.
          const own = ownEntry(pending, frame, this.selfUserId);
          if (own !== null) this.deliver(this.sequencer.offer(own, now));
        }
        this.pump(now);
        break;
      }
      case 'message':
        this.deliver(this.sequencer.offer(frame.message, now));
        break;
      case 'gap':
        this.deliver(this.sequencer.gap(frame.conversationId, frame.seq, now));
        break;
      case 'synced':
        this.onSynced(frame, now);
        break;
      case 'history': {
        const call = frame.requestId === null ? undefined : this.historyByRequest.get(frame.requestId);
        if (call !== undefined) {
          this.finishHistory(call, { conversationId: frame.conversationId, messages: frame.messages, hasMore: frame.hasMore });
        }
        break;
      }
      case 'read':
        this.emit('read', frame.receipt);
        break;
      case 'presence':
        this.emit('presence', frame.presence);
        break;
      case 'members':
        if (frame.change.added.includes(this.selfUserId ?? '')) {
          this.syncWanted = true; // a group the user just joined: fetch what it already holds
        }
        this.emit('members', frame.change);
        this.pump(now);
        break;
      case 'typing': {
        if (frame.typing.userId === this.selfUserId) break; // another device of the user's
        const change = this.typists.signal(frame.typing, now);
        if (change !== null) this.emit('typing', change);
        break;
      }
      case 'error':
        this.onError(frame, now);
        break;
      case 'pong':
        break; // liveness only, handled above
      case 'unknown':
        this.emit('unknownFrame', { frameType: frame.frameType, frame: frame.frame });
        break;
      case 'invalid':
        this.emit('frameError', { reason: frame.reason, text: frame.text });
        break;
    }
  }

  private onError(error: Extract<Frames.Incoming, { type: 'error' }>, now: number): void {
    const { requestId, code } = error;
    if (requestId === null) {
      this.emit('serverError', { code, message: error.message, requestId });
      return;
    }
    const outcome = this.outbox.failed(requestId, code, error.retryAfterMs, now);
    if (outcome.pending !== undefined) {
      if (outcome.verdict === 'fail') {
        const pending = outcome.pending;
        const failure = new ServerError(code, error.message);
        const waiter = this.waiters.get(pending.clientMsgId);
        this.waiters.delete(pending.clientMsgId);
        this.outboxChanged(true);
        this.emit('sendFailed', {
          clientMsgId: pending.clientMsgId, action: pending.action, to: pending.to, body: pending.body,
          ...(pending.fields !== undefined ? { fields: pending.fields } : {}), error: failure,
        });
        this.job(() => waiter?.reject(failure));
      } else if (outcome.verdict === 'retry') {
        this.outboxChanged(false);
      }
      this.pump(now);
      return;
    }
    const sync = this.syncCalls.get(requestId);
    if (sync !== undefined) {
      this.syncCalls.delete(requestId);
      this.syncFailed(sync, code, error, now);
      return;
    }
    const call = this.historyByRequest.get(requestId);
    if (call !== undefined) {
      if (!retryable(code)) {
        this.finishHistory(call, undefined, new ServerError(code, error.message));
      } else if (requestId === call.requestId) {
        call.transmittedAt = -1;
        call.notBefore = now + (code === 'RATE_LIMITED'
          ? Math.max(1, error.retryAfterMs) : Math.min(5000, 100 * 2 ** Math.min(call.attempts, 6)));
      }
      this.pump(now);
      return;
    }
    if (this.typingRequests.delete(requestId)) return;
    this.emit('serverError', { code, message: error.message, requestId });
  }

  /** Hands the entries to the listeners, then saves the cursor, then queues the ack. */
  private deliver(progress: Progress): void {
    if (!advanced(progress)) return;
    // The model moves now, in seq order; the listeners hear each entry, then what it changed.
    const calls: Array<() => void> = [];
    for (const message of progress.delivered) {
      calls.push(() => this.call('message', message));
      const changed = this.states.apply(message);
      if (changed !== null) calls.push(() => this.call('changed', changed));
      const ended = message.kind === 'message' && message.senderId !== null
        ? this.typists.end(message.conversationId, message.senderId) : null;
      if (ended !== null) calls.push(() => this.call('typing', ended));
    }
    this.job(() => {
      for (const call of calls) call();
      try {
        const saving = this.store.saveCursor(progress.conversationId, progress.cursor);
        if (saving instanceof Promise) saving.catch((e: unknown) => console.error('parley: saving a cursor failed', e));
      } catch (e) {
        console.error('parley: saving a cursor failed', e);
      }
      if (progress.cursor > 0 && !this.closed) {
        this.acksDue.set(progress.conversationId, Math.max(progress.cursor, this.acksDue.get(progress.conversationId) ?? 0));
      }
    });
  }

  /** The outbox changed: tell the listeners, and save it when its content changed. */
  private outboxChanged(contentChanged: boolean): void {
    if (contentChanged) {
      const items: OutboxItem[] = this.outbox.all().map((p) => {
        const item: OutboxItem = { clientMsgId: p.clientMsgId, action: p.action, to: p.to, body: p.body, createdAt: p.createdAt };
        if (p.fields !== undefined) item.fields = p.fields;
        return item;
      });
      try {
        const saving = this.store.saveOutbox(items);
        if (saving instanceof Promise) saving.catch((e: unknown) => console.error('parley: saving the outbox failed', e));
      } catch (e) {
        console.error('parley: saving the outbox failed', e);
      }
    }
    const snapshot = this.pendingSends();
    this.emit('outbox', snapshot);
  }

  private write(text: string): void {
    const ws = this.socket;
    if (ws === null) return;
    if (ws.readyState !== OPEN) {
      this.lost(this.generation, 'the socket is no longer open');
      return;
    }
    try {
      ws.send(text);
    } catch (e) {
      this.lost(this.generation, `write failed: ${String(e)}`);
    }
  }

  private setState(next: ConnectionState): void {
    if (this.currentState === next) return;
    this.currentState = next;
    this.emit('state', next);
    if (next === 'connected') this.settleFirst();
  }

  /** Settles connect()'s promise, after the listeners heard what came before. */
  private settleFirst(error?: Error): void {
    if (this.firstConnected.settled) return;
    this.firstConnected.settled = true;
    this.job(() => {
      if (error === undefined) this.firstConnected.resolve();
      else this.firstConnected.reject(error);
    });
  }

  // ---------------------------------------------------------------- plumbing

  private emit<K extends keyof ClientEvents>(event: K, payload: ClientEvents[K]): void {
    this.job(() => this.call(event, payload));
  }

  private call<K extends keyof ClientEvents>(event: K, payload: ClientEvents[K]): void {
    const set = this.listeners.get(event);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<ClientEvents[K]>)(payload);
      } catch (e) {
        console.error(`parley: a '${event}' listener threw; the event counts as delivered`, e);
      }
    }
  }

  /** Runs `work` after the current client code finished, in order with everything queued before it. */
  private job(work: () => void): void {
    this.jobs.push(work);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  private flush(): void {
    try {
      for (let work = this.jobs.shift(); work !== undefined; work = this.jobs.shift()) {
        try {
          work();
        } catch (e) {
          console.error('parley: client bug', e);
        }
      }
    } finally {
      this.flushScheduled = false;
    }
  }

  private guarded(work: () => void): void {
    try {
      work();
    } catch (e) {
      console.error('parley: client bug', e);
    }
  }

  private nextId(prefix: string): string {
    return `${prefix}-${++this.requestCounter}`;
  }
}

function toPendingSend(p: Pending): PendingSend {
  const pending: PendingSend = {
    clientMsgId: p.clientMsgId, action: p.action, to: p.to, body: p.body ?? {}, createdAt: p.createdAt,
    status: p.transmittedAt >= 0 ? 'sending' : 'waiting', attempts: p.attempts,
  };
  if (p.fields !== undefined) pending.fields = { ...p.fields };
  return pending;
}

const OWN_KINDS: Record<string, Message['kind']> = { send: 'message', edit: 'edit', delete: 'delete', react: 'reaction' };

/** The entry a confirmed request of the user's stored, as the other members' pushes carry it. */
function ownEntry(pending: Pending, sent: { conversationId: string; clientMsgId: string; seq: number; sentAt: number },
  self: string | null): Message | null {
  const kind = OWN_KINDS[pending.action];
  if (kind === undefined) return null;
  const f = pending.fields ?? {};
  const entry: Message = {
    conversationId: sent.conversationId, seq: sent.seq, kind, senderId: self, clientMsgId: sent.clientMsgId,
    body: kind === 'message' || kind === 'edit' ? pending.body : null, sentAt: sent.sentAt,
  };
  if (kind === 'message' && typeof f.replyTo === 'number') entry.replyTo = f.replyTo;
  if (kind !== 'message' && typeof f.seq === 'number') entry.targetSeq = f.seq;
  if (kind === 'reaction') {
    if (typeof f.emoji === 'string') entry.emoji = f.emoji;
    if (f.remove === true) entry.remove = true;
  }
  return entry;
}

/** docs/protocol.md: a direct conversation's id is `dm:` and the two user ids, sorted (UTF-16 order). */
export function directConversationId(a: string, b: string): string {
  return a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`;
}

function checkSeq(seq: number, name: string): number {
  if (!Number.isSafeInteger(seq) || seq < 1) throw new RangeError(`${name} must be a seq (a whole number from 1)`);
  return seq;
}

/** docs/protocol.md: 1 to 16 code points, no whitespace or control characters. */
function checkEmoji(emoji: string): string {
  if (typeof emoji !== 'string') throw new TypeError('emoji must be a string');
  const points = [...emoji].length;
  if (points < 1 || points > 16 || /[\s\p{Cc}]/u.test(emoji)) {
    throw new RangeError('an emoji is 1 to 16 characters without whitespace or control characters');
  }
  return emoji;
}

function positive(value: number, name: string): number {
  if (!(typeof value === 'number' && value > 0)) throw new RangeError(`${name} must be positive`);
  return value;
}

function checkDestination(to: Destination): void {
  const byConversation = typeof (to as { conversationId?: unknown }).conversationId === 'string';
  const byUser = typeof (to as { userId?: unknown }).userId === 'string';
  if (byConversation === byUser) throw new TypeError('send to { conversationId } or { userId }, exactly one');
}

function checkBody(body: unknown): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Object.keys(body).length === 0) {
    throw new TypeError('the body must be a non-empty JSON object');
  }
  const text = (body as { text?: unknown }).text;
  if (text !== undefined && typeof text !== 'string') throw new TypeError('body.text must be a string');
  const bytes = Frames.bodyBytes(body);
  if (bytes > Frames.MAX_BODY_BYTES) {
    // The gateway may not even read a requestId out of a frame this large, so the server's answer
    // could never be matched: refuse here.
    throw new RangeError(`the body is ${bytes} bytes serialized; at most ${Frames.MAX_BODY_BYTES} are allowed`);
  }
}

/** 22 characters of base64url (the protocol allows [A-Za-z0-9_-], up to 64). */
export function newClientMsgId(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function connectUrl(websocketUrl: string, token: string, deviceId: string | undefined): string {
  const url = new URL(websocketUrl);
  url.searchParams.set('token', token);
  if (deviceId !== undefined) url.searchParams.set('deviceId', deviceId);
  return url.toString();
}

/** The status the HTTP API answers this token with (401 when refused); undefined when it cannot be reached. */
async function probeToken(httpUrl: string, token: string, fetchImpl: FetchLike | undefined): Promise<number | undefined> {
  const doFetch = fetchImpl ?? (globalThis as { fetch?: FetchLike }).fetch;
  if (doFetch === undefined) return undefined;
  try {
    const response = await doFetch(`${httpUrl.replace(/\/+$/, '')}/presence?users=`, {
      method: 'GET', headers: { Authorization: `Bearer ${token}` },
    });
    return response.status === 401 || response.status === 403 ? response.status : undefined;
  } catch {
    return undefined;
  }
}
