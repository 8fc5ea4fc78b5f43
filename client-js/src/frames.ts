import type {
  ConversationSummary,
  Destination,
  EntryKind,
  MembersChange,
  Message,
  Presence,
  ReadReceipt,
  Typing,
} from './types.js';

/**
 * The one place that knows docs/protocol.md's frame shapes, both ways.
 *
 * Decoding is defensive: a frame is checked field by field, and a frame this version cannot use
 * (not JSON, not an object, a known type with a field of the wrong type) decodes to `invalid` with
 * the reason, so the client reports and skips it instead of failing on it later. A frame of a type
 * this version does not know decodes to `unknown`, which the client ignores (a newer server may
 * send frames an older client has never heard of).
 */

/** docs/protocol.md: a send's body is at most 16 KiB serialized. */
export const MAX_BODY_BYTES = 16 * 1024;
/** docs/protocol.md: `limit` of `sync` and `history` is 1..200. */
export const MAX_PAGE = 200;

export interface SyncedConversation {
  summary: ConversationSummary;
  messages: Message[];
  hasMore: boolean;
  /** Version 2 (`sync` with `since`): the user is no longer a member; drop it. */
  left: boolean;
}

export type Incoming =
  | { type: 'sent'; requestId: string | null; conversationId: string; clientMsgId: string; seq: number; sentAt: number }
  | { type: 'message'; message: Message }
  | { type: 'gap'; conversationId: string; seq: number }
  | { type: 'pong'; requestId: string | null; serverTime: number }
  | {
    type: 'synced'; requestId: string | null; conversations: SyncedConversation[]; totalUnread: number;
    /** Version 2 (an answer to `since`): the position to sync from next; null in a v1 answer. */
    cursor: string | null;
    /** Version 2: more changed conversations follow (sync again at once from `cursor`). */
    hasMore: boolean;
  }
  | { type: 'history'; requestId: string | null; conversationId: string; messages: Message[]; hasMore: boolean }
  | { type: 'read'; receipt: ReadReceipt }
  | { type: 'presence'; presence: Presence }
  | { type: 'members'; change: MembersChange }
  | { type: 'typing'; typing: Typing }
  | { type: 'error'; requestId: string | null; code: string; message: string; retryAfterMs: number }
  /** A frame of a type this version does not know, or without `type` (the gateway's `{"message": "Internal server error"}`). */
  | { type: 'unknown'; frameType: string | null; frame: Record<string, unknown> }
  /** A frame that cannot be used: `reason` says why. */
  | { type: 'invalid'; reason: string; text: string };

class Invalid extends Error {}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(frame: Json, field: string): string {
  const value = frame[field];
  if (typeof value !== 'string') throw new Invalid(`${field} is not a string`);
  return value;
}

function strOrNull(frame: Json, field: string): string | null {
  const value = frame[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new Invalid(`${field} is not a string`);
  return value;
}

/** A whole number (seqs, counts, epoch milliseconds). */
function int(frame: Json, field: string): number {
  const value = frame[field];
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new Invalid(`${field} is not a whole number`);
  return value;
}

function intOr(frame: Json, field: string, fallback: number): number {
  return frame[field] === undefined || frame[field] === null ? fallback : int(frame, field);
}

function bool(frame: Json, field: string): boolean {
  const value = frame[field];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw new Invalid(`${field} is not a boolean`);
  return value;
}

function strings(frame: Json, field: string): string[] {
  const value = frame[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new Invalid(`${field} is not a list of strings`);
  }
  return value as string[];
}

function list(frame: Json, field: string): Json[] {
  const value = frame[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every(isObject)) throw new Invalid(`${field} is not a list of objects`);
  return value as Json[];
}

const KINDS: ReadonlySet<string> = new Set(['message', 'edit', 'delete', 'reaction', 'member']);

/** Page entries may leave out their conversationId (the page names it); pushes carry it. */
function entry(m: Json, conversationId?: string): Message {
  const id = conversationId !== undefined && (m.conversationId === undefined || m.conversationId === null)
    ? conversationId : str(m, 'conversationId');
  const seq = int(m, 'seq');
  if (seq < 1) throw new Invalid('seq is below 1');
  const kind = strOrNull(m, 'kind') ?? 'message';
  if (!KINDS.has(kind)) throw new Invalid(`unknown entry kind ${kind}`);
  const body = m.body === undefined || m.body === null ? null : m.body;
  if (body !== null && !isObject(body)) throw new Invalid('body is not an object');
  const message: Message = {
    conversationId: id,
    seq,
    kind: kind as EntryKind,
    senderId: strOrNull(m, 'senderId'),
    clientMsgId: strOrNull(m, 'clientMsgId'),
    body,
    sentAt: intOr(m, 'sentAt', 0),
  };
  if (m.targetSeq !== undefined && m.targetSeq !== null) message.targetSeq = int(m, 'targetSeq');
  if (m.replyTo !== undefined && m.replyTo !== null) message.replyTo = int(m, 'replyTo');
  if (m.editedAt !== undefined && m.editedAt !== null) message.editedAt = int(m, 'editedAt');
  if (m.deleted !== undefined) message.deleted = bool(m, 'deleted');
  if (m.stateSeq !== undefined && m.stateSeq !== null) message.stateSeq = int(m, 'stateSeq');
  if (m.emoji !== undefined && m.emoji !== null) message.emoji = str(m, 'emoji');
  if (m.remove !== undefined) message.remove = bool(m, 'remove');
  if (Array.isArray(m.reactions)) {
    message.reactions = list(m, 'reactions').map((r) => ({ emoji: str(r, 'emoji'), count: int(r, 'count'), me: bool(r, 'me') }));
  }
  return message;
}

function ascending(messages: Message[]): Message[] {
  for (let i = 1; i < messages.length; i++) {
    if (messages[i]!.seq <= messages[i - 1]!.seq) throw new Invalid('page entries are not in ascending seq order');
  }
  return messages;
}

/** A conversation of `synced` or `GET /conversations`. */
export function summary(c: Json): ConversationSummary {
  const kind = strOrNull(c, 'kind');
  const id = str(c, 'conversationId');
  const s: ConversationSummary = {
    conversationId: id,
    kind: kind === 'group' || (kind === null && id.startsWith('grp:')) ? 'group' : 'direct',
    name: strOrNull(c, 'name'),
    lastSeq: intOr(c, 'lastSeq', 0),
    readSeq: intOr(c, 'readSeq', 0),
    unread: intOr(c, 'unread', 0),
  };
  if (c.unreadMentions !== undefined && c.unreadMentions !== null) s.unreadMentions = int(c, 'unreadMentions');
  if (c.peerReadSeq !== undefined && c.peerReadSeq !== null) s.peerReadSeq = int(c, 'peerReadSeq');
  if (typeof c.admin === 'boolean') s.admin = c.admin;
  return s;
}

/** A change's fields, from a `members` frame or the body of a `member` entry. */
function memberChange(f: Json, conversationId: string, seq: number, by: string | null): MembersChange {
  const added = strings(f, 'added');
  const removed = strings(f, 'removed');
  return {
    conversationId, seq, name: strOrNull(f, 'name'), memberCount: intOr(f, 'memberCount', 0),
    added, addedCount: intOr(f, 'addedCount', added.length), removed, removedCount: intOr(f, 'removedCount', removed.length),
    by, promoted: strings(f, 'promoted'), demoted: strings(f, 'demoted'),
    renamed: f.renamed === true, created: f.created === true,
  };
}

/** The change a timeline entry of kind `member` describes; null for any other entry (or an unreadable body). */
export function memberChangeOf(entry: Message): MembersChange | null {
  if (entry.kind !== 'member' || entry.body === null) return null;
  try {
    return memberChange(entry.body as Json, entry.conversationId, entry.seq, entry.senderId);
  } catch {
    return null;
  }
}

/** Page entries from an HTTP answer; throws an Error naming the fault when one cannot be used. */
export function decodeEntries(value: unknown, conversationId: string): Message[] {
  try {
    return ascending(list({ value }, 'value').map((m) => entry(m, conversationId)));
  } catch (e) {
    throw new Error(`unusable messages in the answer: ${(e as Error).message}`);
  }
}

/** Decodes one text frame from the server. Never throws. */
export function decode(text: string): Incoming {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return { type: 'invalid', reason: 'not JSON', text };
  }
  if (!isObject(frame)) return { type: 'invalid', reason: 'not a JSON object', text };
  try {
    const requestId = typeof frame.requestId === 'string' ? frame.requestId : null;
    switch (frame.type) {
      case 'sent':
        return {
          type: 'sent', requestId, conversationId: str(frame, 'conversationId'), clientMsgId: str(frame, 'clientMsgId'),
          seq: int(frame, 'seq'), sentAt: intOr(frame, 'sentAt', 0),
        };
      case 'message':
        return { type: 'message', message: entry(frame) };
      case 'gap':
        return { type: 'gap', conversationId: str(frame, 'conversationId'), seq: int(frame, 'seq') };
      case 'pong':
        return { type: 'pong', requestId, serverTime: intOr(frame, 'serverTime', 0) };
      case 'synced':
        return {
          type: 'synced', requestId, totalUnread: intOr(frame, 'totalUnread', 0),
          cursor: strOrNull(frame, 'cursor'), hasMore: frame.hasMore === true,
          conversations: list(frame, 'conversations').map((c) => {
            const s = summary(c);
            return {
              summary: s,
              messages: ascending(list(c, 'messages').map((m) => entry(m, s.conversationId))),
              hasMore: bool(c, 'hasMore'),
              left: c.left === true,
            };
          }),
        };
      case 'history': {
        const conversationId = str(frame, 'conversationId');
        return {
          type: 'history', requestId, conversationId,
          messages: ascending(list(frame, 'messages').map((m) => entry(m, conversationId))),
          hasMore: bool(frame, 'hasMore'),
        };
      }
      case 'read':
        return {
          type: 'read',
          receipt: { conversationId: str(frame, 'conversationId'), userId: str(frame, 'userId'), seq: int(frame, 'seq') },
        };
      case 'presence':
        return {
          type: 'presence',
          presence: { userId: str(frame, 'userId'), online: bool(frame, 'online'), lastActiveAt: intOr(frame, 'lastActiveAt', 0) },
        };
      case 'members':
        return {
          type: 'members',
          change: memberChange(frame, str(frame, 'conversationId'), intOr(frame, 'seq', 0), strOrNull(frame, 'by')),
        };
      case 'typing': {
        const state = str(frame, 'state');
        if (state !== 'start' && state !== 'stop') throw new Invalid(`typing state ${state}`);
        return { type: 'typing', typing: { conversationId: str(frame, 'conversationId'), userId: str(frame, 'userId'), state } };
      }
      case 'error':
        return {
          type: 'error', requestId, code: str(frame, 'code'),
          message: typeof frame.message === 'string' ? frame.message : '', retryAfterMs: intOr(frame, 'retryAfterMs', 0),
        };
      default:
        return { type: 'unknown', frameType: typeof frame.type === 'string' ? frame.type : null, frame };
    }
  } catch (e) {
    if (e instanceof Invalid) {
      return { type: 'invalid', reason: `${String(frame.type)} frame: ${e.message}`, text };
    }
    throw e;
  }
}

// ------------------------------------------------------------------ client frames

function withRequest(action: string, requestId: string | null): Json {
  return requestId === null ? { action } : { action, requestId };
}

function destination(frame: Json, to: Destination): Json {
  if ('conversationId' in to) frame.conversationId = to.conversationId;
  else frame.to = to.userId;
  return frame;
}

/** A timeline-changing request (`send`; version 2 `edit`, `delete`, `react`). */
export function timelineRequest(requestId: string, action: string, clientMsgId: string, to: Destination,
  body: Record<string, unknown> | null, fields?: Record<string, unknown>): string {
  const frame = destination(withRequest(action, requestId), to);
  frame.clientMsgId = clientMsgId;
  if (fields !== undefined) Object.assign(frame, fields);
  if (body !== null) frame.body = body;
  return JSON.stringify(frame);
}

export function heartbeat(requestId: string): string {
  return JSON.stringify(withRequest('heartbeat', requestId));
}

export function sync(requestId: string, cursors: Record<string, number>, limit: number): string {
  return JSON.stringify({ ...withRequest('sync', requestId), cursors, limit });
}

/**
 * Version 2 `sync` (docs/protocol.md): the conversations changed since `since` (`""` for a device
 * that holds nothing), `pageSize` of them per reply, each with its newest `limit` messages (0:
 * states only).
 */
export function syncSince(requestId: string, since: string, limit: number, pageSize: number): string {
  return JSON.stringify({ ...withRequest('sync', requestId), since, limit, pageSize });
}

export function history(requestId: string, conversationId: string, beforeSeq: number | null, limit: number): string {
  const frame: Json = { ...withRequest('history', requestId), conversationId };
  if (beforeSeq !== null) frame.beforeSeq = beforeSeq;
  frame.limit = limit;
  return JSON.stringify(frame);
}

export function ack(requestId: string, conversationId: string, seq: number): string {
  return JSON.stringify({ ...withRequest('ack', requestId), conversationId, seq });
}

export function read(requestId: string, conversationId: string, seq: number): string {
  return JSON.stringify({ ...withRequest('read', requestId), conversationId, seq });
}

export function typing(requestId: string, conversationId: string, state: 'start' | 'stop'): string {
  return JSON.stringify({ ...withRequest('typing', requestId), conversationId, state });
}

/** The body's size as the server measures it: compact serialization, UTF-8 bytes. */
export function bodyBytes(body: unknown): number {
  return new TextEncoder().encode(JSON.stringify(body)).length;
}

/** The `sub` claim of a JWT, read without verifying it (only to label own messages); null if unreadable. */
export function subject(jwt: string): string | null {
  const parts = jwt.split('.');
  if (parts.length < 2) return null;
  try {
    const base64 = parts[1]!.replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
    const binary = atob(padded);
    const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return isObject(claims) && typeof claims.sub === 'string' ? claims.sub : null;
  } catch {
    return null;
  }
}
