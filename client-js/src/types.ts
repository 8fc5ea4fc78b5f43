/**
 * The shapes the application sees. Field names follow docs/protocol.md (the wire contract), so a
 * reader of the protocol recognises every one.
 */

/**
 * What a timeline entry is: version 1 has messages only; version 2 adds events that change one,
 * and `member` entries: a group's membership change kept in its timeline (`body` is the change,
 * read it with `memberChangeOf`; `senderId` made it). Events and member entries are never unread.
 */
export type EntryKind = 'message' | 'edit' | 'delete' | 'reaction' | 'member';

/**
 * One entry of a conversation's timeline: a message (version 1), or an edit, deletion or
 * reaction (version 2) that changes the message at `targetSeq`. Every entry has its own `seq` from
 * the conversation's counter, so all of them arrive exactly once and in seq order.
 */
export interface Message {
  conversationId: string;
  seq: number;
  /** Absent on the wire means `message`. */
  kind: EntryKind;
  senderId: string | null;
  clientMsgId: string | null;
  /** A JSON object; `text` is the text of a text message. Absent for a deleted message. */
  body: Record<string, unknown> | null;
  /** Epoch milliseconds. */
  sentAt: number;
  /** Version 2: the seq of the message an `edit`, `delete` or `reaction` changes. */
  targetSeq?: number;
  /** Version 2: the seq this message replies to. */
  replyTo?: number;
  /** Version 2, history and sync pages: the message's current state. */
  editedAt?: number;
  deleted?: boolean;
  reactions?: Reaction[];
  /** Version 2, history and sync pages: the seq of the last event the page's state holds. */
  stateSeq?: number;
  /** Version 2, `reaction` entries. */
  emoji?: string;
  remove?: boolean;
}

/** Version 2: one emoji's reactions on a message; `me`: the user is among them. */
export interface Reaction {
  emoji: string;
  count: number;
  me: boolean;
}

/**
 * Version 2: a message as it stands now (its events applied in seq order, or a page's state and
 * the events after it), which is what the server's `history` says. `body` is null once deleted;
 * `editedAt` 0 until edited.
 */
export interface MessageView {
  conversationId: string;
  seq: number;
  senderId: string | null;
  body: Record<string, unknown> | null;
  sentAt: number;
  replyTo?: number;
  editedAt: number;
  deleted: boolean;
  reactions: Reaction[];
}

/** Options of a send (version 2). */
export interface SendOptions {
  /** The seq of a message of the same conversation this one replies to. */
  replyTo?: number;
  /** User ids mentioned (members of the conversation); sent as `body.mentions`. */
  mentions?: string[];
}

/** Where a send goes: a conversation, or the direct conversation with a user. */
export type Destination = { conversationId: string } | { userId: string };

/** The server stored a send (the same seq for every retry of one `clientMsgId`). */
export interface Sent {
  conversationId: string;
  clientMsgId: string;
  seq: number;
  sentAt: number;
}

/** A read cursor moved: another device of the user, or the peer of a direct conversation. */
export interface ReadReceipt {
  conversationId: string;
  userId: string;
  seq: number;
}

export interface Presence {
  userId: string;
  online: boolean;
  lastActiveAt: number;
}

/**
 * A group's membership changed (docs/protocol.md: the `members` frame, and the body of a timeline
 * entry of kind `member`): what changed and the member count after it, never the member list
 * (page it with `HttpApi.groupMembers`). `added` and `removed` list at most 50 users; `addedCount`
 * and `removedCount` say how many there were.
 */
export interface MembersChange {
  conversationId: string;
  /** The seq of the change's timeline entry; 0 when none was stored. */
  seq: number;
  name: string | null;
  memberCount: number;
  added: string[];
  addedCount: number;
  removed: string[];
  removedCount: number;
  by: string | null;
  /** Members made admin by this change. */
  promoted: string[];
  /** Admins who stopped being admins by this change. */
  demoted: string[];
  /** The change renamed the group (`name` is the new name). */
  renamed: boolean;
  /** The change created the group. */
  created: boolean;
}

/** Version 2: another member started or stopped typing. Never stored, no seq. */
export interface Typing {
  conversationId: string;
  userId: string;
  state: 'start' | 'stop';
}

/** A conversation as `synced` and `GET /conversations` describe it. */
export interface ConversationSummary {
  conversationId: string;
  kind: 'direct' | 'group';
  /** Groups only. */
  name: string | null;
  lastSeq: number;
  /** The user's read cursor. */
  readSeq: number;
  unread: number;
  /** Version 2: unread messages mentioning the user. */
  unreadMentions?: number;
  /** Direct conversations, when the server reports it: the peer's read cursor. */
  peerReadSeq?: number;
  /** Groups, when the server reports it: the user is one of the group's admins. */
  admin?: boolean;
}

export interface HistoryPage {
  conversationId: string;
  /** Ascending by seq. */
  messages: Message[];
  /** Whether older messages exist. */
  hasMore: boolean;
}

/**
 * Where the connection stands.
 * - `connecting`: fetching a token and opening the WebSocket.
 * - `syncing`: open; catching up with `sync` (pushes are already delivered).
 * - `connected`: open and caught up.
 * - `disconnected`: dropped or could not open; a reconnect is scheduled with backoff.
 * - `authFailed`: the handshake was refused with 401/403 for two tokens in a row; waits for `reconnect()`.
 * - `closed`: `close()` was called. Final.
 */
export type ConnectionState = 'connecting' | 'syncing' | 'connected' | 'disconnected' | 'authFailed' | 'closed';

/** A send not yet confirmed by the server, as `pendingSends()` lists it. */
export interface PendingSend {
  clientMsgId: string;
  /** `send`; version 2 `edit`, `delete`, `react`. */
  action: string;
  /** Version 2: the target's seq (`edit`, `delete`, `react`), `emoji`, `remove`, `replyTo`. */
  fields?: Record<string, unknown>;
  to: Destination;
  body: Record<string, unknown>;
  /** Epoch milliseconds when the application made the send. */
  createdAt: number;
  /** `waiting`: not transmitted on this connection yet (offline, or paused); `sending`: awaiting `sent`. */
  status: 'waiting' | 'sending';
  /** Transmissions so far, across reconnects and page reloads of this process. */
  attempts: number;
}
